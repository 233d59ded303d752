"""The advice ladder, as a pure function: a client's health and its context in, one step and
its reason out. No ORM, no I/O. The health panel, the dashboard, `health_report` and the
review's recommendation all start from it (the review's answers can move it, and say so).

It climbs as a wise friend would, naming the step that addresses what is actually wrong:

1. Too little data: keep logging ("keep"); there is nothing to judge yet.
2. A step a review agreed (set boundaries, renegotiate) whose check-again day has passed (by
   up to STEP_WEIGHS_DAYS), while the dimension it was meant to mend has not recovered and
   the client is not healthy: end, saying so. From the day it was agreed until the check day
   the step is given its chance: the advice is that step.
3. Respect or trust collapsed and still collapsed a month and two months ago, or trouble on
   several fronts at once including money: end.
4. Nothing weak (every dimension at WEAK or above), or healthy overall with one dimension a
   little under it and not falling fast: keep (naming that dimension to watch).
5. Otherwise the step for the weakest dimension: profitability or scope -> renegotiate (price,
   scope, paid change requests); energy, respect, trust and payments -> set boundaries (on
   contact, hours, demands, payment terms), or hand over when the person is drained and a
   teammate gets on clearly better with the client.

Ending is never advised for a client the person depends on (DEPENDENCE of the revenue or
more): the step for the weakest dimension is, with a reason that names the share and what
losing it would mean a month. From NOTABLE_SHARE on, advice to end says what it would cost.

The person decides; this is advice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .aggregates import ClientMetrics
from .choices import (
    COLLAPSE,
    DEPENDENCE,
    HEALTHY_SCORE,
    NOTABLE_SHARE,
    TREND_POINTS,
    WEAK,
    Dimension,
    Suggestion,
)
from .scoring import RELATIONAL, Evidence, Health, weakest_of

# Feelings run -2..2. A teammate at GOOD_FEELING or above gets on well with the client; the
# person's own is poor under POOR_FEELING, and the teammate's must be CLEARLY_BETTER.
GOOD_FEELING = 0.5
POOR_FEELING = 0.0
CLEARLY_BETTER = 0.5
# Out-of-hours pressure: at least this many contacts out of hours, and this share of them.
OUT_OF_HOURS_COUNT, OUT_OF_HOURS_SHARE = 3, 0.25
# In a client healthy overall, a dimension between ACT_BELOW and WEAK is named and watched,
# not acted on (so one bad week does not turn "keep" into a step).
ACT_BELOW = 40
# Several fronts: this many weak dimensions, one of them money.
SEVERAL_FRONTS = 3
MONEY = (Dimension.PROFITABILITY.value, Dimension.PAYMENTS.value)
# The dimension an agreed step was meant to mend has recovered once it is out of the weak zone
# or this many points above where it was. The step weighs until this many days after its
# check day.
RECOVERED_BY = TREND_POINTS
STEP_WEIGHS_DAYS = 30
# The dimensions each agreed step is meant to mend.
MENDS = {
    Suggestion.RENEGOTIATE.value: (Dimension.PROFITABILITY.value, Dimension.SCOPE.value),
    Suggestion.SET_BOUNDARIES.value: (
        Dimension.ENERGY.value,
        Dimension.RESPECT.value,
        Dimension.TRUST.value,
        Dimension.PAYMENTS.value,
    ),
}
# Which step addresses a weak dimension.
STEP_FOR = {
    Dimension.PROFITABILITY.value: Suggestion.RENEGOTIATE.value,
    Dimension.SCOPE.value: Suggestion.RENEGOTIATE.value,
    Dimension.ENERGY.value: Suggestion.SET_BOUNDARIES.value,
    Dimension.RESPECT.value: Suggestion.SET_BOUNDARIES.value,
    Dimension.TRUST.value: Suggestion.SET_BOUNDARIES.value,
    Dimension.PAYMENTS.value: Suggestion.SET_BOUNDARIES.value,
}
KEEP, END = Suggestion.KEEP.value, Suggestion.END.value
HAND_OVER = Suggestion.HAND_OVER.value


@dataclass(frozen=True)
class Teammate:
    """Another member of the workspace, with this client over the last 90 days."""

    user_id: int
    name: str
    hours: float
    average_feeling: float | None  # -2..2, None when they logged no feeling


@dataclass(frozen=True)
class AgreedStep:
    """The step a review agreed for the client, and when to check whether it worked."""

    step: str  # set_boundaries or renegotiate
    agreed_on: dt.date
    check_on: dt.date
    dimension: str | None  # the weakest dimension when it was agreed
    score: int | None  # that dimension's score then


@dataclass(frozen=True)
class Context:
    """What the advice weighs beyond the client's own health."""

    as_of: dt.date | None = None
    # The client's share of the portfolio's income (earned, not only invoiced).
    revenue_share: float | None = None
    # What the client brings in a month (earned over the window), and in which currency.
    monthly_income: float = 0.0
    currency: str = "EUR"
    trend_30d: int | None = None
    # The dimension scores 30 and 60 days before (None where there was too little data then).
    earlier: tuple[Mapping[str, int | None] | None, ...] = ()
    # The person the client belongs to (its owner): their feeling with the client, and the
    # other members who worked with it.
    owner_feeling: float | None = None
    teammates: tuple[Teammate, ...] = ()
    agreed: AgreedStep | None = None


