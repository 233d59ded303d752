"""Client histories for tests that need a scored client."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tests.factories import InteractionFactory, InvoiceFactory


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
