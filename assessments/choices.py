"""The codes of assessments, as enumerations: dimensions, bands, confidence, suggestions,
severities, the kinds of boundary and the states of an alert. Apart from the models so that the
pure modules (scoring, explain, boundaries, the recommendation) can name them without the ORM."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Dimension(models.TextChoices):
    PROFITABILITY = "profitability", _("Profitability")
    ENERGY = "energy", _("Energy")
    RESPECT = "respect", _("Respect")
    TRUST = "trust", _("Trust")
    SCOPE = "scope", _("Scope")
    PAYMENTS = "payments", _("Payments")


class Band(models.TextChoices):
    THRIVING = "thriving", _("Thriving")
    HEALTHY = "healthy", _("Healthy")
    WATCH = "watch", _("Watch")
    AT_RISK = "at_risk", _("At risk")
    CRITICAL = "critical", _("Critical")


# The bands that call for attention: "troubled" clients.
AT_RISK_BANDS = (Band.AT_RISK, Band.CRITICAL)


class Confidence(models.TextChoices):
    # "Low" is also a feeling: the context keeps the two translations apart.
    LOW = "low", pgettext_lazy("confidence", "Low")
    MEDIUM = "medium", pgettext_lazy("confidence", "Medium")
    HIGH = "high", pgettext_lazy("confidence", "High")


class Suggestion(models.TextChoices):
    KEEP = "keep", pgettext_lazy("suggestion", "Keep")
    SET_BOUNDARIES = "set_boundaries", pgettext_lazy("suggestion", "Set boundaries")
    RENEGOTIATE = "renegotiate", pgettext_lazy("suggestion", "Renegotiate")
    HAND_OVER = "hand_over", pgettext_lazy("suggestion", "Hand over")
    END = "end", pgettext_lazy("suggestion", "End")


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class BoundaryKind(models.TextChoices):
    """The lines a user can draw. Each workspace has one boundary of each kind; the kind is its
    stable code (in reports and exports)."""

    RATE_BELOW_TARGET = "rate_below_target", _("Effective rate below target")
    UNBILLED_SHARE = "unbilled_share", _("Too much unbilled time")
    LATE_INVOICES = "late_invoices", _("Late invoices")
    DISRESPECT = "disrespect", _("Disrespect")
    LOW_FEELING = "low_feeling", _("Draining contact")
    OUT_OF_HOURS = "out_of_hours", _("Contact out of hours")
    SCORE_DROP = "score_drop", _("Falling score")
    NO_CONTACT = "no_contact", _("Silence")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")
