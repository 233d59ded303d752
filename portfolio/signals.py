"""What portfolio tells the rest of the app. Carries only which clients changed, and from which
day their history did; the receivers (assessments) decide what to recompute. Sent after the
transaction commits; what portfolio keeps of its own (a client's last contact) is kept before."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.dispatch import Signal

from .contacts import last_contacts_refresh
from .models import Client

# Sent with `workspace_id`, `client_ids` (a frozenset) and `since` once a change commits.
# `since` is the earliest day whose data changed, or None when only the present did.
clients_changed = Signal()

# For imports, undos and a change that reaches every past day (a client's terms): anything in
# the past may have changed.
ALL_HISTORY = dt.date.min


def announce_clients_changed(
    *, workspace_id: int, client_ids, since: dt.date | None = None
) -> None:
    """Every writer of clients' records calls this, in its transaction: their last contact is
    brought up to date at once (portfolio.contacts), and the change announced once committed."""
    ids = frozenset(client_ids)
    last_contacts_refresh(clients=Client.objects.filter(workspace_id=workspace_id, pk__in=ids))
    transaction.on_commit(
        lambda: clients_changed.send(
            sender=None, workspace_id=workspace_id, client_ids=ids, since=since
        )
    )
