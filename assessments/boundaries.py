"""The user's lines and when a client crosses them, as pure functions over plain facts.

Each kind reads `threshold` and `span` its own way:
- rate_below_target: effective rate (earned ÷ all hours in the scoring window) under
  `threshold` % of the target rate;
- unbilled_share: more than `threshold` % of the time in the window not billable;
- late_invoices: `threshold` or more invoices paid late or overdue in the window;
- disrespect: `threshold` or more disrespect flags in the last `span` days;
- low_feeling: average feeling under `threshold` over the last `span` entries that have one;
- out_of_hours: more than `threshold` contacts out of hours in the last `span` days;
- score_drop: the score fell by `threshold` points or more in 30 days;
- no_contact: no contact for `threshold` days (prospects and active clients only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .scoring import Evidence

# kind: (threshold, span, severity) — the lines every new workspace starts with.
DEFAULTS: dict[str, tuple[Decimal, int | None, str]] = {
    "rate_below_target": (Decimal("60"), None, "warning"),
    "unbilled_share": (Decimal("40"), None, "info"),
    "late_invoices": (Decimal("2"), None, "warning"),
    "disrespect": (Decimal("1"), 30, "critical"),
    "low_feeling": (Decimal("-0.5"), 5, "warning"),
    "out_of_hours": (Decimal("4"), 30, "warning"),
    "score_drop": (Decimal("15"), None, "warning"),
    "no_contact": (Decimal("30"), None, "info"),
}

# Kinds whose span counts days, and the one whose span counts entries.
SPAN_IN_DAYS = frozenset({"disrespect", "out_of_hours"})
SPAN_IN_ENTRIES = frozenset({"low_feeling"})
# A day-spanned line saved without its span counts this many days.
DEFAULT_SPAN_DAYS = 30
# Fewer hours than this in the window say too little about a rate or an unbilled share.
MIN_HOURS = 5


@dataclass(frozen=True)
class Line:
    """A boundary as plain data."""

    kind: str
    threshold: float
    span: int | None
    severity: str
    muted_client_ids: frozenset[int] = frozenset()


@dataclass
class Facts:
    """What the boundaries look at for one client, as of a day."""

    client_id: int
    status: str
    minutes: int = 0
    billable_minutes: int = 0
    revenue: float = 0.0
    # Invoiced plus billable work not invoiced yet (scoring's "earned").
    earned: float = 0.0
    invoices: int = 0
    invoices_late: int = 0
    trend_30d: int | None = None
    last_contact_on: dt.date | None = None
    since_on: dt.date | None = None  # when the client was added: silence counts from there
    recent: dict[str, int] = field(default_factory=dict)  # kind -> count over its span
    last_feelings: list[int] = field(default_factory=list)  # newest first


@dataclass(frozen=True)
class Crossing:
    kind: str
    severity: str
    evidence: Evidence


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 2)


def crossing(
    line: Line, facts: Facts, *, as_of: dt.date, target_rate: float | None, currency: str
) -> Crossing | None:
    """The crossing of one line by one client, or None."""
    if facts.client_id in line.muted_client_ids:
        return None
    evidence = _CHECKS[line.kind](line, facts, as_of, target_rate, currency)
    return Crossing(line.kind, line.severity, evidence) if evidence else None


def _rate(line, facts, as_of, target_rate, currency):
    hours = facts.minutes / 60
    if not target_rate or hours < MIN_HOURS:
        return None
    rate = facts.earned / hours  # work not invoiced yet is money earned
    if rate >= target_rate * line.threshold / 100:
        return None
    params = {
        "rate": round(rate, 2),
        "target": round(target_rate, 2),
        "currency": currency,
        "percent": round(100 * rate / target_rate),
        "threshold": _number(line.threshold),
    }
    return Evidence("alert_rate_below_target", params)


def _unbilled(line, facts, as_of, target_rate, currency):
    if facts.minutes < MIN_HOURS * 60:
        return None
    share = 100 * (facts.minutes - facts.billable_minutes) / facts.minutes
    if share <= line.threshold:
        return None
    params = {"percent": round(share), "threshold": _number(line.threshold)}
    return Evidence("alert_unbilled_share", params)


def _late(line, facts, as_of, target_rate, currency):
    if facts.invoices_late < max(line.threshold, 1):
        return None
    return Evidence("alert_late_invoices", {"count": facts.invoices_late})


def _disrespect(line, facts, as_of, target_rate, currency):
    count = facts.recent.get("disrespect", 0)
    if count < max(line.threshold, 1):
        return None
    return Evidence("alert_disrespect", {"count": count, "days": line.span or DEFAULT_SPAN_DAYS})


def _feeling(line, facts, as_of, target_rate, currency):
    feelings = facts.last_feelings[: line.span or 5]
    if len(feelings) < (line.span or 5):
        return None
    average = sum(feelings) / len(feelings)
    if average >= line.threshold:
        return None
    return Evidence("alert_low_feeling", {"average": round(average, 1), "count": len(feelings)})


def _out_of_hours(line, facts, as_of, target_rate, currency):
    count = facts.recent.get("out_of_hours", 0)
    if count <= line.threshold:
        return None
    days = line.span or DEFAULT_SPAN_DAYS
    return Evidence("alert_out_of_hours", {"count": count, "days": days})


def _score_drop(line, facts, as_of, target_rate, currency):
    if facts.trend_30d is None or -facts.trend_30d < line.threshold:
        return None
    return Evidence("alert_score_drop", {"points": -facts.trend_30d})


def _silence(line, facts, as_of, target_rate, currency):
    if facts.status not in ("prospect", "active"):
        return None
    since = facts.last_contact_on or facts.since_on
    if since is None or (as_of - since).days < line.threshold:
        return None
    return Evidence(
        "alert_no_contact",
        {"days": (as_of - since).days, "ever": facts.last_contact_on is not None},
    )


_CHECKS = {
    "rate_below_target": _rate,
    "unbilled_share": _unbilled,
    "late_invoices": _late,
    "disrespect": _disrespect,
    "low_feeling": _feeling,
    "out_of_hours": _out_of_hours,
    "score_drop": _score_drop,
    "no_contact": _silence,
}


def crossings(
    lines: list[Line],
    facts: dict[int, Facts],
    *,
    as_of: dt.date,
    target_rate: float | None,
    currency: str,
) -> dict[int, list[Crossing]]:
    """Per client, the lines it crosses as of the day (every client of `facts`, maybe none)."""
    found = {}
    for client_id, client_facts in facts.items():
        crossed = (
            crossing(line, client_facts, as_of=as_of, target_rate=target_rate, currency=currency)
            for line in lines
        )
        found[client_id] = [c for c in crossed if c is not None]
    return found
