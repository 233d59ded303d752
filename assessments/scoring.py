"""The health score, as pure functions: aggregates in, scores and evidence out. No ORM, no I/O.

Each of six dimensions scores 0-100 from recency-weighted aggregates and says why in evidence
(a code and its numbers; `explain` renders them in the reader's language). The overall score is
a weighted power mean with a negative exponent, which lets one low dimension pull the whole
down, and it is capped close to a relational dimension (energy, respect, trust) that collapses.
With little evidence it is pulled toward neutral, so that a client with two entries is "not
enough data yet", never "critical".

Missing evidence is never bad evidence: billable work not invoiced yet is money earned, billed
requests are work (not creep), and a prospect has no profitability or payments to score yet.

Change FORMULA_VERSION whenever a change here would move a score: every snapshot records it.
The advice that follows from a score is the ladder's (`ladder.py`).

One module on purpose (about 450 lines): the dimensions and the overall score share their
constants and are tuned together, against one table of tests and the stability properties.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .aggregates import ClientMetrics
from .choices import BAND_FLOORS, COLLAPSE, Band, Confidence, Dimension

# 2: earned money counts unbilled billable work, billed requests are not creep, one bad week
# moves a good client little, prospects have no money dimensions, the advice ladder.
FORMULA_VERSION = 2

DIMENSIONS = tuple(Dimension.values)
NEUTRAL = 60
# Entries plus invoices in the window at which the score stands on its own evidence.
FULL_EVIDENCE = 24
MEDIUM_EVIDENCE = 8
# A low relational dimension caps the overall score (`relational_cap`): at COLLAPSE_MARGIN
# above it once under COLLAPSE: a client who drains, disrespects or distrusts the user is not
# healthy however well they pay.
RELATIONAL = (Dimension.ENERGY.value, Dimension.RESPECT.value, Dimension.TRUST.value)
COLLAPSE_MARGIN = 15
# The overall score is the power mean with exponent -POWER: lower values weigh far more than in
# a plain average (POWER 2: one dimension at 33 among five at 95 gives 64, not 85).
POWER = 2
# In the mean, a dimension at 0 counts as this: low enough to drag, not a veto by itself.
FLOOR = 20.0


@dataclass(frozen=True)
class Evidence:
    code: str
    params: dict = field(default_factory=dict)

    def to_json(self) -> list:
        return [self.code, self.params]

    @classmethod
    def from_json(cls, data) -> Evidence:
        code, params = data
        return cls(code, dict(params))


@dataclass(frozen=True)
class Params:
    weights: Mapping[str, int]
    target_rate: float | None = None
    currency: str = "EUR"


@dataclass
class DimensionScore:
    score: int | None
    evidence: list[Evidence]
    # Signed points this dimension moved the overall score away from 100.
    contribution: float = 0.0


@dataclass
class Health:
    score: int
    band: str
    confidence: str
    dimensions: dict[str, DimensionScore]
    evidence_count: int
    # Points added or removed by pulling a thinly evidenced score toward neutral.
    evidence_adjustment: float = 0.0
    weights: Mapping[str, int] = field(default_factory=dict)

    @property
    def weakest(self) -> str | None:
        return weakest_of({name: d.score for name, d in self.dimensions.items()}, self.weights)

    @property
    def enough_data(self) -> bool:
        return self.confidence != "low"


def weakest_of(scores: Mapping[str, int | None], weights: Mapping[str, int] | None = None):
    """The lowest dimension that counts (scored, weight above 0); on a tie, the relational one
    (it caps the score). None when nothing is scored."""
    weights = weights or {}
    scored = [
        (score, name not in RELATIONAL, name)
        for name, score in scores.items()
        if score is not None and weights.get(name, 1) > 0
    ]
    return min(scored)[2] if scored else None


def band_of(score: int) -> str:
    for floor, band in BAND_FLOORS:
        if score >= floor:
            return band.value
    return Band.CRITICAL.value


def confidence_of(evidence_count: int) -> str:
    if evidence_count >= FULL_EVIDENCE:
        return Confidence.HIGH.value
    if evidence_count >= MEDIUM_EVIDENCE:
        return Confidence.MEDIUM.value
    return Confidence.LOW.value


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def _interpolate(x: float, points: tuple[tuple[float, float], ...]) -> float:
    """Piecewise-linear through `points` (sorted by x), flat beyond both ends."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def _percent(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


def _unbilled_share(m: ClientMetrics) -> float:
    return 1 - m.w_billable_minutes / m.w_minutes if m.w_minutes else 0.0


# Effective rate as a share of the target -> score.
RATE_CURVE = ((0.0, 0.0), (0.5, 30.0), (0.8, 60.0), (1.0, 80.0), (1.25, 100.0))


