"""What portfolio tells the rest of the app. Carries only which client changed; the receivers
(assessments) decide what to recompute. Sent after the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent with `workspace_id` and `client_ids` (a frozenset) once a change to their data commits.
clients_changed = Signal()


def announce_clients_changed(*, workspace_id: int, client_ids) -> None:
    ids = frozenset(client_ids)
    transaction.on_commit(
        lambda: clients_changed.send(sender=None, workspace_id=workspace_id, client_ids=ids)
    )
