from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory


@pytest.fixture
def scored_workspace(workspace, owner):
    """A workspace with a target rate and two clients with history: one good, one bad."""
    workspace.target_hourly_rate = Decimal("50")
    workspace.save()
    return workspace


def history(client, author, *, days=60, feeling=1, flags=(), kind="work_session", invoices=2):
    """An entry every other day for `days` days, and monthly invoices paid on time."""
    now = timezone.now()
    for n in range(0, days, 2):
        entry = InteractionFactory.build(
            client=client,
            workspace=client.workspace,
            author=author,
            kind=kind,
            minutes=60,
            billable=True,
            feeling=feeling,
            occurred_at=now - dt.timedelta(days=n, hours=1),
        )
        entry.set_flags(flags)
        entry.save()
    today = timezone.localdate()
    for n in range(invoices):
        issued = today - dt.timedelta(days=30 * n + 5)
        InvoiceFactory(
            client=client,
            issued_on=issued,
            due_on=issued + dt.timedelta(days=3),
            amount=Decimal("1500"),
            paid_on=issued + dt.timedelta(days=1),
            paid_amount=Decimal("1500"),
        )


@pytest.fixture
def good_and_bad(scored_workspace, owner):
    good = ClientFactory(workspace=scored_workspace, name="Good Co", owner=owner)
    bad = ClientFactory(workspace=scored_workspace, name="Bad Co", owner=owner)
    history(good, owner, feeling=2, flags=["gratitude"])
    history(bad, owner, feeling=-2, flags=["disrespect", "distrust"], kind="call")
    return good, bad