def teammate_who_gets_on(
    teammates: tuple[Teammate, ...], mine: float | None, drained: bool
) -> Teammate | None:
    """A teammate whose recent feeling with the client is clearly good while the person's own
    is poor (or they are drained): the one to hand the client to. Never anyone outside
    `teammates`."""
    if not (drained or (mine is not None and mine < POOR_FEELING)):
        return None
    candidates = [
        t
        for t in teammates
        if t.average_feeling is not None
        and t.average_feeling >= GOOD_FEELING
        and (mine is None or t.average_feeling - mine >= CLEARLY_BETTER)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda t: (t.average_feeling, t.hours, -t.user_id))


def dimension_to_mend(step: str, scores: Mapping[str, int | None]) -> str | None:
    """The weakest of the dimensions a step is meant to mend (what a review agreeing to it
    hopes to see recover), or None when none of them is scored."""
    return weakest_of({name: scores.get(name) for name in MENDS.get(step, ())})


def _scored(health: Health) -> dict[str, int]:
    return {
        name: d.score
        for name, d in health.dimensions.items()
        if d.score is not None and health.weights.get(name, 1) > 0
    }


def _agreed_in_force(context: Context) -> AgreedStep | None:
    """The agreed step while it has something to say: from the day it was agreed until
    STEP_WEIGHS_DAYS after its check day (after that, the relationship speaks for itself)."""
    agreed, day = context.agreed, context.as_of
    if agreed is None or day is None or day < agreed.agreed_on:
        return None
    if day > agreed.check_on + dt.timedelta(days=STEP_WEIGHS_DAYS):
        return None
    return agreed


def _step_not_working(
    scores: Mapping[str, int], agreed: AgreedStep | None, as_of: dt.date | None
) -> Evidence | None:
    if agreed is None or as_of is None or as_of <= agreed.check_on:
        return None
    now = scores.get(agreed.dimension) if agreed.dimension else None
    if now is None or agreed.score is None:
        return None
    if now >= WEAK or now >= agreed.score + RECOVERED_BY:
        return None
    return Evidence(
        "step_not_working",
        {
            "step": agreed.step,
            "agreed_on": agreed.agreed_on.isoformat(),
            "dimension": agreed.dimension,
            "then": agreed.score,
            "now": now,
        },
    )


def _collapsed_for_months(scores: Mapping[str, int], context: Context) -> Evidence | None:
    if len(context.earlier) < 2 or any(earlier is None for earlier in context.earlier):
        return None
    for name in (Dimension.TRUST.value, Dimension.RESPECT.value):
        now = scores.get(name)
        then = [earlier.get(name) for earlier in context.earlier]
        if now is not None and now < COLLAPSE and all(s is not None and s < COLLAPSE for s in then):
            return Evidence(
                "collapsed_for_months",
                {"dimension": name, "score": now, "days": 30 * len(context.earlier)},
            )
    return None


def _several_fronts(scores: Mapping[str, int]) -> Evidence | None:
    weak = sorted((score, name) for name, score in scores.items() if score < WEAK)
    names = [name for _score, name in weak]
    if len(names) >= SEVERAL_FRONTS and any(name in MONEY for name in names):
        return Evidence("several_fronts", {"dimensions": names})
    return None


