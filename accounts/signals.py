"""What accounts tells the apps above it. Carries only which workspace changed and which of its
settings; the receivers (portfolio, assessments) decide what follows. Sent after commit."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent with `workspace_id` and `changed` (a frozenset of Workspace field names).
workspace_settings_changed = Signal()


def announce_workspace_settings_changed(*, workspace_id: int, changed) -> None:
    names = frozenset(changed)
    if not names:
        return
    transaction.on_commit(
        lambda: workspace_settings_changed.send(
            sender=None, workspace_id=workspace_id, changed=names
        )
    )
