"""What the lines look at, read from the database (`assessments.facts`): the last contact and
the latest feelings are found down each client's timeline, never by reading its whole history,
and must be what a plain reading of that history gives."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import facts
from assessments.boundaries import Line
from portfolio.models import Interaction, InteractionKind
from tests.factories import ClientFactory, InteractionFactory

pytestmark = pytest.mark.django_db

KINDS = list(InteractionKind.values)


class Assessed:
    """What `client_facts` reads of an assessment."""

    def __init__(self):
        from assessments.aggregates import ClientMetrics

        self.metrics = ClientMetrics(0)
        self.trend_30d = None


def lines(span: int) -> list[Line]:
    return [
        Line("low_feeling", -0.5, span, "warning", frozenset()),
        Line("disrespect", 2, 14, "warning", frozenset()),
        Line("out_of_hours", 3, 30, "info", frozenset()),
    ]


def plain(client, as_of, workspace, span):
    """The same facts from the whole history, in Python."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=workspace.tzinfo)
    history = sorted(
        (
            entry
            for entry in Interaction.objects.filter(client=client)
            if entry.deleted_at is None and entry.occurred_at < end
        ),
        key=lambda entry: entry.occurred_at,
        reverse=True,
    )
    contacts = [e for e in history if e.kind in facts.CONTACT_KINDS]
    since = {14: end - dt.timedelta(days=14), 30: end - dt.timedelta(days=30)}
    return {
        "last_contact_on": (
            timezone.localdate(contacts[0].occurred_at, timezone=workspace.tzinfo)
            if contacts
            else None
        ),
        "last_feelings": [e.feeling for e in history if e.feeling is not None][:span],
        "recent": {
            "disrespect": sum(e.flag_disrespect for e in history if e.occurred_at >= since[14]),
            "out_of_hours": sum(
                e.flag_out_of_hours and e.kind in facts.CONTACT_KINDS
                for e in history
                if e.occurred_at >= since[30]
            ),
        },
    }


def random_history(client, rng, *, entries: int, days: int):
    now = timezone.now()
    for _ in range(entries):
        InteractionFactory(
            client=client,
            kind=rng.choice(KINDS),
            occurred_at=now - dt.timedelta(days=rng.uniform(-3, days), minutes=rng.randint(0, 600)),
            feeling=rng.choice([None, None, -2, -1, 0, 1, 2]),
            flag_disrespect=rng.random() < 0.2,
            flag_out_of_hours=rng.random() < 0.2,
            deleted_at=now if rng.random() < 0.1 else None,
        )


@pytest.mark.parametrize("span", [1, 5, 12])
def test_the_facts_are_those_of_the_whole_history(workspace, span):
    rng = random.Random(span)
    clients = [ClientFactory(workspace=workspace) for _ in range(6)]
    for n, client in enumerate(clients[:4]):
        # Busy and quiet clients, recent and years old, some with fewer feelings than the span.
        random_history(client, rng, entries=[40, 3, 25, 8][n], days=[60, 900, 30, 2000][n])
    InteractionFactory(client=clients[4], kind=InteractionKind.WORK_SESSION, feeling=-2)
    # clients[5]: nothing logged at all.
    as_of = timezone.localdate()

    found = facts.client_facts(
        workspace=workspace,
        as_of=as_of,
        assessments={client.pk: Assessed() for client in clients},
        lines=lines(span),
    )

    for client in clients:
        expected = plain(client, as_of, workspace, span)
        got = found[client.pk]
        assert got.last_contact_on == expected["last_contact_on"], client.name
        assert got.last_feelings == expected["last_feelings"], client.name
        assert got.recent.get("disrespect", 0) == expected["recent"]["disrespect"], client.name
        assert got.recent.get("out_of_hours", 0) == expected["recent"]["out_of_hours"]


def test_a_day_in_the_past_sees_only_what_came_before_it(workspace):
    client = ClientFactory(workspace=workspace)
    now = timezone.now()
    InteractionFactory(client=client, kind="call", feeling=-2, occurred_at=now - dt.timedelta(10))
    InteractionFactory(client=client, kind="call", feeling=2, occurred_at=now - dt.timedelta(1))
    as_of = timezone.localdate(now - dt.timedelta(days=5), timezone=workspace.tzinfo)

    found = facts.client_facts(
        workspace=workspace, as_of=as_of, assessments={client.pk: Assessed()}, lines=lines(1)
    )[client.pk]
    assert found.last_feelings == [-2]
    assert found.last_contact_on == timezone.localdate(
        now - dt.timedelta(days=10), timezone=workspace.tzinfo
    )


def test_the_facts_cost_the_same_queries_for_one_client_or_many(workspace):
    def queries(count: int) -> int:
        clients = [ClientFactory(workspace=workspace) for _ in range(count)]
        for client in clients:
            InteractionFactory(client=client, feeling=-1)
        with CaptureQueriesContext(connection) as captured:
            facts.client_facts(
                workspace=workspace,
                as_of=timezone.localdate(),
                assessments={client.pk: Assessed() for client in clients},
                lines=lines(5),
            )
        return len(captured)

    assert queries(1) == queries(8) == 3  # the clients, the counts, the feelings
