"""Properties of the score through the whole pipeline (SQL aggregates, pure scoring, the
advice ladder), over generated histories: one bad week does not sink a good client, and
removing evidence never turns "not enough data yet" into a band."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from assessments.scoring import MEDIUM_EVIDENCE
from assessments.services import assess_clients
from portfolio.models import Interaction, Invoice
from tests.factories import ClientFactory, MembershipFactory, WorkspaceFactory

AS_OF = dt.date(2026, 11, 20)
WEEKS = 26
# One bad week moves a good client's score by at most this many points.
BOUND = 10

QUIET_KINDS = ("meeting", "call", "message", "work_session", "deliverable")

# A good week: at least one contact, none of them a complaint or a flag, and the person says
# how at least one entry of the week left them.
week = st.lists(
    st.tuples(
        st.sampled_from(QUIET_KINDS),
        st.integers(min_value=0, max_value=6),  # day of the week
        st.one_of(st.none(), st.integers(min_value=-1, max_value=2)),  # feeling
        st.booleans(),  # billable
        st.sampled_from((15, 30, 60, 120)),  # minutes
    ),
    min_size=1,
    max_size=4,
).filter(
    lambda entries: (
        any(kind not in ("work_session", "deliverable") for kind, *_r in entries)
        and any(feeling is not None for _k, _d, feeling, *_r in entries)
    )
)
good_history = st.fixed_dictionaries(
    {
        "weeks": st.lists(week, min_size=WEEKS, max_size=WEEKS),
        "invoice": st.sampled_from((800, 1500, 3000)),
        "rate": st.sampled_from((None, 50, 80)),
    }
).filter(
    # On average the contact leaves the person at zero or better.
    lambda h: sum(f for w in h["weeks"] for _k, _d, f, *_r in w if f is not None) >= 0
)


def _workspace():
    workspace = WorkspaceFactory(target_hourly_rate=Decimal("60"), time_zone="Europe/Lisbon")
    owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    return workspace, owner


def _entry(client, author, day: dt.date, kind, feeling, billable, minutes, hour=11):
    return Interaction(
        workspace=client.workspace,
        client=client,
        author=author,
        kind=kind,
        occurred_at=dt.datetime.combine(day, dt.time(hour), tzinfo=client.workspace.tzinfo),
        minutes=minutes,
        billable=billable,
        feeling=feeling,
    )


def _good_client(workspace, owner, history: dict):
    rate = history["rate"]
    client = ClientFactory(
        workspace=workspace,
        owner=owner,
        billing_model="hourly" if rate else "retainer",
        rate=Decimal(rate or history["invoice"]),
    )
    rows = []
    for number, entries in enumerate(history["weeks"]):
        # Week 0 is the oldest; the last good week ends eight days before the day assessed.
        start = AS_OF - dt.timedelta(days=8 + 7 * (WEEKS - number))
        for kind, weekday, feeling, billable, minutes in entries:
            day = start + dt.timedelta(days=weekday + 1)
            rows.append(_entry(client, owner, day, kind, feeling, billable, minutes))
    Interaction.objects.bulk_create(rows)
    # Invoiced every month, paid on time.
    Invoice.objects.bulk_create(
        Invoice(
            workspace=workspace,
            client=client,
            number=f"{client.pk}-{month}",
            issued_on=AS_OF - dt.timedelta(days=30 * month + 5),
            due_on=AS_OF - dt.timedelta(days=30 * month - 10),
            amount=Decimal(history["invoice"]),
            paid_on=min(AS_OF, AS_OF - dt.timedelta(days=30 * month - 8)),
            paid_amount=Decimal(history["invoice"]),
        )
        for month in range(1, 6)
    )
    return client


def _assess(workspace, client):
    return assess_clients(workspace=workspace, as_of=AS_OF, client_ids=[client.pk])[client.pk]


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    derandomize=True,
)
@given(history=good_history, days_ago=st.integers(min_value=0, max_value=6))
def test_one_bad_week_moves_a_good_six_month_client_by_at_most_ten_points(db, history, days_ago):
    workspace, owner = _workspace()
    client = _good_client(workspace, owner, history)
    before = _assess(workspace, client)
    assert before.health.confidence == "high"

    day = AS_OF - dt.timedelta(days=days_ago)
    Interaction.objects.bulk_create(
        [
            _entry(client, owner, day, "complaint", -2, False, 30),
            _entry(client, owner, day, "revision_request", -1, False, 30, hour=15),
        ]
    )
    after = _assess(workspace, client)

    summary = (before.health.score, after.health.score, after.suggestion, after.reason)
    assert abs(after.health.score - before.health.score) <= BOUND, summary
    if before.suggestion == "keep":
        assert after.suggestion == "keep", summary


thin_history = st.lists(
    st.tuples(
        st.sampled_from(("complaint", "dispute", "meeting", "revision_request", "message")),
        st.integers(min_value=0, max_value=170),  # days ago
        st.integers(min_value=-2, max_value=2),
        st.booleans(),  # disrespect
    ),
    min_size=0,
    max_size=MEDIUM_EVIDENCE - 1,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(entries=thin_history, removed=st.sets(st.integers(min_value=0, max_value=10)))
def test_removing_evidence_never_turns_not_enough_data_into_a_band(db, entries, removed):
    workspace, owner = _workspace()
    client = ClientFactory(workspace=workspace, owner=owner)
    rows = []
    for kind, days_ago, feeling, disrespect in entries:
        row = _entry(client, owner, AS_OF - dt.timedelta(days=days_ago), kind, feeling, False, 30)
        row.flag_disrespect = disrespect
        rows.append(row)
    Interaction.objects.bulk_create(rows)
    full = _assess(workspace, client)
    assert full.health.confidence == "low"
    assert full.suggestion == "keep" and full.reason.code == "too_little_data"

    Interaction.objects.filter(
        pk__in=[row.pk for index, row in enumerate(rows) if index in removed]
    ).delete()
    fewer = _assess(workspace, client)
    assert fewer.health.confidence == "low"
    assert fewer.suggestion == "keep" and fewer.reason.code == "too_little_data"