def profitability(m: ClientMetrics, params: Params) -> DimensionScore:
    if m.prospect:  # nothing to be paid for yet
        return DimensionScore(None, [])
    if m.minutes == 0:
        if m.invoices:
            return DimensionScore(None, [Evidence("revenue_without_time", {})])
        return DimensionScore(None, [])
    hours = m.minutes / 60
    unbilled = _unbilled_share(m)
    evidence = []
    if params.target_rate:
        # Recency-weighted: a client who paid once long ago and keeps taking time scores low.
        # Earned, not only invoiced: billable work not invoiced yet is money earned.
        rate = m.w_earned / (m.w_minutes / 60)
        score = _interpolate(rate / params.target_rate, RATE_CURVE)
        evidence.append(
            Evidence(
                "rate_vs_target",
                {
                    "rate": round(rate, 2),
                    "target": round(params.target_rate, 2),
                    "percent": _percent(rate, params.target_rate),
                    "currency": params.currency,
                },
            )
        )
        evidence.append(
            Evidence(
                "rate_overall",
                {
                    "rate": round(m.earned / hours, 2),
                    "hours": round(hours, 1),
                    "currency": params.currency,
                },
            )
        )
        if m.uninvoiced_amount:
            evidence.append(
                Evidence(
                    "not_invoiced_yet",
                    {
                        "amount": round(m.uninvoiced_amount, 2),
                        "hours": round(m.uninvoiced_minutes / 60, 1),
                        "currency": params.currency,
                    },
                )
            )
    else:  # without a target, what this client pays cannot be judged
        score = None
        evidence.append(Evidence("no_target_rate", {}))
    if round(unbilled, 9) >= 0.2:
        unbilled_hours = (m.minutes - m.billable_minutes) / 60
        evidence.append(
            Evidence(
                "unbilled_share",
                {
                    "percent": _percent(m.minutes - m.billable_minutes, m.minutes),
                    "hours": round(unbilled_hours, 1),
                },
            )
        )
    return DimensionScore(None if score is None else round(_clamp(score)), evidence)


# Average feeling (-2 drained .. +2 energised) -> score. Neutral contact is fine, not weak.
ENERGY_CURVE = ((-2.0, 0.0), (-1.0, 30.0), (0.0, 60.0), (1.0, 80.0), (2.0, 100.0))
# Fewer feelings than this (or, weighed by recency, than MIN_RECENT_FEELINGS) say too little
# about how the client leaves the person; a neutral prior of FEELING_PRIOR recent entries
# keeps a few new ones from swinging the average.
MIN_FEELINGS = 3
MIN_RECENT_FEELINGS = 2.5
FEELING_PRIOR = 2.0


def energy(m: ClientMetrics) -> DimensionScore:
    if m.feelings == 0:
        return DimensionScore(None, [])
    if m.feelings < MIN_FEELINGS or m.w_feelings < MIN_RECENT_FEELINGS:
        # How many say so recently: all of them when few, else their recency-weighed count.
        recent = m.feelings if m.feelings < MIN_FEELINGS else int(m.w_feelings)
        return DimensionScore(
            None, [Evidence("few_feelings", {"count": recent, "needed": MIN_FEELINGS})]
        )
    average = m.w_feeling_sum / (m.w_feelings + FEELING_PRIOR)
    evidence = [
        Evidence(
            "feeling_average",
            {"average": round(m.feeling_sum / m.feelings, 1), "count": m.feelings},
        )
    ]
    if m.feelings_low:
        evidence.append(Evidence("feelings_low", {"count": m.feelings_low, "total": m.feelings}))
    return DimensionScore(round(_clamp(_interpolate(average, ENERGY_CURVE))), evidence)


# How fast respect falls with the weighted share of bad contact: one complaint among ten
# contacts costs about 18 points, half of them bad leaves it near 35.
RESPECT_STEEPNESS = 2.0
# Neutral contacts' worth added to the contact (recent ones), and the weight of an entry of
# the person's own work (a work session, a deliverable) against a contact.
RESPECT_PRIOR = 2.0
OWN_WORK_CONTEXT = 0.25
RESPECT_WEIGHTS = {"disrespect": 2.0, "dispute": 1.5, "complaint": 1.0, "unreasonable_demand": 1.0}


