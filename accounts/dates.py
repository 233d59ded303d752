"""The days a person may type: never in the far past, never further ahead than the thing allows
(what happened cannot be tomorrow; an invoice may fall due next year). One message for each
side, naming the limit, so a typo (2099 for 2029, 1900 for 2026) is caught where it is typed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Earlier than any work a freelancer logs here: a year typed wrong, not history.
EARLIEST = dt.date(2000, 1, 1)


def day_check(day: dt.date | None, *, today: dt.date, days_ahead: int = 0) -> dt.date | None:
    """`day` itself when it lies between EARLIEST and `days_ahead` days after `today`."""
    if day is None:
        return None
    if day < EARLIEST:
        raise forms.ValidationError(
            _("Choose a day from %(date)s on."),
            code="too_early",
            params={"date": date_format(EARLIEST, "DATE_FORMAT")},
        )
    latest = today + dt.timedelta(days=days_ahead)
    if day > latest:
        if days_ahead == 0:
            raise forms.ValidationError(_("Choose a day that has come already."), code="future")
        raise forms.ValidationError(
            _("Choose a day no later than %(date)s."),
            code="too_late",
            params={"date": date_format(latest, "DATE_FORMAT")},
        )
    return day
