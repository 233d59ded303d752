"""The vocabulary of assessments, defined once: the codes as enumerations (dimensions, bands,
confidence, suggestions, severities, the kinds of boundary, the states of an alert) and the
thresholds that give them meaning (band floors, a weak and a collapsed dimension, the revenue
shares that make a client one the person depends on). Apart from the models so that the pure
modules (scoring, the advice ladder, explain, boundaries, charts, the review's recommendation)
name them without the ORM."""

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
# The lowest score of each band but the last, highest first; under the last floor: critical.
BAND_FLOORS = ((80, Band.THRIVING), (65, Band.HEALTHY), (50, Band.WATCH), (35, Band.AT_RISK))
# From this score up a client is in good health (the map's horizontal line, "healthy").
HEALTHY_SCORE = 65
# A dimension under WEAK holds the client back; under COLLAPSE it has collapsed.
WEAK = 50
COLLAPSE = 30
# A change of this many points over 30 days is a decline or a recovery.
TREND_POINTS = 10
# Shares of the portfolio's revenue: from NOTABLE_SHARE on a client is a large one (the map's
# vertical line; advice to end says what it would cost); from DEPENDENCE on the person depends
# on it (ending is set aside until they know how they would absorb the loss).
NOTABLE_SHARE = 0.15
DEPENDENCE = 0.35


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
