"""The review's recommendation (step 5), as a pure function: the numbers and the person's own
answers in, a decision and the reasons behind it out. No ORM, no I/O.

How it decides, so that every step can be shown to the person:

1. The numbers speak through the advice ladder (`assessments.ladder`): its step, as the
   health panel shows it, is one reason of weight 4 (half with low-confidence data). Every
   answer that says something becomes a `Reason` too: a code (rendered by `reasons.sentence`),
   the decision it points to and a weight (1 a hint, 2 a clear sign, 3 a strong one, 4 the kind
   of fact that settles it). Other numbers (shares, alerts, the trend) are shown, unweighed.
   So with no answers the recommendation is exactly the panel's advice; answers can move it,
   and then a reason says so.
2. Some signals point where the rest of the picture sends them. Feeling drained (dread, no
   joy, energy taken from other clients, a low energy score) points to handing over when a
   teammate gets on well with the client; to setting boundaries when the answers name a cause
   that boundaries address (terms not clearly agreed, not told, change requests that wreck the
   day, something the person could change) and nothing is broken; to a pause when the
   relationship is otherwise sound; and to ending otherwise. "Unlimited help for a one-off
   fee" points to renegotiating, or to ending once the person has already told them.
3. The decision with the most weight wins; a tie goes to the gentler option
   (keep < set boundaries < renegotiate < hand over < pause < end).
4. Ending is then set aside — in favour of setting boundaries or renegotiating, whichever weighs
   more — when something should come first: the person has not told them what is not working,
   the terms were never clearly agreed, the person could change or learn something that would
   fix it, losing the income could not be absorbed (a large share, or the person says so,
   unless they could absorb it or have six months of runway), or there is too little to go on.
   Each such check adds a reason, listed first, and says what would make ending the advice.
5. `would_change` says what would move the advice elsewhere.

The person decides; this is advice.

One module on purpose (about 600 lines): the rules are meant to be read in the order above, and
splitting them would scatter one decision over several files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from assessments.choices import DEPENDENCE, NOTABLE_SHARE, TREND_POINTS, WEAK
from assessments.ladder import Teammate, teammate_who_gets_on

from .questions import (
    END,
    HAND_OVER,
    KEEP,
    NO,
    PARTLY,
    PAUSE,
    QUESTIONS,
    RENEGOTIATE,
    SET_BOUNDARIES,
    YES,
)

# From the gentlest to the hardest: a tie goes to the earlier one.
ORDER = (KEEP, SET_BOUNDARIES, RENEGOTIATE, HAND_OVER, PAUSE, END)
ANSWER, DATA = "answer", "data"

# Scales run 1-5: at or above HIGH (or at or below LOW) an answer says something.
HIGH, LOW = 4, 2
# "Otherwise healthy": every scored dimension but energy at or above this.
SOUND = 65
# Income the person cannot lose without help: a share of revenue, or months of runway.
RUNWAY_MONTHS = 6
# Feelings run -2..2: at or under DRAINED_FEELING the reviewer's own log says the client
# drains them.
DRAINED_FEELING = -0.5
# The weight of the ladder's advice: the numbers' one voice.
ADVICE_WEIGHT = 4
# Reasons that repeat or reveal the person's answers whatever the source stored with them
# (reviews decided before they were all marked "answer" stored these as data).
FROM_ANSWERS = frozenset(
    {
        "teammate_gets_on",
        "drained_but_sound",
        "end_set_aside_little_data",
        "more_to_go_on",
        "teammate_cannot",
        "little_to_go_on",
    }
)
# Hours against revenue: one share this many times the other, and this far apart.
SHARE_RATIO, SHARE_GAP = 1.5, 0.05
# With fewer scale and yes/no answers than this and low-confidence data, there is little to go on.
FEW_ANSWERS = 4


@dataclass(frozen=True)
class ReviewFacts:
    """The numbers, from the health snapshot and the portfolio."""

    score: int
    band: str
    confidence: str
    trend_30d: int | None
    dimensions: Mapping[str, int | None]
    weakest: str | None
    revenue_share: float | None  # 0-1 of the portfolio's revenue
    hours_share: float | None  # 0-1 of the portfolio's hours
    open_alerts: int
    reviewer_feeling: float | None  # the reviewer's own average feeling with this client
    teammates: tuple[Teammate, ...] = ()  # empty in a one-person workspace
    # The advice ladder's step for the client and its reason ([code, params]), as the health
    # panel showed it when the review began.
    advice: str = KEEP
    advice_reason: tuple | list | None = None


@dataclass(frozen=True)
class Reason:
    code: str  # rendered by reasons.sentence()
    params: dict
    points_to: str  # the decision this fact or answer points to
    source: str  # ANSWER or DATA
    weight: int = 0  # how much it pushed; 0 for the checks and for would_change

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "params": self.params,
            "points_to": self.points_to,
            "source": self.source,
            "weight": self.weight,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Reason:
        return cls(
            data["code"],
            dict(data.get("params") or {}),
            data["points_to"],
            data["source"],
            data.get("weight", 0),
        )


@dataclass(frozen=True)
class Recommendation:
    decision: str  # one of the DECISIONS codes
    # What drove it, strongest first: the checks that set ending aside, then what points to
    # the decision, then what pointed elsewhere (so the page can say which pointed where).
    reasons: tuple[Reason, ...]
    would_change: tuple[Reason, ...]  # what would change it
    # The decision the weights favoured when a check set it aside (always END), else None.
    tempered_from: str | None = None
    # Total weight per decision, for the curious and for tests.
    weights: Mapping[str, int] = field(default_factory=dict)


# Reading answers: anything malformed counts as unanswered.


def _scale(answers: Mapping[str, object], code: str) -> int | None:
    value = answers.get(code)
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 5 else None


def _yesno(answers: Mapping[str, object], code: str) -> str | None:
    value = answers.get(code)
    return value if value in (YES, PARTLY, NO) else None


def _number(answers: Mapping[str, object], code: str) -> float | None:
    value = answers.get(code)
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _answered(answers: Mapping[str, object]) -> int:
    """How many scale and yes/no questions have a usable answer."""
    read = {"scale": _scale, "yesno": _yesno}
    return sum(
        1
        for code, question in QUESTIONS.items()
        if question.kind in read and read[question.kind](answers, code) is not None
    )


def _percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)


def _feeling(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class _Reading:
    """What the answers and the numbers say before anything is weighed."""

    drained: bool  # the person's answers (or own feeling) say this client drains them
    drained_by_answers: bool  # the answers themselves say so
    teammate: Teammate | None  # a teammate who gets on clearly better with the client
    fixable: bool  # a cause boundaries can address, and nothing broken
    pause_fits: bool  # drained, but the relationship is otherwise sound and nothing to fix
    little_to_go_on: bool
    answered: int


def _drained_by_answers(answers: Mapping[str, object]) -> bool:
    dread, drain = _scale(answers, "dread"), _scale(answers, "energy_drain")
    enjoy, meeting = _scale(answers, "enjoy"), _scale(answers, "before_meeting")
    return (
        (dread is not None and dread >= HIGH)
        or (drain is not None and drain >= HIGH)
        or (enjoy is not None and enjoy <= LOW)
        or (meeting is not None and meeting <= LOW)
    )


def _best_teammate(facts: ReviewFacts, answers: Mapping[str, object]) -> Teammate | None:
    """The teammate to hand the client to, when the answers say the client drains the reviewer
    (the numbers alone already spoke through the ladder's advice)."""
    if not _drained_by_answers(answers):
        return None
    return teammate_who_gets_on(facts.teammates, facts.reviewer_feeling, drained=True)


def _broken_by_answers(answers: Mapping[str, object]) -> bool:
    return (
        _yesno(answers, "trust") == NO
        or _yesno(answers, "aligned") == NO
        or _yesno(answers, "unlimited_help") == YES
    )


def _fixable_by_answers(answers: Mapping[str, object]) -> bool:
    """The answers name a cause that clear terms or an honest word can address."""
    stress = _scale(answers, "change_stress")
    return not _broken_by_answers(answers) and (
        _yesno(answers, "terms_clear") in (NO, PARTLY)
        or _yesno(answers, "told_them") in (NO, PARTLY)
        or _yesno(answers, "can_change") == YES
        or (stress is not None and stress >= HIGH)
    )


def _sound_apart_from_energy(facts: ReviewFacts) -> bool:
    others = [
        score for name, score in facts.dimensions.items() if name != "energy" and score is not None
    ]
    return facts.confidence != "low" and bool(others) and min(others) >= SOUND


def _read(facts: ReviewFacts, answers: Mapping[str, object]) -> _Reading:
    energy = facts.dimensions.get("energy")
    drained = (
        _drained_by_answers(answers)
        or (facts.reviewer_feeling is not None and facts.reviewer_feeling <= DRAINED_FEELING)
        or (energy is not None and energy < WEAK and facts.confidence != "low")
    )
    teammate = _best_teammate(facts, answers)
    fixable = _fixable_by_answers(answers)
    pause_fits = (
        drained
        and teammate is None
        and not fixable
        and _sound_apart_from_energy(facts)
        and not _broken_by_answers(answers)
    )
    answered = _answered(answers)
    return _Reading(
        drained=drained,
        drained_by_answers=_drained_by_answers(answers),
        teammate=teammate,
        fixable=fixable,
        pause_fits=pause_fits,
        little_to_go_on=answered < FEW_ANSWERS and facts.confidence == "low",
        answered=answered,
    )


def _drain_target(reading: _Reading) -> str:
    """Where feeling drained points: the fit between two people, a cause boundaries can
    address, a tired person in a sound relationship, or the end."""
    if reading.teammate is not None:
        return HAND_OVER
    if reading.fixable:
        return SET_BOUNDARIES
    return PAUSE if reading.pause_fits else END


# The numbers.


def _advice(facts: ReviewFacts) -> str:
    """The panel's advice. A hand-over needs the teammate it names among the reviewer's
    teammates (they may have left since, or be the reviewer): else the step for a client who
    wears on the person, boundaries."""
    if facts.advice != HAND_OVER:
        return facts.advice
    named = dict((facts.advice_reason or (None, {}))[1]).get("user_id")
    mates = {t.user_id for t in facts.teammates}
    reachable = named in mates if named is not None else bool(mates)
    return HAND_OVER if reachable else SET_BOUNDARIES


def _data_reasons(facts: ReviewFacts, reading: _Reading) -> list[Reason]:
    weight = ADVICE_WEIGHT if facts.confidence != "low" else ADVICE_WEIGHT // 2
    reason = list(facts.advice_reason or ("too_little_data", {}))
    reasons = [
        Reason(
            "advice",
            {"code": reason[0], "params": dict(reason[1]), "advice": facts.advice},
            _advice(facts),
            DATA,
            weight,
        )
    ]

    def show(code, params, points_to):
        reasons.append(Reason(code, params, points_to, DATA, 0))

    if facts.trend_30d is not None and facts.trend_30d <= -TREND_POINTS:
        show("declining", {"points": -facts.trend_30d}, END)
    elif facts.trend_30d is not None and facts.trend_30d >= TREND_POINTS:
        show("improving", {"points": facts.trend_30d}, KEEP)
    if facts.open_alerts > 0:
        show("open_alerts", {"count": facts.open_alerts}, SET_BOUNDARIES)
    hours, revenue = facts.hours_share, facts.revenue_share
    if hours is not None and revenue is not None:
        shares = {"hours": _percent(hours), "revenue": _percent(revenue)}
        if hours >= SHARE_RATIO * revenue and hours - revenue >= SHARE_GAP:
            show("hours_over_revenue", shares, RENEGOTIATE)
        elif revenue >= SHARE_RATIO * hours and revenue - hours >= SHARE_GAP:
            show("revenue_over_hours", shares, KEEP)

    if reading.teammate is not None:
        mate = reading.teammate
        # Teammates' feelings are evidence however thin the client's own history is. Found
        # because the answers say the client drains the reviewer: private, like them.
        reasons.append(
            Reason(
                "teammate_gets_on",
                {
                    "name": mate.name,
                    "feeling": _feeling(mate.average_feeling),
                    "hours": round(mate.hours, 1),
                    "yours": _feeling(facts.reviewer_feeling),
                },
                HAND_OVER,
                ANSWER,
                4,
            )
        )
    if reading.pause_fits:
        # "They drain you" repeats the answers when they are what says so.
        source = ANSWER if reading.drained_by_answers else DATA
        reasons.append(Reason("drained_but_sound", {}, PAUSE, source, 3))
    return reasons


# The answers.

# (question, answer test, code, decision or None for "where drain points", weight)
SCALE_RULES = (
    ("enjoy", lambda v: v >= HIGH, "enjoy_high", KEEP, 2),
    ("enjoy", lambda v: v <= LOW, "enjoy_low", None, 1),
    ("dread", lambda v: v >= HIGH, "dread_high", None, 2),
    ("dread", lambda v: v <= LOW, "dread_low", KEEP, 1),
    ("change_stress", lambda v: v >= HIGH, "change_stress_high", SET_BOUNDARIES, 2),
    ("change_stress", lambda v: v <= LOW, "change_stress_low", KEEP, 1),
    ("before_meeting", lambda v: v <= LOW, "meeting_dread", None, 1),
    ("before_meeting", lambda v: v >= HIGH, "meeting_good", KEEP, 1),
    ("energy_drain", lambda v: v >= HIGH, "drain_high", None, 2),
    ("energy_drain", lambda v: v <= LOW, "drain_low", KEEP, 1),
)

YESNO_RULES = {
    "terms_clear": {
        NO: ("terms_unclear", SET_BOUNDARIES, 3),
        PARTLY: ("terms_partly", SET_BOUNDARIES, 2),
    },
    "can_change": {
        YES: ("can_change", SET_BOUNDARIES, 3),
        PARTLY: ("can_change_partly", SET_BOUNDARIES, 1),
        NO: ("cannot_change", END, 1),
    },
    "aligned": {
        YES: ("aligned", KEEP, 1),
        PARTLY: ("partly_aligned", SET_BOUNDARIES, 1),
        NO: ("misaligned", END, 3),
    },
    "trust": {
        YES: ("trust_intact", KEEP, 1),
        PARTLY: ("trust_shaken", SET_BOUNDARIES, 1),
        NO: ("trust_broken", END, 3),
    },
}


def _answer_reasons(answers: Mapping[str, object], facts: ReviewFacts, reading: _Reading):
    reasons = []
    drain_to = _drain_target(reading)
    for code, test, reason, points_to, weight in SCALE_RULES:
        value = _scale(answers, code)
        if value is not None and test(value):
            reasons.append(Reason(reason, {}, points_to or drain_to, ANSWER, weight))
    for code, rules in YESNO_RULES.items():
        rule = rules.get(_yesno(answers, code))
        if rule:
            reasons.append(Reason(rule[0], {}, rule[1], ANSWER, rule[2]))

    told = _yesno(answers, "told_them")
    unlimited = _yesno(answers, "unlimited_help")
    if unlimited == YES and told == YES:
        reasons.append(Reason("unlimited_help_after_telling", {}, END, ANSWER, 4))
    elif unlimited == YES:
        reasons.append(Reason("unlimited_help", {}, RENEGOTIATE, ANSWER, 4))
    elif unlimited == PARTLY:
        reasons.append(Reason("unlimited_help_partly", {}, RENEGOTIATE, ANSWER, 2))

    named = answers.get("teammate")
    mate = next((t for t in facts.teammates if str(t.user_id) == str(named)), None)
    if named not in (None, "") and mate is not None:
        reasons.append(Reason("teammate_named", {"name": mate.name}, HAND_OVER, ANSWER, 2))
    return reasons


def _told_reasons(answers: Mapping[str, object], troubled: bool) -> list[Reason]:
    """Whether they were told only matters when something is not working."""
    told = _yesno(answers, "told_them")
    if not troubled or told is None:
        return []
    return [
        {
            NO: Reason("not_told", {}, SET_BOUNDARIES, ANSWER, 3),
            PARTLY: Reason("partly_told", {}, SET_BOUNDARIES, ANSWER, 1),
            YES: Reason("already_told", {}, END, ANSWER, 1),
        }[told]
    ]


def _can_absorb(answers: Mapping[str, object]) -> bool:
    runway = _number(answers, "runway_months")
    return _yesno(answers, "absorb_loss") == YES or (runway is not None and runway >= RUNWAY_MONTHS)


def _income_at_stake(facts: ReviewFacts, answers: Mapping[str, object]) -> Reason | None:
    """The check on ending a client whose income could not be absorbed, or None."""
    if _can_absorb(answers):
        return None
    said_no = _yesno(answers, "absorb_loss") == NO
    share = facts.revenue_share
    if not said_no and (share is None or share < DEPENDENCE):
        return None
    return Reason(
        "end_set_aside_income",
        {"percent": _percent(share), "answered": said_no},
        SET_BOUNDARIES,  # replaced by the decision it tempers into
        ANSWER if said_no else DATA,
    )


def _absorb_reasons(answers: Mapping[str, object]) -> list[Reason]:
    runway = _number(answers, "runway_months")
    if runway is not None and runway >= RUNWAY_MONTHS:
        return [Reason("runway", {"months": round(runway)}, END, ANSWER, 1)]
    if _yesno(answers, "absorb_loss") == YES:
        return [Reason("can_absorb", {}, END, ANSWER, 1)]
    return []


def _tally(reasons: list[Reason]) -> dict[str, int]:
    weights = dict.fromkeys(ORDER, 0)
    for reason in reasons:
        weights[reason.points_to] += reason.weight
    return weights


def _heaviest(weights: Mapping[str, int], among=ORDER) -> str:
    return max(among, key=lambda d: (weights[d], -ORDER.index(d)))


def _with(reason: Reason, points_to: str) -> Reason:
    return Reason(reason.code, reason.params, points_to, reason.source, reason.weight)


def _checks_before_ending(facts, answers, reading) -> tuple[list[Reason], list[Reason]]:
    """What should come before ending, and what would make ending the advice after all.
    Every reason here points to SET_BOUNDARIES until the caller knows where it leads."""
    checks, would = [], []
    if _yesno(answers, "told_them") == NO:
        checks.append(Reason("end_set_aside_tell", {}, SET_BOUNDARIES, ANSWER))
        would.append(Reason("told_without_change", {}, END, ANSWER))
    if _yesno(answers, "terms_clear") == NO:
        checks.append(Reason("end_set_aside_terms", {}, SET_BOUNDARIES, ANSWER))
        would.append(Reason("terms_refused", {}, END, ANSWER))
    if _yesno(answers, "can_change") == YES:
        checks.append(Reason("end_set_aside_can_change", {}, SET_BOUNDARIES, ANSWER))
        would.append(Reason("change_not_enough", {}, END, ANSWER))
    income = _income_at_stake(facts, answers)
    if income is not None:
        checks.append(income)
        would.append(Reason("could_absorb", {"months": RUNWAY_MONTHS}, END, ANSWER))
    if reading.little_to_go_on:
        checks.append(Reason("end_set_aside_little_data", {}, SET_BOUNDARIES, ANSWER))
        would.append(Reason("more_to_go_on", {}, END, ANSWER))
    return checks, would


def _would_change(
    decision: str,
    weights: Mapping[str, int],
    facts: ReviewFacts,
    answers: Mapping[str, object],
    reading: _Reading,
) -> list[Reason]:
    """What would move the advice elsewhere."""
    if decision == END:
        would = []
        if _yesno(answers, "trust") == NO:
            would.append(Reason("trust_restored", {}, SET_BOUNDARIES, ANSWER))
        if _yesno(answers, "unlimited_help") == YES:
            would.append(Reason("pays_for_extra_help", {}, RENEGOTIATE, ANSWER))
        if facts.teammates:
            would.append(Reason("teammate_could_take", {}, HAND_OVER, DATA))
        # can_change YES always sets ending aside, so this one is always there.
        would.append(Reason("can_change_found", {}, SET_BOUNDARIES, ANSWER))
        share = facts.revenue_share
        if share is None or share >= NOTABLE_SHARE:
            would.append(Reason("income_needed", {"percent": _percent(share)}, RENEGOTIATE, DATA))
        return would
    if decision == KEEP:
        return [Reason("signals_worsen", {}, SET_BOUNDARIES, DATA)]
    if decision in (SET_BOUNDARIES, RENEGOTIATE):
        would = [Reason("new_terms_hold", {}, KEEP, ANSWER)]
        if weights[END] > 0:
            would.append(Reason("terms_refused", {}, END, ANSWER))
        return would
    if decision == HAND_OVER:
        mate = reading.teammate or next(
            (t for t in facts.teammates if str(t.user_id) == str(answers.get("teammate"))), None
        )
        # The advice as it would be in a workspace of one (where the ladder's step for a
        # client who wears on the person is setting boundaries).
        advice = SET_BOUNDARIES if facts.advice == HAND_OVER else facts.advice
        alone = recommend(replace(facts, teammates=(), advice=advice), answers).decision
        return [
            Reason(
                "teammate_cannot",
                {"name": mate.name if mate else "", "decision": alone},
                alone,
                ANSWER,  # the advice the answers would give: theirs
            )
        ]
    # PAUSE: a break that does not help leaves a drain with no cure in sight, which points to
    # ending, unless something should come first.
    checks, _would = _checks_before_ending(facts, answers, reading)
    after = _heaviest(weights, (SET_BOUNDARIES, RENEGOTIATE)) if checks else END
    return [
        Reason("break_not_enough", {"decision": after}, after, ANSWER),
        Reason("relationship_breaks", {}, END, ANSWER),
    ]


def recommend(facts: ReviewFacts, answers: Mapping[str, object]) -> Recommendation:
    """The advice at step 5: a decision, what drove it and what would change it."""
    reading = _read(facts, answers)
    reasons = _data_reasons(facts, reading) + _answer_reasons(answers, facts, reading)
    troubled = any(r.points_to != KEEP and r.weight > 0 for r in reasons)
    reasons += _told_reasons(answers, troubled)
    if _tally(reasons)[END] > 0:
        reasons += _absorb_reasons(answers)
    if reading.little_to_go_on:
        # How many questions were answered: the answers' own count.
        reasons.append(Reason("little_to_go_on", {"count": reading.answered}, KEEP, ANSWER, 2))

    weights = _tally(reasons)
    # Until an answer weighs, the advice is the panel's own (the ladder weighed the numbers,
    # income included).
    heard = any(r.source == ANSWER and r.weight for r in reasons if r.code != "little_to_go_on")
    decision = _heaviest(weights) if heard else _advice(facts)
    tempered_from = None
    checks: list[Reason] = []
    would: list[Reason] = []
    if decision == END and heard:
        checks, would = _checks_before_ending(facts, answers, reading)
        if checks:
            tempered_from = END
            decision = _heaviest(weights, (SET_BOUNDARIES, RENEGOTIATE))
            checks = [_with(check, decision) for check in checks]
    for change in _would_change(decision, weights, facts, answers, reading):
        if all(change.code != known.code for known in would):
            would.append(change)

    if heard and decision != _advice(facts):
        # The answers moved the advice away from the numbers' (and the panel's) step.
        reasons.append(
            Reason(
                "answers_moved", {"advice": _advice(facts), "decision": decision}, decision, ANSWER
            )
        )
    ordered = sorted(
        reasons,
        key=lambda r: (r.points_to != decision, -r.weight),
    )
    return Recommendation(
        decision=decision,
        reasons=tuple(checks + ordered),
        would_change=tuple(would),
        tempered_from=tempered_from,
        weights=weights,
    )
