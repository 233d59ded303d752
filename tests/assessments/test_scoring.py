"""The health score as pure functions: hand-built aggregates in, scores, evidence and a
evidence out. No database: `assessments.scoring` never touches the ORM.

Unless a test says otherwise, every event in these aggregates happened today, so each
recency-weighted sum (`w_...`) equals its plain count.

One module (over 400 lines), like `assessments.scoring`: the dimensions are tuned together.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from assessments import explain
from assessments.aggregates import ClientMetrics
from assessments.choices import WEAK
from assessments.scoring import (
    COLLAPSE,
    COLLAPSE_MARGIN,
    DIMENSIONS,
    FULL_EVIDENCE,
    MEDIUM_EVIDENCE,
    MIN_FEELINGS,
    NEUTRAL,
    RELATIONAL,
    DimensionScore,
    Evidence,
    Health,
    Params,
    assess,
    band_of,
    combine,
    energy,
    payments,
    profitability,
    respect,
    scope,
    trust,
)

AS_OF = dt.date(2026, 11, 20)
TARGET = 100.0
EQUAL = dict.fromkeys(DIMENSIONS, 1)
PARAMS = Params(weights=EQUAL, target_rate=TARGET)
LANGUAGES = [code for code, _name in settings.LANGUAGES]

_WEIGHTED = (
    "entries",
    "contacts",
    "minutes",
    "billable_minutes",
    "feelings",
    "feeling_sum",
    "revenue",
    "invoices_due",
    "invoices_late",
    "days_late",
)


def metrics(**fields) -> ClientMetrics:
    """A client's aggregates as if everything happened today: each `w_` sum equals its plain
    count unless the test gives it."""
    m = ClientMetrics(client_id=1, **fields)
    for name in _WEIGHTED:
        if f"w_{name}" not in fields:
            setattr(m, f"w_{name}", float(getattr(m, name)))
    if "w_kinds" not in fields:
        m.w_kinds = {kind: float(count) for kind, count in m.kinds.items()}
    if "w_flags" not in fields:
        m.w_flags = {flag: float(count) for flag, count in m.flags.items()}
    return m


def good_client(**overrides) -> ClientMetrics:
    """A client who does the user good on every dimension (all in the 95-100 range), with
    plenty of evidence: 34 entries and 10 invoices."""
    fields = {
        "entries": 34,
        "contacts": 24,
        "minutes": 100 * 60,
        "billable_minutes": 100 * 60,
        "revenue": 11_875.0,  # 118.75 an hour against a target of 100
        "feelings": 20,
        "feeling_sum": 36,  # +1.8 on average
        "kinds": {"meeting": 12, "message": 11, "revision_request": 1, "deliverable": 10},
        "invoices": 10,
        "invoices_due": 10,
    }
    fields.update(overrides)
    return metrics(**fields)


def awful_client(scale: int = 1, **overrides) -> ClientMetrics:
    """Every entry is as bad as it gets: drained, disrespected, distrusted, out of scope and
    unpaid. `scale` multiplies the number of such entries."""
    fields = {
        "entries": 2 * scale,
        "contacts": 2 * scale,
        "minutes": 240 * scale,
        "billable_minutes": 0,
        "feelings": 2 * scale,
        "feeling_sum": -4 * scale,
        "feelings_low": 2 * scale,
        "kinds": {"dispute": scale, "complaint": scale},
        "flags": {"disrespect": 2 * scale, "distrust": 2 * scale, "out_of_scope": 2 * scale},
        "last_distrust_on": AS_OF,
    }
    fields.update(overrides)
    return metrics(**fields)


def dimensions(**scores: int | None) -> dict[str, DimensionScore]:
    """Dimension scores for `combine` and `Health`; a dimension not named has no data."""
    return {name: DimensionScore(scores.get(name), []) for name in DIMENSIONS}


def health(
    score: int, *, confidence: str = "high", evidence_count: int = 50, **scores: int
) -> Health:
    """A health result as `assess` would return it, for the suggestion rules."""
    return Health(
        score=score,
        band=band_of(score),
        confidence=confidence,
        dimensions=dimensions(**scores),
        evidence_count=evidence_count,
    )


def unrounded(result: Health) -> float:
    """The final score before rounding, rebuilt from the open-scoring breakdown."""
    contributions = sum(d.contribution for d in result.dimensions.values())
    return 100 + contributions + result.evidence_adjustment


def codes(dimension: DimensionScore) -> list[str]:
    return [evidence.code for evidence in dimension.evidence]


def evidence_of(dimension: DimensionScore, code: str) -> Evidence:
    found = [evidence for evidence in dimension.evidence if evidence.code == code]
    assert found, f"no {code!r} in {codes(dimension)}"
    return found[0]


# Bands ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "thriving"),
        (80, "thriving"),
        (79, "healthy"),
        (65, "healthy"),
        (64, "watch"),
        (50, "watch"),
        (49, "at_risk"),
        (35, "at_risk"),
        (34, "critical"),
        (0, "critical"),
    ],
)
def test_each_band_starts_exactly_at_its_threshold(score, band):
    assert band_of(score) == band


def test_the_band_comes_from_the_rounded_integer_score():
    # Energy at 68 and trust at 100, nothing else weighted: a mean between 79.5 and 80.
    weights = {**dict.fromkeys(DIMENSIONS, 0), "energy": 1, "trust": 1}
    assert 79.5 <= combine(dimensions(energy=68, trust=100), weights) < 80
    # 12 / (28 + the neutral prior of 2) = +0.4 on average: energy 68
    client = metrics(entries=30, contacts=30, feelings=28, feeling_sum=12)

    result = assess(client, Params(weights=weights, target_rate=TARGET), AS_OF)

    assert result.dimensions["energy"].score == 68
    assert result.dimensions["trust"].score == 100
    assert result.score == 80
    assert result.band == "thriving"


# No data, thin data and confidence -----------------------------------------------------------


def test_a_client_with_no_evidence_gets_the_neutral_score_with_low_confidence():
    result = assess(metrics(), PARAMS, AS_OF)

    assert result.score == NEUTRAL
    assert result.band == band_of(NEUTRAL)
    assert result.confidence == "low"
    assert not result.enough_data
    assert result.evidence_count == 0


def test_a_client_with_no_evidence_has_no_data_on_every_dimension_rather_than_zero():
    result = assess(metrics(), PARAMS, AS_OF)

    assert set(result.dimensions) == set(DIMENSIONS)
    assert all(d.score is None for d in result.dimensions.values())
    assert all(d.evidence == [] for d in result.dimensions.values())
    assert result.weakest is None


def test_a_dimension_without_data_leaves_the_mean_instead_of_counting_as_zero():
    scored = dimensions(profitability=90, respect=70, trust=100, scope=60, payments=80)
    with_energy_unknown = {**scored, "energy": DimensionScore(None, [])}

    assert combine(with_energy_unknown, EQUAL) == pytest.approx(combine(scored, EQUAL))
    assert combine(with_energy_unknown, EQUAL) > combine(
        {**scored, "energy": DimensionScore(0, [])}, EQUAL
    )


def test_a_client_who_never_logged_a_feeling_is_scored_as_if_energy_were_not_weighted():
    without_feelings = good_client(feelings=0, feeling_sum=0)
    with_drained_feelings = good_client(feeling_sum=-40, feelings_low=20)
    energy_ignored = Params(weights={**EQUAL, "energy": 0}, target_rate=TARGET)

    unknown = assess(without_feelings, PARAMS, AS_OF)

    assert unknown.dimensions["energy"].score is None
    assert unknown.score == assess(with_drained_feelings, energy_ignored, AS_OF).score
    assert unknown.score > assess(with_drained_feelings, PARAMS, AS_OF).score


@pytest.mark.parametrize(
    ("entries", "invoices", "confidence"),
    [
        (0, 0, "low"),
        (MEDIUM_EVIDENCE - 3, 2, "low"),
        (MEDIUM_EVIDENCE - 4, 4, "medium"),
        (MEDIUM_EVIDENCE, 0, "medium"),
        (FULL_EVIDENCE - 4, 3, "medium"),
        (FULL_EVIDENCE - 12, 12, "high"),
        (FULL_EVIDENCE, 0, "high"),
        (0, FULL_EVIDENCE, "high"),
    ],
)
def test_confidence_grows_with_entries_plus_invoices_at_the_evidence_edges(
    entries, invoices, confidence
):
    result = assess(metrics(entries=entries, invoices=invoices), PARAMS, AS_OF)

    assert result.evidence_count == entries + invoices
    assert result.confidence == confidence


def test_two_awful_entries_are_not_enough_to_call_a_client_critical():
    result = assess(awful_client(), PARAMS, AS_OF)

    assert result.evidence_count == 2
    assert result.band != "critical"
    assert result.confidence == "low"
    assert result.score < NEUTRAL  # pulled toward neutral, not past it


def test_what_two_awful_entries_say_is_still_visible_in_the_evidence():
    result = assess(awful_client(), PARAMS, AS_OF)

    assert evidence_of(result.dimensions["respect"], "disrespect").params["count"] == 2
    assert evidence_of(result.dimensions["trust"], "distrust").params["count"] == 2
    # Two feelings are too few to judge energy on, and it says so.
    assert evidence_of(result.dimensions["energy"], "few_feelings").params == {
        "count": 2,
        "needed": MIN_FEELINGS,
    }
    assert result.dimensions["energy"].score is None
    assert result.dimensions["respect"].score < COLLAPSE


def test_the_same_awful_pattern_with_enough_evidence_is_critical():
    result = assess(awful_client(scale=FULL_EVIDENCE), PARAMS, AS_OF)

    assert result.confidence == "high"
    assert result.band == "critical"
    assert result.evidence_adjustment == 0


def test_a_promising_start_is_pulled_toward_neutral_too():
    thin = assess(metrics(entries=3, contacts=3, feelings=3, feeling_sum=6), PARAMS, AS_OF)

    assert thin.dimensions["energy"].score >= 80
    assert NEUTRAL < thin.score < 65
    assert thin.evidence_adjustment < 0


# The weakest-link aggregate ------------------------------------------------------------------


def test_one_weak_dimension_gives_far_less_than_the_plain_average():
    scores = {**dict.fromkeys(DIMENSIONS, 95), "payments": 30}
    plain_average = sum(scores.values()) / len(scores)

    combined = combine(dimensions(**scores), EQUAL)

    assert band_of(round(plain_average)) == "thriving"
    assert combined <= plain_average - 20
    assert band_of(round(combined)) == "watch"


def test_a_client_who_drains_the_user_is_not_healthy_however_well_they_pay():
    drained = good_client(feeling_sum=-22)  # -22 / (20 + 2) = -1 on average: energy 30
    fine = assess(good_client(), PARAMS, AS_OF)

    result = assess(drained, PARAMS, AS_OF)
    scores = [d.score for d in result.dimensions.values()]

    assert result.dimensions["energy"].score == 30
    assert fine.band == "thriving"
    assert result.score <= sum(scores) / len(scores) - 20
    assert result.band not in ("thriving", "healthy")
    assert result.weakest == "energy"


@pytest.mark.parametrize("collapsed", RELATIONAL)
@pytest.mark.parametrize("score", [0, 10, COLLAPSE - 1])
def test_a_collapsed_relational_dimension_caps_the_score_whatever_the_others(collapsed, score):
    others_weigh_ten_times_more = {**dict.fromkeys(DIMENSIONS, 10), collapsed: 1}
    scores = {**dict.fromkeys(DIMENSIONS, 100), collapsed: score}

    combined = combine(dimensions(**scores), others_weigh_ten_times_more)

    assert combined == pytest.approx(score + COLLAPSE_MARGIN)


@pytest.mark.parametrize("low", RELATIONAL)
def test_the_relational_cap_has_no_cliff_at_the_collapse_line(low):
    def whole(score):
        return combine(dimensions(**{**dict.fromkeys(DIMENSIONS, 100), low: score}), EQUAL)

    assert whole(COLLAPSE) == COLLAPSE + COLLAPSE_MARGIN
    assert whole(COLLAPSE + 1) - whole(COLLAPSE - 1) <= 3
    # Out of the weak zone the cap no longer binds: the power mean alone decides.
    assert whole(60) == pytest.approx(combine(dimensions(**{
        **dict.fromkeys(DIMENSIONS, 100), "profitability": 60}), EQUAL))  # fmt: skip


def test_a_draining_client_just_above_the_collapse_line_is_not_healthy_however_well_they_pay():
    scores = {**dict.fromkeys(DIMENSIONS, 100), "energy": 33}
    assert band_of(round(combine(dimensions(**scores), EQUAL))) in ("watch", "at_risk")
    assert combine(dimensions(**scores), EQUAL) <= 55


@pytest.mark.parametrize("dimension", sorted(set(DIMENSIONS) - set(RELATIONAL)))
def test_a_low_business_dimension_drags_the_score_without_capping_it(dimension):
    scores = {**dict.fromkeys(DIMENSIONS, 100), dimension: 10}

    combined = combine(dimensions(**scores), EQUAL)

    assert 10 + COLLAPSE_MARGIN + 10 < combined < 80


def test_a_collapse_in_the_client_data_caps_the_assessed_score():
    disrespectful = good_client(flags={"disrespect": 12})  # respect collapses, all else fine

    result = assess(disrespectful, PARAMS, AS_OF)

    assert result.dimensions["respect"].score < COLLAPSE
    assert result.score == round(result.dimensions["respect"].score + COLLAPSE_MARGIN)
    assert result.band == "critical"
    assert result.weakest == "respect"


# Weights -------------------------------------------------------------------------------------


def test_a_weight_of_zero_removes_a_dimension_from_the_score():
    scores = {**dict.fromkeys(DIMENSIONS, 95), "payments": 30}
    without_payments = {**EQUAL, "payments": 0}

    assert combine(dimensions(**scores), without_payments) == pytest.approx(95)


def test_a_weight_of_zero_removes_even_a_collapsed_relational_dimension():
    scores = {**dict.fromkeys(DIMENSIONS, 95), "trust": 5}

    assert combine(dimensions(**scores), {**EQUAL, "trust": 0}) == pytest.approx(95)


def test_a_dimension_without_a_weight_counts_once():
    scores = dimensions(**{**dict.fromkeys(DIMENSIONS, 90), "scope": 50})

    assert combine(scores, {}) == pytest.approx(combine(scores, EQUAL))


def test_doubling_the_weight_of_a_low_dimension_pulls_the_score_down_toward_it():
    scores = dimensions(**{**dict.fromkeys(DIMENSIONS, 90), "energy": 40})

    single = combine(scores, EQUAL)
    double = combine(scores, {**EQUAL, "energy": 2})

    assert 40 < double < single


def test_doubling_the_weight_of_a_high_dimension_lifts_the_score_toward_it():
    scores = dimensions(**{**dict.fromkeys(DIMENSIONS, 60), "profitability": 100})

    single = combine(scores, EQUAL)
    double = combine(scores, {**EQUAL, "profitability": 2})

    assert single < double < 100


def test_scaling_every_weight_alike_changes_nothing():
    scores = dimensions(profitability=80, energy=55, respect=90, trust=70, scope=40, payments=100)

    assert combine(scores, dict.fromkeys(DIMENSIONS, 3)) == pytest.approx(combine(scores, EQUAL))


# Open scoring: contributions -----------------------------------------------------------------

BREAKDOWN_CASES = {
    "good": good_client(),
    "drained": good_client(feeling_sum=-16),
    "disrespectful (capped)": good_client(flags={"disrespect": 12}),
    "thin and awful": awful_client(),
    "medium evidence": awful_client(scale=5),
    "no target rate": good_client(),
    "late payer": good_client(invoices_late=8, days_late=160),
}


@pytest.mark.parametrize("case", BREAKDOWN_CASES)
def test_contributions_and_the_evidence_adjustment_add_up_to_the_score(case):
    params = Params(weights=EQUAL) if case == "no target rate" else PARAMS

    result = assess(BREAKDOWN_CASES[case], params, AS_OF)

    assert abs(unrounded(result) - result.score) <= 0.5


@pytest.mark.parametrize("case", BREAKDOWN_CASES)
def test_no_dimension_contributes_points_above_100_and_one_without_data_contributes_none(case):
    params = Params(weights=EQUAL) if case == "no target rate" else PARAMS

    result = assess(BREAKDOWN_CASES[case], params, AS_OF)

    for dimension in result.dimensions.values():
        assert dimension.contribution <= 0
        if dimension.score is None:
            assert dimension.contribution == 0


def test_the_lowest_dimension_costs_the_most_points():
    result = assess(good_client(invoices_late=8, days_late=160), PARAMS, AS_OF)

    costliest = min(result.dimensions, key=lambda name: result.dimensions[name].contribution)

    assert result.weakest == "payments"
    assert costliest == "payments"


def test_a_collapsed_dimension_carries_the_whole_cap_in_its_contribution():
    result = assess(good_client(flags={"disrespect": 12}), PARAMS, AS_OF)
    others = sum(d.contribution for name, d in result.dimensions.items() if name != "respect")

    assert result.dimensions["respect"].contribution < 0
    assert abs(result.dimensions["respect"].contribution) > 5 * abs(others)


def test_the_breakdown_adds_up_for_a_client_with_no_evidence():
    result = assess(metrics(), PARAMS, AS_OF)

    assert abs(unrounded(result) - result.score) <= 0.5


# Profitability -------------------------------------------------------------------------------


def test_profitability_has_no_score_without_a_target_rate_and_says_so():
    result = profitability(good_client(), Params(weights=EQUAL, target_rate=None))

    assert result.score is None
    assert codes(result) == ["no_target_rate"]


def test_without_a_target_rate_unbilled_time_is_still_reported():
    client = metrics(entries=4, minutes=600, billable_minutes=300)

    result = profitability(client, Params(weights=EQUAL, target_rate=None))

    assert result.score is None
    assert evidence_of(result, "unbilled_share").params == {"percent": 50, "hours": 5.0}


def test_profitability_has_no_data_without_time_and_names_revenue_without_time():
    with_invoice = profitability(metrics(invoices=2, revenue=800.0), PARAMS)
    with_nothing = profitability(metrics(), PARAMS)

    assert with_invoice.score is None
    assert codes(with_invoice) == ["revenue_without_time"]
    assert with_nothing.score is None
    assert with_nothing.evidence == []


def test_profitability_reads_the_recent_rate_not_the_overall_one():
    # 100 hours at exactly the target over the window, but recently: 25 weighted hours for
    # 600 of weighted revenue, 24 an hour (the apprentice who paid once and keeps asking).
    client = metrics(
        entries=30,
        minutes=6000,
        billable_minutes=6000,
        revenue=10_000.0,
        w_minutes=1500.0,
        w_billable_minutes=1500.0,
        w_revenue=600.0,
    )

    result = profitability(client, Params(weights=EQUAL, target_rate=TARGET, currency="BRL"))

    assert result.score < 30
    assert evidence_of(result, "rate_vs_target").params == {
        "rate": 24.0,
        "target": 100.0,
        "percent": 24,
        "currency": "BRL",
    }
    assert evidence_of(result, "rate_overall").params == {
        "rate": 100.0,
        "hours": 100.0,
        "currency": "BRL",
    }


def test_a_client_who_now_pays_well_scores_well_on_profitability_despite_a_poor_past():
    client = metrics(
        entries=30,
        minutes=6000,
        billable_minutes=6000,
        revenue=3000.0,
        w_minutes=1500.0,
        w_billable_minutes=1500.0,
        w_revenue=3000.0,  # 120 an hour recently
    )

    assert profitability(client, PARAMS).score >= 90


def profitability_at(hourly: float) -> int:
    client = metrics(entries=10, minutes=600, billable_minutes=600, revenue=10 * hourly)
    return profitability(client, PARAMS).score


def test_profitability_rises_with_the_rate_from_nothing_to_full_marks():
    scores = [profitability_at(hourly) for hourly in (0, 20, 50, 80, 100, 110, 124)]

    assert scores[0] == 0
    assert scores == sorted(set(scores))  # strictly rising
    assert profitability_at(1.25 * TARGET) == profitability_at(2 * TARGET) == 100


def test_unbilled_time_is_reported_once_it_is_a_noticeable_share():
    little = profitability(metrics(entries=5, minutes=1000, billable_minutes=900), PARAMS)
    much = profitability(metrics(entries=5, minutes=1000, billable_minutes=750), PARAMS)

    assert "unbilled_share" not in codes(little)
    assert evidence_of(much, "unbilled_share").params == {"percent": 25, "hours": 4.2}


# Energy --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("average", "expected"),
    [(2, 100), (1, 80), (0.5, 70), (0, 60), (-0.5, 45), (-1, 30), (-2, 0)],
)
def test_energy_follows_the_average_feeling_from_drained_to_energised(average, expected):
    # Eight recent feelings and the neutral prior of two: the sum is ten times the average.
    client = metrics(feelings=8, feeling_sum=round(10 * average), w_feeling_sum=10.0 * average)
    assert energy(client).score == expected


def test_neutral_contact_is_fine_not_weak():
    assert energy(metrics(feelings=12, feeling_sum=0)).score == 60 >= WEAK


def test_a_few_new_feelings_do_not_swing_energy_on_their_own():
    # Two drained entries after ten good ones: lower, but far from collapsed.
    good = metrics(feelings=10, feeling_sum=10)
    then = metrics(feelings=12, feeling_sum=7, feelings_low=2)
    assert energy(good).score - energy(then).score <= 10
    assert energy(then).score >= WEAK


@pytest.mark.parametrize(("count", "recent"), [(2, 2.0), (3, 2.0), (5, 1.0)])
def test_too_few_recent_feelings_leave_energy_unscored_and_say_so(count, recent):
    client = metrics(feelings=count, feeling_sum=-2 * count, w_feelings=recent)
    result = energy(client)
    assert result.score is None
    assert [e.code for e in result.evidence] == ["few_feelings"]


def test_energy_has_no_data_when_no_feeling_was_logged():
    result = energy(metrics(entries=10, contacts=10))

    assert result.score is None
    assert result.evidence == []


def test_energy_evidence_gives_the_plain_average_and_how_many_entries_left_the_user_low():
    result = energy(metrics(feelings=5, feeling_sum=-7, feelings_low=3))

    assert evidence_of(result, "feeling_average").params == {"average": -1.4, "count": 5}
    assert evidence_of(result, "feelings_low").params == {"count": 3, "total": 5}


def test_a_recovering_client_is_seen_recovering_on_energy():
    # Drained on the whole, but the recent (heavier) entries are good.
    client = metrics(feelings=10, feeling_sum=-10, w_feelings=4.0, w_feeling_sum=4.0)

    result = energy(client)

    assert result.score >= 70
    assert evidence_of(result, "feeling_average").params["average"] == -1.0


# Respect -------------------------------------------------------------------------------------


def test_respect_has_no_data_without_contact():
    assert respect(metrics(entries=5, kinds={"work_session": 5})).score is None


def test_respect_without_issues_is_full_and_says_so():
    result = respect(metrics(entries=12, contacts=12))

    assert result.score == 100
    assert evidence_of(result, "no_respect_issues").params == {"contacts": 12}


def test_respect_evidence_counts_each_kind_of_issue_against_the_contacts():
    client = metrics(
        entries=20,
        contacts=20,
        kinds={"dispute": 2, "complaint": 1},
        flags={"disrespect": 1, "unreasonable_demand": 3},
    )

    result = respect(client)

    assert {e.code: e.params for e in result.evidence} == {
        "disrespect": {"count": 1, "contacts": 20},
        "dispute": {"count": 2, "contacts": 20},
        "complaint": {"count": 1, "contacts": 20},
        "unreasonable_demand": {"count": 3, "contacts": 20},
    }
    assert result.score < 50


def test_disrespect_weighs_more_than_a_complaint():
    disrespect = respect(metrics(entries=10, contacts=10, flags={"disrespect": 1}))
    complaint = respect(metrics(entries=10, contacts=10, kinds={"complaint": 1}))

    assert disrespect.score < complaint.score < 100


def test_one_complaint_weighs_less_among_many_contacts():
    few = respect(metrics(entries=5, contacts=5, kinds={"complaint": 1}))
    many = respect(metrics(entries=40, contacts=40, kinds={"complaint": 1}))

    assert few.score < many.score


def test_appreciation_is_counted_from_praise_and_gratitude_and_lifts_respect():
    grumpy = metrics(entries=10, contacts=10, kinds={"complaint": 1})
    grateful = metrics(
        entries=10, contacts=10, kinds={"complaint": 1, "praise": 2}, flags={"gratitude": 1}
    )

    result = respect(grateful)

    assert evidence_of(result, "appreciation").params == {"count": 3}
    assert result.score > respect(grumpy).score


# Trust ---------------------------------------------------------------------------------------


def test_trust_is_full_without_distrust_and_says_in_how_many_contacts():
    result = trust(metrics(entries=9, contacts=9), AS_OF)

    assert result.score == 100
    assert result.evidence == [Evidence("no_distrust", {"contacts": 9})]


def test_trust_evidence_says_how_many_days_ago_distrust_was_last_logged():
    client = metrics(
        entries=10,
        contacts=10,
        flags={"distrust": 2},
        last_distrust_on=AS_OF - dt.timedelta(days=17),
    )

    result = trust(client, AS_OF)

    assert result.evidence == [Evidence("distrust", {"count": 2, "days_ago": 17})]
    assert result.score < 100


def test_more_distrust_means_less_trust_and_old_distrust_fades():
    def trust_with(weighted: float) -> int:
        client = metrics(
            entries=10,
            contacts=10,
            flags={"distrust": 3},
            w_flags={"distrust": weighted},
            last_distrust_on=AS_OF,
        )
        return trust(client, AS_OF).score

    assert trust_with(3.0) < trust_with(1.0) < trust_with(0.1) < 100


def test_trust_has_no_data_without_contact():
    assert trust(metrics(entries=3, kinds={"deliverable": 3}), AS_OF).score is None


# Scope ---------------------------------------------------------------------------------------


def test_scope_evidence_counts_changes_per_deliverable():
    client = metrics(
        entries=12,
        contacts=8,
        kinds={"revision_request": 4, "scope_change": 1, "support_request": 2, "deliverable": 2},
        flags={"out_of_scope": 1, "unclear_brief": 2},
    )

    result = scope(client)

    assert {e.code: e.params for e in result.evidence} == {
        "revisions": {"count": 4, "deliverables": 2},
        "scope_changes": {"count": 1, "deliverables": 2},
        "out_of_scope": {"count": 1, "deliverables": 2},
        "support_requests": {"count": 2, "deliverables": 2},
        "unclear_brief": {"count": 2},
    }
    assert result.score < 50


def test_scope_without_creep_is_full_and_says_so():
    result = scope(metrics(entries=5, kinds={"deliverable": 5}))

    assert result.score == 100
    assert result.evidence == [Evidence("no_scope_creep", {"deliverables": 5})]


def test_more_revisions_per_deliverable_mean_a_lower_scope_score():
    few = scope(metrics(entries=12, kinds={"revision_request": 2, "deliverable": 10}))
    many = scope(metrics(entries=12, kinds={"revision_request": 10, "deliverable": 2}))

    assert many.score < few.score < 100


def test_mostly_unbilled_time_lowers_the_scope_score():
    billed = metrics(entries=5, kinds={"deliverable": 5}, minutes=600, billable_minutes=600)
    unbilled = metrics(entries=5, kinds={"deliverable": 5}, minutes=600, billable_minutes=60)

    assert scope(unbilled).score < scope(billed).score


def test_scope_has_no_data_without_entries():
    assert scope(metrics(invoices=3)).score is None


# Payments ------------------------------------------------------------------------------------


def test_payments_evidence_says_how_many_invoices_were_late_and_by_how_much():
    client = metrics(invoices=5, invoices_due=5, invoices_late=4, days_late=68)

    result = payments(client, PARAMS)

    assert result.evidence == [Evidence("late_invoices", {"late": 4, "due": 5, "days": 17})]
    assert result.score < 50


def test_payments_are_full_when_every_invoice_due_was_paid_on_time():
    result = payments(metrics(invoices=6, invoices_due=5), PARAMS)

    assert result.score == 100
    assert result.evidence == [Evidence("paid_on_time", {"count": 5})]


def test_an_overdue_amount_lowers_payments_and_is_named_with_its_currency():
    late = {"invoices": 5, "revenue": 5000.0, "invoices_due": 5, "invoices_late": 1}
    paid_since = metrics(days_late=10, **late)
    still_owed = metrics(days_late=10, overdue_amount=1000.0, **late)

    result = payments(still_owed, Params(weights=EQUAL, target_rate=TARGET, currency="BRL"))

    assert evidence_of(result, "overdue").params == {"amount": 1000.0, "currency": "BRL"}
    assert result.score < payments(paid_since, PARAMS).score


def test_later_payments_mean_a_lower_payments_score():
    def paid(late: int, days: int) -> int:
        client = metrics(invoices=5, invoices_due=5, invoices_late=late, days_late=days)
        return payments(client, PARAMS).score

    assert paid(4, 120) < paid(4, 20) < paid(1, 5) < paid(0, 0) == 100


def test_payments_have_no_data_while_nothing_is_due():
    issued = payments(metrics(invoices=3, revenue=900.0), PARAMS)

    assert issued.score is None
    assert issued.evidence == [Evidence("nothing_due_yet", {"count": 3})]
    assert payments(metrics(), PARAMS).evidence == []


# Every piece of evidence reads as a sentence -------------------------------------------------

EVIDENCE_SAMPLES = {
    "good": (
        good_client(
            kinds={"meeting": 12, "message": 12, "deliverable": 10}, flags={"gratitude": 2}
        ),
        PARAMS,
    ),
    "awful": (awful_client(scale=5), PARAMS),
    "no target, unbilled": (good_client(billable_minutes=3000), Params(weights=EQUAL)),
    "creeping": (
        good_client(
            kinds={
                "meeting": 10,
                "revision_request": 6,
                "scope_change": 2,
                "support_request": 3,
                "deliverable": 2,
                "praise": 1,
            },
            flags={"out_of_scope": 2, "unclear_brief": 1, "unreasonable_demand": 1},
        ),
        PARAMS,
    ),
    "late payer": (
        good_client(invoices_late=4, days_late=70, overdue_amount=1234.5, revenue=9000.0),
        PARAMS,
    ),
    "invoices only": (metrics(invoices=2, revenue=500.0), PARAMS),
    "two feelings": (metrics(entries=2, contacts=2, feelings=2, feeling_sum=-2), PARAMS),
    "hourly, not invoiced yet": (
        good_client(
            revenue=0.0,
            invoices=0,
            invoices_due=0,
            uninvoiced_minutes=600,
            w_uninvoiced_minutes=600.0,
            hourly_rate=90.0,
            kinds={"support_request": 6, "meeting": 4},
            paid_kinds={"support_request": 6},
            w_paid_kinds={"support_request": 6.0},
        ),
        PARAMS,
    ),
}

DIMENSION_CODES = {
    "revenue_without_time",
    "rate_vs_target",
    "rate_overall",
    "not_invoiced_yet",
    "no_target_rate",
    "unbilled_share",
    "feeling_average",
    "feelings_low",
    "few_feelings",
    "disrespect",
    "dispute",
    "complaint",
    "unreasonable_demand",
    "no_respect_issues",
    "appreciation",
    "no_distrust",
    "distrust",
    "revisions",
    "scope_changes",
    "out_of_scope",
    "support_requests",
    "paid_requests",
    "no_scope_creep",
    "unclear_brief",
    "nothing_due_yet",
    "late_invoices",
    "paid_on_time",
    "overdue",
}


def _assessed_evidence() -> list[Evidence]:
    found = []
    for client, params in EVIDENCE_SAMPLES.values():
        for dimension in assess(client, params, AS_OF).dimensions.values():
            found.extend(dimension.evidence)
    return found


def test_the_samples_below_produce_every_kind_of_evidence():
    assert {e.code for e in _assessed_evidence()} == DIMENSION_CODES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_piece_of_evidence_reads_as_a_sentence(language):
    with translation.override(language):
        for evidence in _assessed_evidence():
            text = explain.sentence(evidence)
            assert text.strip(), evidence
            assert "%(" not in text, (evidence, text)
            assert explain.sentence(evidence.to_json()) == text  # as stored in a snapshot


def test_disrespect_logged_on_the_users_own_work_still_counts_against_respect_and_trust():
    """A rude comment on a delivery is logged on a work session: it must not be lost because
    no call or message was logged."""
    rude = metrics(
        entries=10,
        kinds={"work_session": 10},
        flags={"disrespect": 6, "distrust": 3},
        last_distrust_on=AS_OF,
    )
    assert respect(rude).score is not None and respect(rude).score < 30
    assert respect(rude).evidence[0].params == {"count": 6, "contacts": 6}
    assert trust(rude, AS_OF).score is not None and trust(rude, AS_OF).score < 50
    quiet = metrics(entries=10, kinds={"work_session": 10})
    assert respect(quiet).score is None and trust(quiet, AS_OF).score is None
