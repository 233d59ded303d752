"""Background work of assessments (Django's tasks API). Arguments stay JSON-simple. Django's
tasks are not retried: a task that fails is logged by the worker, and the nightly pass scores
every client again."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.tasks import task

from accounts.models import Workspace

from . import services


@task
def rescore_clients(*, workspace_id: int, client_ids: list[int], since: str | None = None) -> int:
    """Today's snapshots of the clients, and their history from `since` (an ISO date) when
    their past changed. Returns how many snapshots were written."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:  # deleted meanwhile
        return 0
    if since is None:
        return len(services.clients_rescore(workspace=workspace, client_ids=client_ids))
    return services.history_rebuild(
        workspace=workspace, client_ids=client_ids, since=dt.date.fromisoformat(since)
    )


# Queued by the release before the one email mechanism (texts already written in their
# reader's language); kept for one release so that rows already waiting in the task queue are
# still sent. Nothing queues it any more.
@task
def send_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to])
