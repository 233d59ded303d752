from __future__ import annotations

import calendar
import datetime as dt
import uuid
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Workspace
from portfolio.forms import HiddenErrorsShown, member_choices
from portfolio.models import Client

from .boundaries import SPAN_IN_DAYS, SPAN_IN_ENTRIES
from .models import Boundary, BoundaryKind, ScoringSettings, Severity
from .selectors import NO_OWNER, SNOOZE_DAYS

WEIGHT_FIELDS = [
    f"weight_{name}"
    for name in ("profitability", "energy", "respect", "trust", "scope", "payments")
]


class ScoringSettingsForm(forms.ModelForm):
    """The weights and periods, plus the workspace's target rate (profitability reads it)."""

    target_hourly_rate = forms.DecimalField(
        label=_("Target hourly rate"),
        required=False,
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("What an hour of your work should earn. Leave empty to not judge rates."),
    )

    class Meta:
        model = ScoringSettings
        fields = [*WEIGHT_FIELDS, "half_life_days", "window_days"]
        widgets = {name: forms.NumberInput(attrs={"min": 0, "max": 5}) for name in WEIGHT_FIELDS}

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["target_hourly_rate"].initial = workspace.target_hourly_rate
        for name in WEIGHT_FIELDS:
            self.fields[name].help_text = ""

    def clean(self):
        data = super().clean()
        if all(data.get(name) == 0 for name in WEIGHT_FIELDS):
            raise forms.ValidationError(_("Give at least one dimension a weight above zero."))
        if (
            data.get("half_life_days")
            and data.get("window_days")
            and data["half_life_days"] > data["window_days"]
        ):
            self.add_error("half_life_days", _("The half-life cannot be longer than the window."))
        return data


SPAN_LABELS = {
    **{kind: _("Over the last … days") for kind in SPAN_IN_DAYS},
    **{kind: _("Over the last … entries") for kind in SPAN_IN_ENTRIES},
}
THRESHOLD_LABELS = {
    BoundaryKind.RATE_BELOW_TARGET: _("Alert under this % of the target rate"),
    BoundaryKind.UNBILLED_SHARE: _("Alert above this % of unbilled time"),
    BoundaryKind.LATE_INVOICES: _("Alert at this many late invoices"),
    BoundaryKind.DISRESPECT: _("Alert at this many disrespect flags"),
    BoundaryKind.LOW_FEELING: _("Alert when the average feeling is under (−2 … +2)"),
    BoundaryKind.OUT_OF_HOURS: _("Alert above this many contacts out of hours"),
    BoundaryKind.SCORE_DROP: _("Alert when the score falls by this many points in 30 days"),
    BoundaryKind.NO_CONTACT: _("Alert after this many days without contact"),
}
THRESHOLD_LIMITS = {
    BoundaryKind.RATE_BELOW_TARGET: (1, 100),
    BoundaryKind.UNBILLED_SHARE: (1, 99),
    BoundaryKind.LATE_INVOICES: (1, 50),
    BoundaryKind.DISRESPECT: (1, 50),
    BoundaryKind.LOW_FEELING: (-2, 2),
    BoundaryKind.OUT_OF_HOURS: (0, 200),
    BoundaryKind.SCORE_DROP: (1, 100),
    BoundaryKind.NO_CONTACT: (1, 365),
}


# A database key: a sent number past a 64-bit integer is no client of ours, not a query to run
# (SQLite cannot even bind it).
LARGEST_KEY = 2**63 - 1


class KeysModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a key no database column can hold as it refuses any unknown one."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if str(pk).lstrip("-").isdigit() and abs(int(pk)) > LARGEST_KEY:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class BoundaryForm(HiddenErrorsShown, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Boundary
        fields = ["enabled", "threshold", "span", "severity", "muted_clients"]
        widgets = {"muted_clients": forms.CheckboxSelectMultiple}
        field_classes = {"muted_clients": KeysModelMultipleChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        self.fields["version"].initial = self.instance.version
        self.fields["threshold"].label = THRESHOLD_LABELS[kind]
        low, high = THRESHOLD_LIMITS[kind]
        self.fields["threshold"].widget.attrs.update(min=low, max=high, step="any")
        if kind in SPAN_LABELS:
            self.fields["span"].label = SPAN_LABELS[kind]
            self.fields["span"].required = True
            self.fields["span"].widget.attrs.update(min=1, max=365)
        else:
            del self.fields["span"]
        self.fields["muted_clients"].queryset = (
            Client.objects.for_workspace(self.instance.workspace).alive().order_by("name")
        )
        self.fields["muted_clients"].label = _("Never alert for these clients")
        self.fields["muted_clients"].help_text = _(
            "For example a client on contractual 45-day payment terms."
        )

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        low, high = THRESHOLD_LIMITS[self.instance.kind]
        if not low <= value <= high:
            raise forms.ValidationError(
                _("Choose a value from %(low)s to %(high)s."), params={"low": low, "high": high}
            )
        return value

    def clean_span(self):
        value = self.cleaned_data.get("span")
        if value is not None and not 1 <= value <= 365:
            raise forms.ValidationError(_("Choose a value from 1 to 365."))
        return value


class EmailChoicesForm(forms.Form):
    """A member's choice of the emails the workspace sends them."""

    weekly_digest = forms.BooleanField(required=False)
    follow_up_emails = forms.BooleanField(required=False)


SNOOZE_PERIODS = ("day", "week", "month")
# More than a page of alerts in one acknowledgement is not something the page can send.
ACKNOWLEDGE_AT_ONCE = 100


def snooze_end(today: dt.date, period: str) -> dt.date:
    """The day a snooze of a day, a week or a calendar month ends (a month from the 31st ends
    on the last day of the next month)."""
    if period == "day":
        return today + dt.timedelta(days=1)
    if period == "week":
        return today + dt.timedelta(days=SNOOZE_DAYS)
    year, month = today.year + today.month // 12, today.month % 12 + 1
    return today.replace(
        year=year, month=month, day=min(today.day, calendar.monthrange(year, month)[1])
    )


class AlertSnoozeForm(forms.Form):
    """How long to snooze an alert: one of the menu's periods, or a day of one's own."""

    period = forms.ChoiceField(choices=[(p, p) for p in SNOOZE_PERIODS], required=False)
    until = forms.DateField(required=False)

    def __init__(self, *args, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        if data.get("period"):
            # Counted from the day it is sent, not the day the page was drawn.
            data["until"] = snooze_end(self.today, data["period"])
            return data
        if not data.get("until"):
            raise forms.ValidationError(_("Choose the date until which to snooze the alert."))
        if data["until"] <= self.today:
            raise forms.ValidationError(_("Choose a date after today."))
        return data


class AlertFilterForm(forms.Form):
    """The filters of the alerts page. A value that does not parse filters nothing."""

    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("Any")), *reversed(Severity.choices)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = forms.CharField(
        label=_("Client"),
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": _("Name or company")}
        ),
    )
    owner = forms.ChoiceField(
        label=_("Owner"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", _("Anyone")),
            (NO_OWNER, _("No owner")),
            *((str(uid), name) for uid, name in member_choices(workspace)),
        ]

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:100]

    def filters(self) -> dict:
        """The valid filters, as `selectors.alerts_list` takes them."""
        self.is_valid()
        data = self.cleaned_data
        owner = data.get("owner") or None
        return {
            "severity": data.get("severity", ""),
            "search": data.get("q", ""),
            "owner": int(owner) if owner and owner != NO_OWNER else owner,
        }


class AlertCodesField(forms.Field):
    """Several alert codes, as checkboxes send them; cleans to distinct UUIDs."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Choose at least one alert to acknowledge."),
        "invalid": _("Choose the alerts to acknowledge from the list."),
    }

    def to_python(self, value) -> list[uuid.UUID]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return list(dict.fromkeys(uuid.UUID(str(code)) for code in value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > ACKNOWLEDGE_AT_ONCE:
            raise forms.ValidationError(
                _("Acknowledge at most %(count)s alerts at once."),
                params={"count": ACKNOWLEDGE_AT_ONCE},
            )


class AlertsAcknowledgeForm(forms.Form):
    alerts = AlertCodesField()