def _step_for_weakest(health: Health, metrics: ClientMetrics, context: Context):
    """The step that addresses the weakest dimension, and why."""
    weakest = health.weakest
    step = STEP_FOR[weakest]
    if weakest in RELATIONAL:
        # Worn down: the owner's own feeling is poor, or the client's energy is weak.
        energy = health.dimensions[Dimension.ENERGY.value].score
        drained = energy is not None and energy < WEAK
        mate = teammate_who_gets_on(context.teammates, context.owner_feeling, drained=drained)
        if mate is not None:
            return HAND_OVER, Evidence(
                "hand_over",
                {
                    "user_id": mate.user_id,
                    "name": mate.name,
                    "feeling": round(mate.average_feeling, 1),
                    "yours": None
                    if context.owner_feeling is None
                    else round(context.owner_feeling, 1),
                },
            )
    if weakest == Dimension.ENERGY.value:
        late = metrics.flags.get("out_of_hours", 0)
        if late >= OUT_OF_HOURS_COUNT and late >= OUT_OF_HOURS_SHARE * max(metrics.contacts, 1):
            return step, Evidence(
                "out_of_hours_pressure", {"count": late, "contacts": metrics.contacts}
            )
        return step, Evidence("protect_energy", {})
    if weakest == Dimension.RESPECT.value:
        demands = metrics.flags.get("unreasonable_demand", 0)
        paid_well = (health.dimensions["profitability"].score or 0) >= HEALTHY_SCORE
        if demands and paid_well:
            return step, Evidence("demands_with_good_money", {"count": demands})
    code = "renegotiate" if step == Suggestion.RENEGOTIATE.value else "set_boundaries"
    return step, Evidence(code, {"weakest": weakest})


def _dependence(because: Evidence, instead: str, context: Context) -> tuple[str, Evidence]:
    """Ending weighed against what the client brings in."""
    share = context.revenue_share or 0.0
    params = {
        "because": because.to_json(),
        "percent": round(100 * share),
        "monthly": round(context.monthly_income, 2),
        "currency": context.currency,
    }
    if share >= DEPENDENCE:
        return instead, Evidence("end_but_dependent", params | {"instead": instead})
    if share >= NOTABLE_SHARE:
        return END, Evidence("end_costly", params)
    return END, because


def advise(health: Health, metrics: ClientMetrics, context: Context) -> tuple[str, Evidence]:
    """The step the person could take with this client now, and the reason."""
    if not health.enough_data or health.weakest is None:
        return KEEP, Evidence("too_little_data", {"count": health.evidence_count})
    scores = _scored(health)
    weakest_score = scores[health.weakest]
    # Nothing weak, or a healthy whole with one dimension only a little under weak (and not
    # falling fast: then it is the start of a slide, not a wobble).
    falling = context.trend_30d is not None and context.trend_30d < -TREND_POINTS
    healthy = weakest_score >= WEAK or (
        health.score >= HEALTHY_SCORE and weakest_score >= ACT_BELOW and not falling
    )
    agreed = _agreed_in_force(context)
    if agreed is not None and context.as_of <= agreed.check_on:
        if healthy:
            return _keep(health, weakest_score)
        return agreed.step, Evidence(
            "step_in_progress",
            {
                "step": agreed.step,
                "agreed_on": agreed.agreed_on.isoformat(),
                "check_on": agreed.check_on.isoformat(),
            },
        )
    if healthy:
        return _keep(health, weakest_score)
    ending = (
        _step_not_working(scores, agreed, context.as_of)
        or _collapsed_for_months(scores, context)
        or _several_fronts(scores)
    )
    if ending is not None:
        instead, _why = _step_for_weakest(health, metrics, context)
        if ending.code == "step_not_working" and instead == agreed.step:
            # The step tried already: the other one, while the income is needed.
            instead = (
                Suggestion.RENEGOTIATE.value
                if agreed.step == Suggestion.SET_BOUNDARIES.value
                else Suggestion.SET_BOUNDARIES.value
            )
        return _dependence(ending, instead, context)
    return _step_for_weakest(health, metrics, context)


def _keep(health: Health, weakest_score: int) -> tuple[str, Evidence]:
    watch = {"score": health.score, "weakest": health.weakest, "weak": weakest_score}
    if health.score < HEALTHY_SCORE:  # nothing weak, nothing strong
        return KEEP, Evidence("steady", watch)
    if weakest_score >= WEAK:
        return KEEP, Evidence("healthy", {"score": health.score})
    return KEEP, Evidence("healthy_watch", watch)
