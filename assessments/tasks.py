"""Background work of assessments (Django's tasks API). Arguments stay JSON-simple."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task

from accounts.models import Workspace

from .services import clients_rescore, history_rebuild


@task
def rescore_clients(*, workspace_id: int, client_ids: list[int], since: str | None = None) -> int:
    """Today's snapshots of the clients, and their history from `since` (an ISO date) when
    their past changed. Returns how many snapshots were written."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:  # deleted meanwhile
        return 0
    if since is None:
        return len(clients_rescore(workspace=workspace, client_ids=client_ids))
    return history_rebuild(
        workspace=workspace, client_ids=client_ids, since=dt.date.fromisoformat(since)
    )


def rescore_workspace_later(workspace: Workspace) -> None:
    """Once the current transaction commits, rescore every client of the workspace (after its
    settings or lines changed)."""
    ids = list(workspace.clients.filter(deleted_at__isnull=True).values_list("pk", flat=True))
    transaction.on_commit(
        lambda: rescore_clients.enqueue(workspace_id=workspace.pk, client_ids=ids)
    )


@task
def send_email(*, to: str, subject: str, body: str) -> None:
    """One plain-text email, already written in its reader's language."""
    send_mail(subject, body, None, [to])