def respect(m: ClientMetrics) -> DimensionScore:
    weighted = {
        "disrespect": m.w_flags.get("disrespect", 0.0),
        "dispute": m.w_kinds.get("dispute", 0.0),
        "complaint": m.w_kinds.get("complaint", 0.0),
        "unreasonable_demand": m.w_flags.get("unreasonable_demand", 0.0),
    }
    counts = {
        "disrespect": m.flags.get("disrespect", 0),
        "dispute": m.kinds.get("dispute", 0),
        "complaint": m.kinds.get("complaint", 0),
        "unreasonable_demand": m.flags.get("unreasonable_demand", 0),
    }
    # A flag logged on the user's own work (a rude comment on a delivery) is contact too.
    flagged = counts["disrespect"] + counts["unreasonable_demand"]
    if m.contacts == 0 and not any(counts.values()):
        return DimensionScore(None, [])
    bad = sum(RESPECT_WEIGHTS[name] * value for name, value in weighted.items())
    good = m.w_kinds.get("praise", 0.0) + m.w_flags.get("gratitude", 0.0)
    flagged_weight = weighted["disrespect"] + weighted["unreasonable_demand"]
    contacts = max(m.w_contacts, flagged_weight, 1.0)
    # What the bad is weighed against: the contacts, a neutral prior, and the work itself (a
    # log of work sessions with one rude remark is not a relationship of rude remarks).
    own_work = max(0.0, m.w_entries - m.w_contacts)
    context = contacts + RESPECT_PRIOR + OWN_WORK_CONTEXT * own_work
    contact_count = max(m.contacts, flagged)
    score = 100 * math.exp(-RESPECT_STEEPNESS * bad / context) + min(10.0, 20 * good / contacts)
    evidence = [
        Evidence(name, {"count": count, "contacts": contact_count})
        for name, count in counts.items()
        if count
    ]
    if not evidence:
        evidence.append(Evidence("no_respect_issues", {"contacts": m.contacts}))
    appreciation = m.kinds.get("praise", 0) + m.flags.get("gratitude", 0)
    if appreciation:
        evidence.append(Evidence("appreciation", {"count": appreciation}))
    return DimensionScore(round(_clamp(score)), evidence)


def trust(m: ClientMetrics, as_of: dt.date) -> DimensionScore:
    distrust = m.w_flags.get("distrust", 0.0)
    count = m.flags.get("distrust", 0)
    if m.contacts == 0 and not count:
        return DimensionScore(None, [])
    if not count:
        return DimensionScore(100, [Evidence("no_distrust", {"contacts": m.contacts})])
    days_ago = (as_of - m.last_distrust_on).days if m.last_distrust_on else 0
    evidence = [Evidence("distrust", {"count": count, "days_ago": days_ago})]
    return DimensionScore(round(_clamp(100 * math.exp(-0.35 * distrust))), evidence)


# Requests are weighed per deliverable, counting at least this many: one revision request on
# a client who logs no deliverables is not creep yet.
SCOPE_DELIVERED_FLOOR = 2.0


def _unpaid(m: ClientMetrics, kind: str, weighted: bool = True) -> float:
    """Requests of a kind nobody pays for: logged, and not billable."""
    if weighted:
        return max(0.0, m.w_kinds.get(kind, 0.0) - m.w_paid_kinds.get(kind, 0.0))
    return max(0, m.kinds.get(kind, 0) - m.paid_kinds.get(kind, 0))


def scope(m: ClientMetrics) -> DimensionScore:
    """What was not paid for or not agreed: unbilled revisions, scope changes and support,
    out-of-scope flags, unclear briefs, late feedback. Billed requests are the work itself."""
    if m.entries == 0:
        return DimensionScore(None, [])
    requests = (
        _unpaid(m, "revision_request")
        + _unpaid(m, "scope_change")
        + m.w_flags.get("out_of_scope", 0.0)
        + 0.5 * _unpaid(m, "support_request")
        + 0.5 * m.w_flags.get("unclear_brief", 0.0)
        + 0.5 * m.w_flags.get("late_feedback", 0.0)
    )
    # Not everybody logs deliverables: a few work sessions stand in for one, and so does
    # billed work on a request.
    delivered = max(
        SCOPE_DELIVERED_FLOOR,
        m.w_kinds.get("deliverable", 0.0)
        + 0.25 * m.w_kinds.get("work_session", 0)
        + 0.25 * sum(m.w_paid_kinds.values()),
    )
    score = 100 * math.exp(-0.5 * requests / delivered)
    score -= 15 * max(0.0, _unbilled_share(m) - 0.5) / 0.5
    changes = {
        "revisions": _unpaid(m, "revision_request", weighted=False),
        "scope_changes": _unpaid(m, "scope_change", weighted=False),
        "out_of_scope": m.flags.get("out_of_scope", 0),
        "support_requests": _unpaid(m, "support_request", weighted=False),
    }
    deliverables = m.kinds.get("deliverable", 0)
    evidence = [
        Evidence(name, {"count": count, "deliverables": deliverables})
        for name, count in changes.items()
        if count
    ]
    if not evidence:
        evidence.append(Evidence("no_scope_creep", {"deliverables": deliverables}))
    paid = sum(m.paid_kinds.values())
    if paid:
        evidence.append(Evidence("paid_requests", {"count": paid}))
    if m.flags.get("unclear_brief", 0):
        evidence.append(Evidence("unclear_brief", {"count": m.flags["unclear_brief"]}))
    return DimensionScore(round(_clamp(score)), evidence)


