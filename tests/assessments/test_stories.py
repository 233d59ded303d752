"""Client stories through the whole pipeline (SQL aggregates, pure scoring, the advice ladder):
for each rule of the ladder and each fair reading, a story that proves it and one that proves
its opposite. The stories are data (`stories.py`); the workspace is real."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from accounts.models import Role
from assessments.services import agreed_step_record, assess_clients
from tests.assessments.stories import AS_OF, WEEKLY_WORK, Invoices, Story, Stream, build, good
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(workspace, owner):
    workspace.target_hourly_rate = Decimal("60")
    workspace.save()
    teammate = MembershipFactory(
        workspace=workspace, role=Role.MEMBER, user=UserFactory(name="Carla")
    ).user
    return workspace, owner, teammate


NAMES = itertools.count()


def assess(agency, story: Story, *, others: int = 200_000, agreed=None):
    """The story's client assessed as of AS_OF, next to the rest of a portfolio that brought
    `others` in the window (so the story's client is a small share unless told otherwise)."""
    workspace, owner, teammate = agency
    number = next(NAMES)
    client = build(story, workspace, owner, teammate, name=f"Story {number}")
    ids = [client.pk]
    if others:
        rest = Story(good(), invoices=Invoices(start=150, end=30, every=30, amount=others // 5))
        ids.append(build(rest, workspace, owner, teammate, name=f"The rest {number}").pk)
    if agreed:
        agreed_step_record(client=client, **agreed)
    return assess_clients(workspace=workspace, as_of=AS_OF, client_ids=ids)[client.pk]


def reading(assessment) -> tuple:
    health = assessment.health
    return (
        health.score,
        health.band,
        {name: d.score for name, d in health.dimensions.items()},
        assessment.suggestion,
        assessment.reason,
    )


def evidence_codes(assessment, dimension: str) -> list[str]:
    return [e.code for e in assessment.health.dimensions[dimension].evidence]


# Renegotiate: what is wrong is the money or the scope ------------------------------------------

ENDLESS_REVISIONS = Story(
    WEEKLY_WORK
    + good()
    + (Stream(120, every=3, kind="revision_request", feeling=-1, flags=("out_of_scope",)),),
    billing="fixed",
    rate="3000",
    invoices=Invoices(start=160, end=160, amount=3000),
)


def test_a_fixed_price_client_whose_revisions_never_stop_is_told_to_renegotiate(agency):
    assessment = assess(agency, ENDLESS_REVISIONS)
    assert assessment.health.weakest in ("scope", "profitability"), reading(assessment)
    assert assessment.suggestion == "renegotiate", reading(assessment)


def test_the_same_revisions_billed_by_the_hour_are_the_work_and_read_fine(agency):
    billed = Story(
        WEEKLY_WORK
        + good()
        + (Stream(120, every=3, kind="revision_request", feeling=1, billable=True),),
        rate="80",
    )
    assessment = assess(agency, billed)
    assert assessment.health.dimensions["scope"].score >= 80, reading(assessment)
    assert "paid_requests" in evidence_codes(assessment, "scope")
    assert assessment.suggestion == "keep", reading(assessment)


IT_SUPPORT = Story(
    (
        Stream(175, every=2, kind="support_request", feeling=1, billable=True, minutes=45),
        Stream(174, every=14, kind="meeting", feeling=1, billable=True, minutes=30),
    ),
    rate="55",
    invoices=Invoices(amount=1200),
)


def test_support_billed_and_paid_by_the_hour_is_an_it_freelancers_job_not_creep(agency):
    assessment = assess(agency, IT_SUPPORT)
    assert assessment.health.dimensions["scope"].score >= 90, reading(assessment)
    assert assessment.suggestion == "keep", reading(assessment)


def test_the_same_support_given_for_free_is_creep_and_calls_for_renegotiating(agency):
    free = Story(
        (
            Stream(175, every=2, kind="support_request", feeling=0, billable=False, minutes=45),
            Stream(174, every=14, kind="meeting", feeling=1, billable=True, minutes=30),
        ),
        rate="55",
        invoices=Invoices(amount=300),
    )
    assessment = assess(agency, free)
    assert assessment.health.dimensions["scope"].score < 50, reading(assessment)
    assert assessment.suggestion == "renegotiate", reading(assessment)


# Earned money: billable work not invoiced yet --------------------------------------------------


def test_an_hourly_client_with_billable_work_and_no_invoice_yet_is_earning(agency):
    unbilled_yet = Story(good() + WEEKLY_WORK, rate="90", invoices=None)
    assessment = assess(agency, unbilled_yet)
    metrics = assessment.metrics
    assert metrics.revenue == 0 and metrics.earned > 0
    profitability = assessment.health.dimensions["profitability"]
    assert profitability.score >= 65, reading(assessment)
    assert "not_invoiced_yet" in evidence_codes(assessment, "profitability")
    rate = next(e for e in profitability.evidence if e.code == "rate_vs_target")
    assert rate.params["rate"] > 0
    assert assessment.suggestion == "keep", reading(assessment)


def test_the_same_hours_logged_as_not_billable_earn_nothing_and_say_so(agency):
    unpaid = Story(
        tuple(
            Stream(s.start, s.end, s.every, s.kind, s.feeling, False, s.minutes)
            for s in WEEKLY_WORK + good()
        ),
        rate="90",
        invoices=None,
    )
    assessment = assess(agency, unpaid)
    assert assessment.metrics.earned == 0
    assert assessment.health.dimensions["profitability"].score == 0, reading(assessment)
    assert assessment.suggestion == "renegotiate", reading(assessment)


def test_work_already_invoiced_is_not_counted_twice(agency):
    invoiced = Story(good() + WEEKLY_WORK, rate="90", invoices=Invoices(start=150, end=0))
    assessment = assess(agency, invoiced)
    # Only what came after the invoice issued today is "not invoiced yet": nothing.
    assert assessment.metrics.uninvoiced_minutes == 0
    assert assessment.metrics.earned == assessment.metrics.revenue


# Set boundaries: contact that drains, pressure out of hours, demands ---------------------------

LATE_NIGHTS = (
    Stream(175, every=4, kind="message", feeling=-1, hour=22, flags=("out_of_hours",)),
    Stream(173, every=7, kind="call", feeling=-2, hour=20, flags=("out_of_hours",)),
)


def test_a_client_who_pays_very_well_but_writes_at_night_is_told_to_set_boundaries(agency):
    story = Story(WEEKLY_WORK + LATE_NIGHTS, rate="120", invoices=Invoices(amount=6000))
    assessment = assess(agency, story)
    assert assessment.health.weakest == "energy", reading(assessment)
    assert assessment.suggestion == "set_boundaries", reading(assessment)
    assert assessment.reason.code == "out_of_hours_pressure"


def test_the_same_draining_contact_in_working_hours_protects_your_energy(agency):
    daytime = tuple(
        Stream(s.start, s.end, s.every, s.kind, s.feeling, s.billable, s.minutes, (), 11)
        for s in LATE_NIGHTS
    )
    story = Story(WEEKLY_WORK + daytime, rate="120", invoices=Invoices(amount=6000))
    assessment = assess(agency, story)
    assert (assessment.suggestion, assessment.reason.code) == (
        "set_boundaries",
        "protect_energy",
    ), reading(assessment)


DRAINING = (
    Stream(85, every=2, kind="meeting", feeling=-2, billable=True, author="owner"),
    Stream(84, every=4, kind="call", feeling=-1, author="owner"),
)


def test_a_draining_client_goes_to_the_teammate_who_gets_on_well_with_them(agency):
    story = Story(
        WEEKLY_WORK
        + DRAINING
        + (Stream(80, every=7, kind="meeting", feeling=2, billable=True, author="teammate"),),
        rate="90",
        invoices=Invoices(amount=3000),
    )
    assessment = assess(agency, story)
    assert assessment.suggestion == "hand_over", reading(assessment)
    assert assessment.reason.params["name"] == "Carla"


def test_no_hand_over_when_the_teammate_is_drained_too(agency):
    story = Story(
        WEEKLY_WORK
        + DRAINING
        + (Stream(80, every=7, kind="meeting", feeling=-1, billable=True, author="teammate"),),
        rate="90",
        invoices=Invoices(amount=3000),
    )
    assert assess(agency, story).suggestion == "set_boundaries"


# End: respect or trust broken for months, several fronts, a step that did not work -------------

CONFLICT = (
    Stream(150, every=3, kind="complaint", feeling=-2, flags=("disrespect",)),
    Stream(149, every=5, kind="dispute", feeling=-2),
)


def test_respect_broken_for_months_points_to_ending(agency):
    story = Story(WEEKLY_WORK + good() + CONFLICT, rate="70")
    assessment = assess(agency, story)
    assert assessment.suggestion == "end", reading(assessment)
    assert assessment.reason.code == "collapsed_for_months"


def test_respect_broken_only_this_month_is_a_matter_of_boundaries_first(agency):
    recent = tuple(Stream(25, every=s.every, kind=s.kind, feeling=-2, flags=s.flags) for s in
                   CONFLICT)  # fmt: skip
    story = Story(WEEKLY_WORK + good() + recent, rate="70")
    assessment = assess(agency, story)
    assert assessment.health.dimensions["respect"].score < 50, reading(assessment)
    assert assessment.suggestion == "set_boundaries", reading(assessment)


def test_a_client_the_person_depends_on_is_not_told_to_end_and_the_share_is_named(agency):
    story = Story(WEEKLY_WORK + good() + CONFLICT, rate="70", invoices=Invoices(amount=9000))
    assessment = assess(agency, story, others=40_000)
    assert assessment.revenue_share >= 0.35
    assert assessment.health.dimensions["respect"].score < 30
    assert assessment.suggestion != "end", reading(assessment)
    assert assessment.reason.code == "end_but_dependent"
    # The share of income counts work not invoiced yet, so it is at least the invoiced one.
    assert assessment.reason.params["percent"] >= round(100 * assessment.revenue_share)
    assert assessment.reason.params["monthly"] > 0


APPRENTICE = Story(
    (
        Stream(170, every=3, kind="support_request", feeling=-1, billable=False, minutes=40),
        Stream(168, every=5, kind="scope_change", feeling=-1, flags=("out_of_scope",)),
        Stream(165, every=7, kind="work_session", feeling=None, billable=False, minutes=90),
    ),
    billing="fixed",
    rate="450",
    invoices=Invoices(start=165, end=165, amount=450),
)


def test_trouble_on_several_fronts_including_money_points_to_ending(agency):
    assessment = assess(agency, APPRENTICE)
    assert assessment.suggestion == "end", reading(assessment)
    assert assessment.reason.code == "several_fronts"
    assert "profitability" in assessment.reason.params["dimensions"]


def test_the_same_demands_paid_for_are_not_several_fronts(agency):
    paid = Story(
        tuple(
            Stream(s.start, s.end, s.every, s.kind, 1, True, s.minutes, ())
            for s in APPRENTICE.streams
        ),
        rate="60",
    )
    assert assess(agency, paid).suggestion == "keep"


def _boundaries_set(respect: int, check_days_ago: int) -> dict:
    return {
        "step": "set_boundaries",
        "agreed_on": AS_OF - dt.timedelta(days=check_days_ago + 14),
        "check_on": AS_OF - dt.timedelta(days=check_days_ago),
        "dimension": "respect",
        "score": respect,
    }


# Respect low since a month, not collapsed for long: on its own, boundaries.
RUDE_MONTH = WEEKLY_WORK + good() + (
    Stream(40, every=3, kind="complaint", feeling=-1, flags=("unreasonable_demand",)),
)  # fmt: skip


def test_boundaries_that_did_not_hold_by_the_check_day_point_to_ending_saying_so(agency):
    story = Story(RUDE_MONTH, rate="70")
    before = assess(agency, story)
    respect = before.health.dimensions["respect"].score
    assert before.suggestion == "set_boundaries", reading(before)
    after = assess(agency, story, agreed=_boundaries_set(respect, check_days_ago=1))
    assert after.suggestion == "end", reading(after)
    assert after.reason.code == "step_not_working"
    assert after.reason.params["agreed_on"] == (AS_OF - dt.timedelta(days=15)).isoformat()


def test_boundaries_that_held_are_not_an_ending(agency):
    # Respect has recovered well past where it was when the boundaries were set.
    story = Story(RUDE_MONTH, rate="70")
    assert assess(agency, story, agreed=_boundaries_set(5, check_days_ago=1)).suggestion != "end"


def test_until_the_check_day_the_agreed_step_has_its_chance(agency):
    story = Story(WEEKLY_WORK + good() + CONFLICT, rate="70")
    assessment = assess(agency, story, agreed=_boundaries_set(10, check_days_ago=-5))
    assert (assessment.suggestion, assessment.reason.code) == (
        "set_boundaries",
        "step_in_progress",
    ), reading(assessment)


# Too little data, and prospects ----------------------------------------------------------------


def test_two_intro_calls_with_a_prospect_are_not_enough_data_and_score_no_money(agency):
    prospect = Story(
        (Stream(10, 4, every=6, kind="call", feeling=1),),
        status="prospect",
        rate="60",
        invoices=None,
    )
    assessment = assess(agency, prospect)
    assert assessment.health.confidence == "low"
    assert (assessment.suggestion, assessment.reason.code) == ("keep", "too_little_data")
    assert assessment.health.dimensions["profitability"].score is None
    assert assessment.health.dimensions["payments"].score is None


def test_a_prospect_with_plenty_of_contact_still_scores_no_money(agency):
    busy = Story(good(), status="prospect", rate="60", invoices=None)
    assessment = assess(agency, busy)
    assert assessment.health.confidence != "low"
    assert assessment.health.dimensions["profitability"].score is None
    assert assessment.suggestion == "keep", reading(assessment)


def test_the_same_contact_with_an_active_client_does_score_its_money(agency):
    active = Story(good(), rate="60", invoices=None)
    assert assess(agency, active).health.dimensions["profitability"].score is not None


# Stability over time: no saturation, recovery is seen ------------------------------------------


def _weekly(workspace, client_id, days):
    return {
        offset: assess_clients(
            workspace=workspace,
            as_of=AS_OF - dt.timedelta(days=offset),
            client_ids=[client_id],
        )[client_id]
        for offset in days
    }


def test_a_relationship_that_keeps_souring_keeps_falling_for_two_months(agency):
    workspace, owner, teammate = agency
    # Four good months, then two in which the bad share of contact grows week by week.
    souring = tuple(
        Stream(60 - 7 * week, 60 - 7 * week - 6, every=7 - min(week, 5), kind=kind,
               feeling=-2, flags=("disrespect",) if week >= 4 else ())
        for week in range(9)
        for kind in ("complaint",)
    )  # fmt: skip
    story = Story(WEEKLY_WORK + good(175, 0) + souring, rate="70")
    client = build(story, workspace, owner, teammate)
    seen = _weekly(workspace, client.pk, range(0, 35, 7))
    scores = {offset: a.health.score for offset, a in seen.items()}
    for assessment in seen.values():
        assert assessment.trend_30d is not None and assessment.trend_30d < 0, scores
    assert scores[0] < scores[14] < scores[28], scores
    assert scores[0] > 15, scores  # not at the floor


def test_a_relationship_that_recovers_is_seen_recovering(agency):
    workspace, owner, teammate = agency
    rough = (Stream(175, 60, every=3, kind="complaint", feeling=-2),)
    story = Story(WEEKLY_WORK + rough + good(59, 0), rate="70")
    client = build(story, workspace, owner, teammate)
    seen = _weekly(workspace, client.pk, (0, 21))
    assert seen[0].trend_30d > 0 and seen[21].trend_30d > 0
    assert seen[0].health.score > seen[21].health.score


def test_one_rude_remark_in_a_log_of_work_sessions_does_not_sink_a_good_client(agency):
    """Time-tracker imports are mostly work sessions: the remark is weighed against the work,
    not against the one contact that holds it."""
    work = Story(
        (Stream(175, every=2, kind="work_session", feeling=1, billable=True, minutes=120),),
        rate="70",
    )
    before = assess(agency, work)
    rude = Story(
        (*work.streams, Stream(3, 3, kind="complaint", feeling=-2, flags=("disrespect",))),
        rate="70",
    )
    after = assess(agency, rude)
    assert before.health.band == "thriving", reading(before)
    assert after.health.band in ("thriving", "healthy"), reading(after)
    assert before.health.score - after.health.score <= 20, (reading(before), reading(after))
    assert before.health.dimensions["respect"].score is None  # no contact logged before
    assert after.health.dimensions["respect"].score < 100  # the remark is seen
