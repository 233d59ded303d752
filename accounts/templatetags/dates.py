"""Dates that are kept as ISO text (a review's plan is JSON) read as dates on a page."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def iso_date(value):
    """An ISO day ("2026-12-16") as a date, for the `date` filter; anything else as it came."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
