"""The advice ladder as a pure function: a health result and its context in, a step and its
reason out. No database. Each rule of the ladder has a case that proves it and one that
proves its opposite."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from assessments import explain
from assessments.aggregates import ClientMetrics
from assessments.choices import COLLAPSE, DEPENDENCE, NOTABLE_SHARE, WEAK, Suggestion
from assessments.ladder import (
    STEP_WEIGHS_DAYS,
    AgreedStep,
    Context,
    Teammate,
    advise,
    dimension_to_mend,
    teammate_who_gets_on,
)
from assessments.scoring import DIMENSIONS, DimensionScore, Evidence, Health, band_of

AS_OF = dt.date(2026, 11, 20)
FINE = dict.fromkeys(DIMENSIONS, 85)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
ANA = Teammate(user_id=7, name="Ana", hours=30.0, average_feeling=1.2)
BRUNO = Teammate(user_id=8, name="Bruno", hours=12.0, average_feeling=-0.4)


def health(score: int, *, confidence: str = "high", evidence_count: int = 50, **scores) -> Health:
    return Health(
        score=score,
        band=band_of(score),
        confidence=confidence,
        dimensions={name: DimensionScore(scores.get(name), []) for name in DIMENSIONS},
        evidence_count=evidence_count,
        weights=dict.fromkeys(DIMENSIONS, 1),
    )


def advice(result: Health, metrics: ClientMetrics | None = None, **context):
    return advise(result, metrics or ClientMetrics(1), Context(as_of=AS_OF, **context))


def collapsed(name: str, score: int = 10) -> tuple[dict, ...]:
    """The dimensions 30 and 60 days before, with `name` already collapsed then."""
    return ({**FINE, name: score}, {**FINE, name: score})


# 1. Too little data ----------------------------------------------------------------------------


def test_too_little_data_keeps_whatever_the_score_and_the_share():
    thin = health(20, confidence="low", evidence_count=3, **{**FINE, "respect": 0})

    assert advice(thin, revenue_share=0.6, earlier=collapsed("respect")) == (
        "keep",
        Evidence("too_little_data", {"count": 3}),
    )


def test_enough_data_with_the_same_numbers_is_not_simply_kept():
    assert advice(health(20, **{**FINE, "respect": 0}))[0] != "keep"


# 2. In good health ------------------------------------------------------------------------------


@pytest.mark.parametrize("score", [65, 80, 97])
def test_a_healthy_client_is_kept(score):
    assert advice(health(score, **FINE)) == ("keep", Evidence("healthy", {"score": score}))


def test_a_healthy_client_with_one_dimension_just_under_weak_is_kept_and_that_one_named():
    step, reason = advice(health(78, **{**FINE, "energy": 46}))
    assert step == "keep"
    assert reason == Evidence("healthy_watch", {"score": 78, "weakest": "energy", "weak": 46})


def test_a_good_overall_score_does_not_hide_a_clearly_weak_dimension():
    assert advice(health(70, **{**FINE, "scope": 35}))[0] == "renegotiate"


# 3. The step that addresses what is wrong -------------------------------------------------------


@pytest.mark.parametrize("weakest", ["profitability", "scope"])
def test_weak_money_or_scope_is_renegotiated_even_when_critical(weakest):
    critical = health(22, **{**FINE, weakest: 8})
    assert advice(critical) == ("renegotiate", Evidence("renegotiate", {"weakest": weakest}))


@pytest.mark.parametrize("weakest", ["respect", "trust", "payments"])
def test_disrespect_distrust_or_late_payment_calls_for_boundaries(weakest):
    assert advice(health(45, **{**FINE, weakest: 35})) == (
        "set_boundaries",
        Evidence("set_boundaries", {"weakest": weakest}),
    )


def test_a_client_who_drains_you_gets_boundaries_to_protect_your_energy_not_the_end():
    critical = health(25, **{**FINE, "profitability": 100, "energy": 10})
    assert advice(critical) == ("set_boundaries", Evidence("protect_energy", {}))


def test_out_of_hours_pressure_is_named_when_that_is_what_drains():
    draining = health(30, **{**FINE, "profitability": 100, "energy": 15})
    late = ClientMetrics(1, contacts=20, flags={"out_of_hours": 9})
    step, reason = advice(draining, late)
    assert step == "set_boundaries"
    assert reason == Evidence("out_of_hours_pressure", {"count": 9, "contacts": 20})
    # A couple of late messages are not the pattern.
    assert advice(draining, ClientMetrics(1, contacts=20, flags={"out_of_hours": 2}))[1] == (
        Evidence("protect_energy", {})
    )


def test_unreasonable_demands_with_good_money_call_for_boundaries_naming_them():
    demanding = health(40, **{**FINE, "profitability": 95, "respect": 30})
    step, reason = advice(demanding, ClientMetrics(1, flags={"unreasonable_demand": 4}))
    assert (step, reason) == (
        "set_boundaries",
        Evidence("demands_with_good_money", {"count": 4}),
    )
    underpaid = health(40, **{**FINE, "profitability": 45, "respect": 30})
    assert advice(underpaid, ClientMetrics(1, flags={"unreasonable_demand": 4}))[1].code == (
        "set_boundaries"
    )


def test_a_draining_client_goes_to_the_teammate_who_gets_on_well_with_them():
    drained = health(40, **{**FINE, "energy": 30})
    step, reason = advice(drained, owner_feeling=-1.1, teammates=(BRUNO, ANA))
    assert step == "hand_over"
    assert reason == Evidence(
        "hand_over", {"user_id": 7, "name": "Ana", "feeling": 1.2, "yours": -1.1}
    )


def test_no_hand_over_to_a_teammate_who_does_not_get_on_with_them_either():
    drained = health(40, **{**FINE, "energy": 30})
    assert advice(drained, owner_feeling=-1.1, teammates=(BRUNO,))[0] == "set_boundaries"
    # ...nor when the teammate is only a little better than the person.
    near = Teammate(9, "Carla", 5.0, 0.6)
    assert teammate_who_gets_on((near,), mine=0.4, drained=True) is None


def test_underpayment_is_never_handed_over_money_is_not_a_matter_of_fit():
    underpaid = health(40, **{**FINE, "profitability": 20})
    assert advice(underpaid, owner_feeling=-1.0, teammates=(ANA,))[0] == "renegotiate"


# 4. When ending is the advice ---------------------------------------------------------------


@pytest.mark.parametrize("dimension", ["respect", "trust"])
def test_respect_or_trust_collapsed_for_two_months_points_to_ending(dimension):
    broken = health(20, **{**FINE, dimension: 8})
    step, reason = advice(broken, revenue_share=0.05, earlier=collapsed(dimension))
    assert step == "end"
    assert reason == Evidence(
        "collapsed_for_months", {"dimension": dimension, "score": 8, "days": 60}
    )


def test_a_collapse_that_is_new_this_month_is_not_yet_an_ending():
    broken = health(20, **{**FINE, "respect": 8})
    earlier = ({**FINE, "respect": 8}, {**FINE, "respect": 70})
    assert advice(broken, earlier=earlier)[0] == "set_boundaries"
    assert advice(broken)[0] == "set_boundaries"  # nothing known of before


def test_energy_collapsed_for_months_is_still_a_matter_of_boundaries():
    assert advice(health(20, **{**FINE, "energy": 5}), earlier=collapsed("energy"))[0] == (
        "set_boundaries"
    )


def test_trouble_on_several_fronts_including_money_points_to_ending():
    apprentice = health(30, **{**FINE, "profitability": 20, "scope": 30, "energy": 40})
    step, reason = advice(apprentice, revenue_share=0.05)
    assert step == "end"
    assert reason == Evidence(
        "several_fronts", {"dimensions": ["profitability", "scope", "energy"]}
    )


def test_several_fronts_without_money_are_not_an_ending():
    relational = health(30, **{**FINE, "energy": 35, "respect": 40, "trust": 45})
    assert advice(relational)[0] == "set_boundaries"
    two = health(40, **{**FINE, "profitability": 30, "scope": 40})
    assert advice(two)[0] == "renegotiate"


def _agreed(
    step="set_boundaries", check_on=AS_OF - dt.timedelta(days=1), dimension="respect", score=30
):
    return AgreedStep(
        step=step,
        agreed_on=dt.date(2026, 3, 3),
        check_on=check_on,
        dimension=dimension,
        score=score,
    )


def test_an_agreed_step_that_did_not_work_by_its_check_day_points_to_ending_and_says_so():
    result = health(40, **{**FINE, "respect": 32})
    step, reason = advice(result, revenue_share=0.05, agreed=_agreed())
    assert step == "end"
    assert reason == Evidence(
        "step_not_working",
        {
            "step": "set_boundaries",
            "agreed_on": "2026-03-03",
            "dimension": "respect",
            "then": 30,
            "now": 32,
        },
    )
    with translation.override("en"):
        text = explain.sentence(reason)
    assert "Boundaries were set on" in text and "respect has not recovered" in text


@pytest.mark.parametrize("now", [WEAK, 30 + 10])
def test_an_agreed_step_that_worked_is_not_an_ending(now):
    result = health(55, **{**FINE, "respect": now})
    assert advice(result, agreed=_agreed())[0] != "end"


@pytest.mark.parametrize("days", [0, 1])
def test_until_its_check_day_an_agreed_step_is_given_its_chance(days):
    broken = health(18, **{**FINE, "trust": 5})
    later = _agreed(step="renegotiate", check_on=AS_OF + dt.timedelta(days=days))
    step, reason = advice(broken, earlier=collapsed("trust"), agreed=later)
    assert step == "renegotiate"
    assert reason.code == "step_in_progress"
    assert reason.params["check_on"] == (AS_OF + dt.timedelta(days=days)).isoformat()


# Ending and income -----------------------------------------------------------------------------


@pytest.mark.parametrize(("share", "percent"), [(DEPENDENCE, 35), (0.5, 50), (1.0, 100)])
def test_a_client_the_person_depends_on_is_never_told_to_end_without_the_share_named(
    share, percent
):
    broken = health(20, **{**FINE, "respect": 5})
    step, reason = advice(
        broken, revenue_share=share, monthly_income=3100.0, earlier=collapsed("respect")
    )
    assert step == "set_boundaries"
    assert reason.code == "end_but_dependent"
    assert reason.params["percent"] == percent
    assert reason.params["because"][0] == "collapsed_for_months"
    with translation.override("en"):
        text = explain.sentence(reason)
    assert f"{percent}%" in text and "3100.00 EUR a month" in text.replace(",", "")


def test_a_failed_step_on_a_client_the_person_depends_on_turns_to_the_other_step():
    result = health(40, **{**FINE, "respect": 32})
    step, reason = advice(result, revenue_share=0.6, agreed=_agreed())
    assert (step, reason.code) == ("renegotiate", "end_but_dependent")


@pytest.mark.parametrize(("share", "percent"), [(NOTABLE_SHARE, 15), (0.34, 34)])
def test_ending_a_notable_share_says_what_it_would_cost(share, percent):
    broken = health(20, **{**FINE, "trust": 5})
    step, reason = advice(broken, revenue_share=share, earlier=collapsed("trust"))
    assert (step, reason.code, reason.params["percent"]) == ("end", "end_costly", percent)


def test_a_share_just_under_the_notable_one_is_not_mentioned():
    broken = health(20, **{**FINE, "trust": 5})
    assert advice(broken, revenue_share=0.14, earlier=collapsed("trust"))[1].code == (
        "collapsed_for_months"
    )


# Ties, weights, nothing scored ---------------------------------------------------------------


def test_on_a_tie_the_relational_dimension_is_the_one_named():
    tied = health(40, **{**FINE, "energy": 30, "profitability": 30})
    assert advice(tied)[1].code == "protect_energy"


def test_a_dimension_weighted_zero_is_never_what_holds_a_client_back():
    result = health(60, **{**FINE, "payments": 5})
    result.weights["payments"] = 0
    assert (
        advice(result) == ("keep", Evidence("healthy", {"score": 60}))
        or advice(result)[1].params.get("weakest") != "payments"
    )


def test_a_client_with_evidence_but_nothing_scored_keeps_logging():
    assert advice(health(60, evidence_count=30)) == (
        "keep",
        Evidence("too_little_data", {"count": 30}),
    )


# Every reason reads as a sentence -----------------------------------------------------------


SAMPLES = [
    (health(20, confidence="low", evidence_count=1), {}),
    (health(90, **FINE), {}),
    (health(78, **{**FINE, "energy": 46}), {}),
    (health(20, **{**FINE, "trust": 5}), {"earlier": collapsed("trust")}),
    (health(20, **{**FINE, "trust": 5}), {"earlier": collapsed("trust"), "revenue_share": 0.2}),
    (health(20, **{**FINE, "trust": 5}), {"earlier": collapsed("trust"), "revenue_share": 0.5}),
    (health(30, **{**FINE, "profitability": 20, "scope": 30, "energy": 40}), {}),
    (health(40, **{**FINE, "respect": 32}), {"agreed": _agreed()}),
    (health(40, **{**FINE, "respect": 32}), {"agreed": _agreed(check_on=dt.date(2027, 1, 5))}),
    (health(55, **{**FINE, "scope": 35}), {}),
    (health(55, **{**FINE, "energy": 35}), {"owner_feeling": -1.0, "teammates": (ANA,)}),
    (health(55, **{**FINE, "energy": 35}), {}),
    (health(55, **{**FINE, "payments": 35}), {}),
]


def _reasons():
    found = [advice(result, **context)[1] for result, context in SAMPLES]
    found.append(advice(health(30, **{**FINE, "energy": 15}), ClientMetrics(1, flags={
        "out_of_hours": 9}, contacts=10))[1])  # fmt: skip
    found.append(
        advice(
            health(40, **{**FINE, "respect": 30}),
            ClientMetrics(1, flags={"unreasonable_demand": 2}),
        )[1]
    )
    return found


def test_the_samples_produce_every_reason():
    assert {reason.code for reason in _reasons()} == {
        "too_little_data",
        "healthy",
        "healthy_watch",
        "collapsed_for_months",
        "end_costly",
        "end_but_dependent",
        "several_fronts",
        "step_not_working",
        "step_in_progress",
        "renegotiate",
        "hand_over",
        "protect_energy",
        "set_boundaries",
        "out_of_hours_pressure",
        "demands_with_good_money",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reason_reads_as_a_sentence_in_every_language(language):
    with translation.override(language):
        for reason in _reasons():
            text = explain.sentence(reason)
            assert text.strip() and "%(" not in text, (reason, text)
            assert explain.sentence(reason.to_json()) == text  # as stored in a snapshot


@pytest.mark.parametrize(
    "old",
    [
        ["end", {"weakest": "trust", "score": 25}],
        ["end_costly", {"weakest": "payments", "percent": 20}],
        ["end_but_dependent", {"weakest": "respect", "percent": 50}],
        ["hand_over", {}],
    ],
)
def test_reasons_stored_by_the_first_formula_still_read(old):
    for language in LANGUAGES:
        with translation.override(language):
            text = explain.sentence(old)
        assert text.strip() and "%(" not in text
        assert "0.00" not in text and "0,00" not in text  # no invented monthly figure


def test_every_step_is_a_stored_suggestion_code():
    codes = set(Suggestion.values)
    for result, context in SAMPLES:
        assert advice(result, **context)[0] in codes
    assert COLLAPSE < WEAK


def test_a_healthy_client_sliding_fast_with_a_dimension_under_weak_gets_the_step_for_it():
    sliding = health(69, **{**FINE, "scope": 44})
    assert advice(sliding, trend_30d=-10)[0] == "keep"  # one bad week moves a client this far
    assert advice(sliding, trend_30d=-20) == (
        "renegotiate",
        Evidence("renegotiate", {"weakest": "scope"}),
    )


def test_an_agreed_step_stops_weighing_a_month_after_its_check_day():
    result = health(40, **{**FINE, "respect": 32})
    old = _agreed(check_on=AS_OF - dt.timedelta(days=STEP_WEIGHS_DAYS + 1))
    assert advice(result, agreed=old)[1].code == "set_boundaries"
    recent = _agreed(check_on=AS_OF - dt.timedelta(days=STEP_WEIGHS_DAYS))
    assert advice(result, agreed=recent)[1].code == "step_not_working"


def test_a_healthy_client_is_kept_whatever_step_was_agreed():
    healthy = health(70, **{**FINE, "respect": 42})
    assert advice(healthy, agreed=_agreed())[0] == "keep"


def test_a_step_agreed_later_than_the_day_assessed_says_nothing_of_that_day():
    result = health(40, **{**FINE, "respect": 32})
    later = AgreedStep(
        step="set_boundaries",
        agreed_on=AS_OF + dt.timedelta(days=10),
        check_on=AS_OF + dt.timedelta(days=24),
        dimension="respect",
        score=30,
    )
    assert advice(result, agreed=later)[1].code == "set_boundaries"


def test_each_step_is_judged_on_the_dimensions_it_is_meant_to_mend():
    scores = {**FINE, "energy": 20, "scope": 40, "profitability": 60}
    assert dimension_to_mend("renegotiate", scores) == "scope"
    assert dimension_to_mend("set_boundaries", scores) == "energy"
    assert dimension_to_mend("renegotiate", {"energy": 20}) is None


def test_no_hand_over_without_a_sign_that_the_owner_is_worn_down():
    distrusted = health(40, **{**FINE, "trust": 35})  # energy fine, owner's feeling unknown
    assert advice(distrusted, owner_feeling=None, teammates=(ANA,))[0] == "set_boundaries"
    assert advice(distrusted, owner_feeling=-0.8, teammates=(ANA,))[0] == "hand_over"
