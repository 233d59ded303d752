"""The recommendation's reasons in plain words, in the active language. `recommend` speaks in
codes with numbers; this turns them into sentences, like `assessments.explain` does for the
health score, so a stored review reads in whichever language its reader uses.

Every sentence is written at its call site, inside gettext or ngettext, so makemessages finds it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.choices import Band, Dimension
from assessments.explain import sentence as explain_sentence

from .questions import DECISIONS, END, HAND_OVER, KEEP, PAUSE, RENEGOTIATE, SET_BOUNDARIES
from .recommend import Reason


def _number(value, decimals: int = 0) -> str:
    value = round(value, decimals) + 0  # no "-0.0"
    return number_format(value, decimal_pos=decimals, use_l10n=True)


def _feeling(value) -> str:
    """A feeling on the -2..+2 scale, signed so that +1 and -1 read differently at a glance."""
    text = _number(value, 1)
    return f"+{text}" if value > 0 else text


def _dimension(code: str | None) -> str:
    return str(Dimension(code).label) if code in Dimension.values else ""


def _band(code: str | None) -> str:
    return str(Band(code).label).lower() if code in Band.values else ""


def _decision(code: str | None) -> str:
    return str(dict(DECISIONS).get(code, ""))


def _teammate_gets_on(p: dict) -> str:
    values = {
        "name": p["name"],
        "feeling": _feeling(p["feeling"]),
        "hours": _number(p["hours"], 1),
    }
    if p.get("yours") is None:
        return (
            _(
                "%(name)s feels %(feeling)s on average with them (from −2 drained to +2 "
                "energised) over %(hours)s hours in the last 90 days, while your answers say "
                "they drain you."
            )
            % values
        )
    return _(
        "%(name)s feels %(feeling)s on average with them (from −2 drained to +2 energised) "
        "over %(hours)s hours in the last 90 days; you feel %(yours)s."
    ) % {**values, "yours": _feeling(p["yours"])}


def _income_set_aside(p: dict) -> str:
    if p.get("percent") is None:
        return _(
            "The answers and numbers lean towards ending, but you could not absorb losing this "
            "income: change the terms and line up other work first."
        )
    if p.get("answered"):
        text = _(
            "The answers and numbers lean towards ending, but this client brings %(percent)s%% "
            "of your income and you could not absorb losing it: change the terms and line up "
            "other work first."
        )
    else:
        text = _(
            "The answers and numbers lean towards ending, but this client brings %(percent)s%% "
            "of your income: change the terms and line up other work before you let it go."
        )
    return text % {"percent": _number(p["percent"])}


def _income_needed(p: dict) -> str:
    if p.get("percent") is None:
        return _(
            "If you could not afford to lose this income, renegotiating would come before ending."
        )
    return _(
        "If you could not afford to lose %(percent)s%% of your income, renegotiating would come "
        "before ending."
    ) % {"percent": _number(p["percent"])}


def _teammate_cannot(p: dict) -> str:
    if p.get("name"):
        return _("If %(name)s could not take them on, the next option would be “%(decision)s”.") % {
            "name": p["name"],
            "decision": _decision(p["decision"]),
        }
    return _("If no teammate could take them on, the next option would be “%(decision)s”.") % {
        "decision": _decision(p["decision"])
    }


SENTENCES: dict[str, Callable[[dict], str]] = {
    # How it feels (answers)
    "enjoy_high": lambda p: _("You still enjoy talking to them."),
    "enjoy_low": lambda p: _("Talking to them no longer gives you much joy."),
    "dread_high": lambda p: _("You often dread their messages."),
    "dread_low": lambda p: _("Their messages rarely weigh on you."),
    "change_stress_high": lambda p: _(
        "A change request from them can throw you off for the whole day."
    ),
    "change_stress_low": lambda p: _("Their change requests do not throw you off."),
    "meeting_dread": lambda p: _("You feel uneasy before meetings with them."),
    "meeting_good": lambda p: _("You look forward to meetings with them."),
    # Whose side it is (answers)
    "terms_unclear": lambda p: _(
        "The terms — scope, rounds of revisions, response times, price — were never clearly agreed."
    ),
    "terms_partly": lambda p: _("The terms were only partly agreed."),
    "not_told": lambda p: _("You have not told them yet what is not working: they may not know."),
    "partly_told": lambda p: _("You have told them part of what is not working, not all of it."),
    "already_told": lambda p: _("You have already told them what is not working."),
    "can_change": lambda p: _("You think you could change or learn something that would fix it."),
    "can_change_partly": lambda p: _(
        "There is something you could change on your side, though it would not fix everything."
    ),
    "cannot_change": lambda p: _("You see nothing on your side that would fix it."),
    "aligned": lambda p: _("They are aligned with how you work and with your values."),
    "partly_aligned": lambda p: _(
        "They are only partly aligned with how you work and with your values."
    ),
    "misaligned": lambda p: _("They are not aligned with how you work or with your values."),
    "trust_intact": lambda p: _("Trust is still there, both ways."),
    "trust_shaken": lambda p: _("Trust has been shaken, though not lost."),
    "trust_broken": lambda p: _("Trust is no longer there."),
    "unlimited_help": lambda p: _(
        "They expect unlimited help for a one-off fee: that can never pay for itself."
    ),
    "unlimited_help_partly": lambda p: _("At times they expect more help than they paid for."),
    "unlimited_help_after_telling": lambda p: _(
        "They still expect unlimited help for a one-off fee, even after you told them what is "
        "not working."
    ),
    # What it costs (answers)
    "drain_high": lambda p: _("They take a lot of the energy you need for your other clients."),
    "drain_low": lambda p: _("They take little energy from your other clients."),
    "teammate_named": lambda p: (
        _("You named %(name)s as a teammate who works well with them.") % {"name": p["name"]}
    ),
    "can_absorb": lambda p: _("You could absorb losing this income."),
    "runway": lambda p: (
        ngettext(
            "You could go %(months)s month without this income.",
            "You could go %(months)s months without this income.",
            p["months"],
        )
        % {"months": _number(p["months"])}
    ),
    # The numbers
    "advice": lambda p: (
        _("The numbers, as the health panel reads them: %(advice)s")
        % {"advice": explain_sentence([p["code"], p.get("params") or {}])}
    ),
    "answers_moved": lambda p: (
        _("Your answers move the advice from “%(advice)s” to “%(decision)s”.")
        % {"advice": _decision(p["advice"]), "decision": _decision(p["decision"])}
    ),
    "score": lambda p: (
        _("The health score is %(score)s out of 100 (%(band)s).")
        % {"score": _number(p["score"]), "band": _band(p["band"])}
    ),
    "declining": lambda p: (
        ngettext(
            "The score fell by %(points)s point in the last 30 days.",
            "The score fell by %(points)s points in the last 30 days.",
            p["points"],
        )
        % {"points": _number(p["points"])}
    ),
    "improving": lambda p: (
        ngettext(
            "The score rose by %(points)s point in the last 30 days.",
            "The score rose by %(points)s points in the last 30 days.",
            p["points"],
        )
        % {"points": _number(p["points"])}
    ),
    "weak_dimension": lambda p: (
        _("%(dimension)s is what holds this client back most, at %(score)s out of 100.")
        % {"dimension": _dimension(p["dimension"]), "score": _number(p["score"])}
    ),
    "open_alerts": lambda p: (
        ngettext(
            "%(count)s alert is open: a line you set has been crossed.",
            "%(count)s alerts are open: lines you set have been crossed.",
            p["count"],
        )
        % {"count": _number(p["count"])}
    ),
    "hours_over_revenue": lambda p: (
        _("They take %(hours)s%% of your hours but bring %(revenue)s%% of your revenue.")
        % {"hours": _number(p["hours"]), "revenue": _number(p["revenue"])}
    ),
    "revenue_over_hours": lambda p: (
        _("They bring %(revenue)s%% of your revenue for %(hours)s%% of your hours.")
        % {"hours": _number(p["hours"]), "revenue": _number(p["revenue"])}
    ),
    "teammate_gets_on": _teammate_gets_on,
    "drained_but_sound": lambda p: _(
        "They drain you, yet the rest of the relationship holds up: a break may give you back "
        "what you need."
    ),
    "little_to_go_on": lambda p: (
        ngettext(
            "There is little to go on yet: %(count)s answer and a short logged history. The "
            "advice leans on what there is; answer more and keep logging for a firmer one.",
            "There is little to go on yet: %(count)s answers and a short logged history. The "
            "advice leans on what there is; answer more and keep logging for a firmer one.",
            p["count"],
        )
        % {"count": _number(p["count"])}
    ),
    "nothing_against": lambda p: _(
        "Nothing in the numbers or in your answers points away from how things are now."
    ),
    # What comes before ending
    "end_set_aside_tell": lambda p: _(
        "The answers and numbers lean towards ending, but you have not told them yet what is "
        "not working: tell them first, kindly and plainly."
    ),
    "end_set_aside_terms": lambda p: _(
        "The answers and numbers lean towards ending, but the terms were never clearly agreed: "
        "agree them first."
    ),
    "end_set_aside_can_change": lambda p: _(
        "The answers and numbers lean towards ending, but you think you could change or learn "
        "something that would fix it: try that first."
    ),
    "end_set_aside_income": _income_set_aside,
    "end_set_aside_little_data": lambda p: _(
        "The answers lean towards ending, but there is too little to go on to advise it: answer "
        "the rest of the questions and log a few more weeks first."
    ),
    # What would change it
    "told_without_change": lambda p: _(
        "If you told them clearly what is not working and nothing changed, ending it would be "
        "the advice."
    ),
    "terms_refused": lambda p: _(
        "If they would not respect clear terms or boundaries, ending it well would be the next "
        "step."
    ),
    "change_not_enough": lambda p: _(
        "If what you change on your side does not fix it, ending it would be the advice."
    ),
    "could_absorb": lambda p: (
        ngettext(
            "If you could absorb losing this income — other work lined up, or %(months)s month "
            "of savings — ending it would be the advice.",
            "If you could absorb losing this income — other work lined up, or %(months)s months "
            "of savings — ending it would be the advice.",
            p["months"],
        )
        % {"months": _number(p["months"])}
    ),
    "more_to_go_on": lambda p: _(
        "If more answers and a few more weeks of history pointed the same way, ending it could "
        "be the advice."
    ),
    "trust_restored": lambda p: _(
        "If trust came back on both sides, setting boundaries could be enough."
    ),
    "pays_for_extra_help": lambda p: _(
        "If they agreed to pay for help beyond what was agreed, renegotiating could work."
    ),
    "teammate_could_take": lambda p: _(
        "If a teammate got on well with them, you could hand them over instead of losing them."
    ),
    "can_change_found": lambda p: _(
        "If you found something you could change or learn that would fix it, that would come first."
    ),
    "income_needed": _income_needed,
    "signals_worsen": lambda p: _(
        "If the score kept falling or you began to dread their messages, it would be time to "
        "set boundaries."
    ),
    "new_terms_hold": lambda p: _(
        "If things get better once the new boundaries or terms are in place, you may simply "
        "keep them."
    ),
    "teammate_cannot": _teammate_cannot,
    "break_not_enough": lambda p: (
        _("If a break did not bring your energy back, the next option would be “%(decision)s”.")
        % {"decision": _decision(p["decision"])}
    ),
    "relationship_breaks": lambda p: _(
        "If trust or shared values broke down, a break would not be enough."
    ),
}


def sentence(reason: Reason | Mapping) -> str:
    """A reason, or one stored as a dict ({"code", "params", ...}), as a sentence."""
    if isinstance(reason, Reason):
        code, params = reason.code, reason.params
    else:
        code, params = reason["code"], dict(reason.get("params") or {})
    return SENTENCES[code](params)


DECISION_SENTENCES: dict[str, Callable[[], str]] = {
    KEEP: lambda: _("Keep working with them as you do now, and keep an eye on how it feels."),
    SET_BOUNDARIES: lambda: _(
        "Say clearly what you will and will not accept — hours, channels, rounds of revisions — "
        "and hold to it when a line is crossed."
    ),
    RENEGOTIATE: lambda: _(
        "Propose new terms: a scope and a price that pay for the work they really take."
    ),
    HAND_OVER: lambda: _(
        "Hand the client to a teammate who works well with them: the workspace keeps the client "
        "and you get your energy back."
    ),
    PAUSE: lambda: _(
        "Step back for a while — tell them when you will be back — and notice how you feel."
    ),
    END: lambda: _(
        "End it well: finish the work in progress without lowering quality, give the real "
        "reasons honestly, and thank them."
    ),
}


def decision_sentence(decision: str) -> str:
    """What a decision means, in a sentence; empty for a code that is not a decision."""
    render = DECISION_SENTENCES.get(decision)
    return render() if render else ""
