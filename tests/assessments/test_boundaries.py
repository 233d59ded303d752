"""The user's own lines, as pure functions: when one client's plain facts cross one boundary,
at, just under and just over its threshold. No database: `assessments.boundaries` never
touches the ORM."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from assessments import explain
from assessments.boundaries import (
    DEFAULTS,
    MIN_HOURS,
    SPAN_IN_DAYS,
    Crossing,
    Facts,
    Line,
    crossing,
)
from assessments.scoring import Evidence

AS_OF = dt.date(2026, 11, 20)
TARGET = 100.0
CLIENT = 7
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def line(kind: str, threshold: float | None = None, **changes) -> Line:
    """The workspace default line of this kind, as `alerts` hands it over (a float threshold),
    with the given changes."""
    default_threshold, span, severity = DEFAULTS[kind]
    fields = {
        "kind": kind,
        "threshold": float(default_threshold if threshold is None else threshold),
        "span": span,
        "severity": severity,
    }
    fields.update(changes)
    return Line(**fields)


def facts(client_id: int = CLIENT, **fields) -> Facts:
    return Facts(client_id=client_id, status=fields.pop("status", "active"), **fields)


def cross(
    boundary: Line, client: Facts, *, target_rate: float | None = TARGET, currency: str = "EUR"
) -> Crossing | None:
    return crossing(boundary, client, as_of=AS_OF, target_rate=target_rate, currency=currency)


def days_ago(days: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days)


# Effective rate below target -----------------------------------------------------------------


def at_rate(hourly: float, hours: float = 10) -> Facts:
    minutes = round(hours * 60)
    earned = hourly * minutes / 60
    return facts(minutes=minutes, billable_minutes=minutes, revenue=earned, earned=earned)


def test_a_rate_under_the_line_crosses_it_and_says_by_how_much():
    result = cross(line("rate_below_target", 60), at_rate(45), currency="BRL")

    assert result == Crossing(
        "rate_below_target",
        "warning",
        Evidence(
            "alert_rate_below_target",
            {"rate": 45.0, "target": 100.0, "currency": "BRL", "percent": 45, "threshold": 60},
        ),
    )


@pytest.mark.parametrize(("hourly", "crosses"), [(59.9, True), (60, False), (60.1, False)])
def test_the_rate_line_is_crossed_only_strictly_under_its_share_of_the_target(hourly, crosses):
    assert (cross(line("rate_below_target", 60), at_rate(hourly)) is not None) is crosses


def test_the_rate_line_reads_its_threshold_as_a_percentage_of_the_target():
    assert cross(line("rate_below_target", 80), at_rate(70), target_rate=80) is None
    assert cross(line("rate_below_target", 80), at_rate(70), target_rate=100) is not None


@pytest.mark.parametrize("target_rate", [None, 0])
def test_the_rate_line_is_never_crossed_without_a_target_rate(target_rate):
    nothing_earned = at_rate(0, hours=40)

    assert cross(line("rate_below_target"), nothing_earned, target_rate=target_rate) is None


def test_the_rate_line_needs_a_few_hours_of_work_before_judging():
    just_enough = facts(minutes=MIN_HOURS * 60, billable_minutes=0, revenue=0.0)
    not_enough = facts(minutes=MIN_HOURS * 60 - 1, billable_minutes=0, revenue=0.0)

    assert cross(line("rate_below_target"), not_enough) is None
    assert cross(line("rate_below_target"), just_enough) is not None


# Unbilled share ------------------------------------------------------------------------------


@pytest.mark.parametrize(("billable", "crosses"), [(354, True), (360, False), (400, False)])
def test_unbilled_time_crosses_the_line_only_above_its_share(billable, crosses):
    # 600 minutes: 41 %, exactly 40 % and 33 % unbilled against a line at 40 %.
    client = facts(minutes=600, billable_minutes=billable)

    assert (cross(line("unbilled_share", 40), client) is not None) is crosses


def test_the_unbilled_share_evidence_gives_the_share_and_the_line():
    result = cross(line("unbilled_share", 40), facts(minutes=600, billable_minutes=150))

    assert result.evidence == Evidence("alert_unbilled_share", {"percent": 75, "threshold": 40})
    assert result.severity == "info"


def test_the_unbilled_share_needs_a_few_hours_of_work_before_judging():
    all_unbilled = facts(minutes=MIN_HOURS * 60 - 1, billable_minutes=0)

    assert cross(line("unbilled_share", 40), all_unbilled) is None
    assert cross(line("unbilled_share", 40), facts(minutes=MIN_HOURS * 60)) is not None


# Late invoices -------------------------------------------------------------------------------


@pytest.mark.parametrize(("late", "crosses"), [(0, False), (1, False), (2, True), (5, True)])
def test_late_invoices_cross_the_line_from_its_threshold_on(late, crosses):
    result = cross(line("late_invoices", 2), facts(invoices=6, invoices_late=late))

    assert (result is not None) is crosses
    if crosses:
        assert result.evidence == Evidence("alert_late_invoices", {"count": late})


def test_a_late_invoices_line_at_zero_still_needs_one_late_invoice():
    assert cross(line("late_invoices", 0), facts(invoices=4, invoices_late=0)) is None
    assert cross(line("late_invoices", 0), facts(invoices=4, invoices_late=1)) is not None


# Disrespect ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "crosses"), [(0, False), (1, True), (3, True)])
def test_any_disrespect_in_the_span_crosses_the_default_line(count, crosses):
    result = cross(line("disrespect"), facts(recent={"disrespect": count}))

    assert (result is not None) is crosses
    if crosses:
        assert result.severity == "critical"
        assert result.evidence == Evidence("alert_disrespect", {"count": count, "days": 30})


def test_a_disrespect_line_at_two_is_crossed_from_the_second_flag_on():
    assert cross(line("disrespect", 2), facts(recent={"disrespect": 1})) is None
    assert cross(line("disrespect", 2), facts(recent={"disrespect": 2})) is not None


def test_other_recent_counts_do_not_cross_the_disrespect_line():
    assert cross(line("disrespect"), facts(recent={"out_of_hours": 9})) is None


# Low feeling ---------------------------------------------------------------------------------


def test_low_feeling_needs_as_many_feelings_as_the_span():
    four_drained = facts(last_feelings=[-2, -2, -2, -2])

    assert cross(line("low_feeling", -0.5, span=5), four_drained) is None
    assert cross(line("low_feeling", -0.5, span=4), four_drained) is not None


@pytest.mark.parametrize(
    ("feelings", "crosses"),
    [
        ([-1, -1, -1, 0], True),  # -0.75
        ([-1, -1, 0, 0], False),  # exactly -0.5
        ([-1, 0, 0, 0], False),  # -0.25
    ],
)
def test_low_feeling_crosses_only_strictly_under_the_threshold(feelings, crosses):
    result = cross(line("low_feeling", -0.5, span=4), facts(last_feelings=feelings))

    assert (result is not None) is crosses


def test_low_feeling_reads_only_the_latest_entries():
    recovered = facts(last_feelings=[1, 1, 0, 1, 2, -2, -2, -2, -2, -2])  # newest first
    relapsed = facts(last_feelings=[-2, -2, -1, -2, -1, 2, 2, 2, 2, 2])

    assert cross(line("low_feeling", -0.5, span=5), recovered) is None
    result = cross(line("low_feeling", -0.5, span=5), relapsed)
    assert result.evidence == Evidence("alert_low_feeling", {"average": -1.6, "count": 5})


# Out of hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "crosses"), [(3, False), (4, False), (5, True), (12, True)])
def test_out_of_hours_contacts_cross_the_line_only_above_its_threshold(count, crosses):
    result = cross(line("out_of_hours", 4, span=30), facts(recent={"out_of_hours": count}))

    assert (result is not None) is crosses
    if crosses:
        assert result.evidence == Evidence("alert_out_of_hours", {"count": count, "days": 30})


# Score drop ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trend", "crosses"), [(None, False), (20, False), (0, False), (-14, False), (-15, True)]
)
def test_a_score_drop_crosses_the_line_from_its_threshold_on(trend, crosses):
    assert (cross(line("score_drop", 15), facts(trend_30d=trend)) is not None) is crosses


def test_the_score_drop_evidence_counts_the_points_lost():
    result = cross(line("score_drop", 15), facts(trend_30d=-22))

    assert result.evidence == Evidence("alert_score_drop", {"points": 22})


# No contact ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("silent_days", "crosses"), [(0, False), (29, False), (30, True)])
def test_silence_crosses_the_line_after_as_many_days_as_its_threshold(silent_days, crosses):
    client = facts(last_contact_on=days_ago(silent_days), since_on=days_ago(400))

    result = cross(line("no_contact", 30), client)

    assert (result is not None) is crosses
    if crosses:
        assert result.evidence == Evidence("alert_no_contact", {"days": 30, "ever": True})


def test_silence_counts_from_the_last_contact_not_from_when_the_client_was_added():
    client = facts(last_contact_on=days_ago(10), since_on=days_ago(400))

    assert cross(line("no_contact", 30), client) is None


@pytest.mark.parametrize(("added_days_ago", "crosses"), [(29, False), (30, True), (90, True)])
def test_silence_counts_from_when_the_client_was_added_when_there_was_never_a_contact(
    added_days_ago, crosses
):
    client = facts(status="prospect", last_contact_on=None, since_on=days_ago(added_days_ago))

    result = cross(line("no_contact", 30), client)

    assert (result is not None) is crosses
    if crosses:
        assert result.evidence == Evidence(
            "alert_no_contact", {"days": added_days_ago, "ever": False}
        )


def test_silence_is_not_judged_without_any_date_to_count_from():
    assert cross(line("no_contact", 0), facts(last_contact_on=None, since_on=None)) is None


@pytest.mark.parametrize("status", ["paused", "offboarding", "ended"])
def test_silence_only_matters_for_prospects_and_active_clients(status):
    client = facts(status=status, last_contact_on=days_ago(365), since_on=days_ago(400))

    assert cross(line("no_contact", 30), client) is None


def test_the_silence_evidence_reads_differently_with_and_without_a_past_contact():
    ever = cross(line("no_contact"), facts(last_contact_on=days_ago(45)))
    never = cross(line("no_contact"), facts(since_on=days_ago(45)))

    with translation.override("en"):
        assert explain.sentence(ever.evidence) != explain.sentence(never.evidence)
        assert "45" in explain.sentence(ever.evidence)
        assert "45" in explain.sentence(never.evidence)


# Every kind: muting, severity and the sentence -----------------------------------------------

CROSSING_FACTS = {
    "rate_below_target": dict(minutes=600, billable_minutes=600, revenue=300.0, earned=300.0),
    "unbilled_share": dict(minutes=600, billable_minutes=120),
    "late_invoices": dict(invoices=4, invoices_late=3),
    "disrespect": dict(recent={"disrespect": 2}),
    "low_feeling": dict(last_feelings=[-2, -1, -2, -1, -2]),
    "out_of_hours": dict(recent={"out_of_hours": 7}),
    "score_drop": dict(trend_30d=-31),
    "no_contact": dict(last_contact_on=days_ago(61), since_on=days_ago(300)),
}


def test_there_are_facts_below_that_cross_every_default_line():
    assert set(CROSSING_FACTS) == set(DEFAULTS)


@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_a_crossing_carries_the_kind_and_severity_of_its_line(kind):
    result = cross(line(kind, severity="critical"), facts(**CROSSING_FACTS[kind]))

    assert result.kind == kind
    assert result.severity == "critical"


@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_a_client_muted_on_a_line_never_crosses_it(kind):
    muted = line(kind, muted_client_ids=frozenset({CLIENT}))

    assert cross(muted, facts(**CROSSING_FACTS[kind])) is None
    assert cross(muted, facts(client_id=CLIENT + 1, **CROSSING_FACTS[kind])) is not None


@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_no_default_line_is_crossed_by_a_client_with_nothing_logged(kind):
    assert cross(line(kind), facts(since_on=AS_OF)) is None


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_every_crossing_reads_as_a_sentence(kind, language):
    result = cross(line(kind), facts(**CROSSING_FACTS[kind]))

    with translation.override(language):
        text = explain.sentence(result.evidence)
        assert text.strip()
        assert "%(" not in text
        assert explain.sentence(result.evidence.to_json()) == text  # as an Alert stores it


@pytest.mark.parametrize("kind", sorted(SPAN_IN_DAYS))
def test_a_day_spanned_line_without_a_span_still_reads_as_a_sentence(kind):
    result = cross(line(kind, span=None), facts(**CROSSING_FACTS[kind]))

    with translation.override("en"):
        assert "30" in explain.sentence(result.evidence)
