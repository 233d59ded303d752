"""What accounts tells the apps above it. Carries only which workspace changed and which of its
settings; the receivers (portfolio, assessments) decide what follows. Sent after commit."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent with `workspace_id` and `changed` (a frozenset of Workspace field names).
workspace_settings_changed = Signal()


def announce_workspace_settings_changed(*, workspace_id: int, changed) -> None:
    names = frozenset(changed)
    if not names:
        return
    transaction.on_commit(lambda: _send(workspace_id, names))


def _send(workspace_id: int, names: frozenset) -> None:
    # The settings are saved: one receiver's failure must not stop the others nor the request
    # (the nightly pass rescores; a change of working hours can be saved again).
    for receiver, result in workspace_settings_changed.send_robust(
        sender=None, workspace_id=workspace_id, changed=names
    ):
        if isinstance(result, Exception):
            logger.error(
                "%s failed after the settings of workspace %s changed (%s)",
                getattr(receiver, "__qualname__", receiver),
                workspace_id,
                ", ".join(sorted(names)),
                exc_info=result,
            )