def payments(m: ClientMetrics, params: Params) -> DimensionScore:
    if m.prospect:
        return DimensionScore(None, [])
    if m.invoices_due == 0:
        if m.invoices:
            return DimensionScore(None, [Evidence("nothing_due_yet", {"count": m.invoices})])
        return DimensionScore(None, [])
    late_share = m.w_invoices_late / m.w_invoices_due if m.w_invoices_due else 0.0
    average_late = m.w_days_late / m.w_invoices_late if m.w_invoices_late else 0.0
    score = 100 - 70 * late_share - min(25.0, 0.8 * average_late)
    if m.overdue_amount and m.revenue:
        score -= min(20.0, 40 * m.overdue_amount / m.revenue)
    if m.invoices_late:
        evidence = [
            Evidence(
                "late_invoices",
                {
                    "late": m.invoices_late,
                    "due": m.invoices_due,
                    "days": round(m.days_late / m.invoices_late),
                },
            )
        ]
    else:
        evidence = [Evidence("paid_on_time", {"count": m.invoices_due})]
    if m.overdue_amount:
        evidence.append(
            Evidence("overdue", {"amount": round(m.overdue_amount, 2), "currency": params.currency})
        )
    return DimensionScore(round(_clamp(score)), evidence)


def dimension_scores(m: ClientMetrics, params: Params, as_of: dt.date) -> dict:
    return {
        "profitability": profitability(m, params),
        "energy": energy(m),
        "respect": respect(m),
        "trust": trust(m, as_of),
        "scope": scope(m),
        "payments": payments(m, params),
    }


def relational_cap(score: float) -> float:
    """The highest overall score a relational dimension at `score` allows: COLLAPSE_MARGIN
    above it once collapsed, rising twice as fast from there to no cap at all, so that there
    is no cliff at COLLAPSE (29 and 31 differ by a few points, not twenty)."""
    if score < COLLAPSE:
        return score + COLLAPSE_MARGIN
    return COLLAPSE + COLLAPSE_MARGIN + 2 * (score - COLLAPSE)


def combine(dimensions: dict[str, DimensionScore], weights: Mapping[str, int]) -> float:
    """Weighted power mean (exponent -POWER) of the scored dimensions, capped near a collapsed
    relational one; records each dimension's contribution (points below 100) on the way."""
    scored = {
        name: (max(float(d.score), FLOOR), weights.get(name, 1))
        for name, d in dimensions.items()
        if d.score is not None and weights.get(name, 1) > 0
    }
    if not scored:
        return float(NEUTRAL)
    total_weight = sum(weight for _, weight in scored.values())
    mean = (sum(weight / score**POWER for score, weight in scored.values()) / total_weight) ** (
        -1 / POWER
    )
    drags = {
        name: weight * (1 / score**POWER - 1 / 100**POWER)
        for name, (score, weight) in scored.items()
    }
    total_drag = sum(drags.values())
    for name, drag in drags.items():
        share = drag / total_drag if total_drag else 0.0
        dimensions[name].contribution = -(100 - mean) * share
    relational = [name for name in scored if name in RELATIONAL]
    if relational:
        weakest = min(relational, key=lambda name: dimensions[name].score)
        cap = relational_cap(dimensions[weakest].score)
        if mean > cap:
            dimensions[weakest].contribution -= mean - cap
            mean = cap
    return mean


def assess(m: ClientMetrics, params: Params, as_of: dt.date) -> Health:
    dimensions = dimension_scores(m, params, as_of)
    combined = combine(dimensions, params.weights)
    pull = min(1.0, m.evidence_count / FULL_EVIDENCE)
    final = NEUTRAL + (combined - NEUTRAL) * pull
    score = round(final)
    scored = any(
        d.score is not None and params.weights.get(n, 1) > 0 for n, d in dimensions.items()
    )
    # Nothing scored: the whole distance from 100 is the want of evidence.
    starting_point = combined if scored else 100.0
    return Health(
        score=score,
        band=band_of(score),
        confidence=confidence_of(m.evidence_count),
        dimensions=dimensions,
        evidence_count=m.evidence_count,
        evidence_adjustment=final - starting_point,
        weights=dict(params.weights),
    )
