"""The nightly pass of one workspace: today's health of every client, alerts opened and resolved,
the weekly digests and the follow-up reminders due. It lives above the apps it runs (assessments,
then reviews): each app does its own part through its services.

`manage.py assessments_daily` runs it for every workspace in its own process; the scheduler
queues one `nightly_workspace` task per workspace instead, so that the workers share the night.
"""

from __future__ import annotations

import logging

from django.tasks import task

from accounts.models import Workspace
from assessments.digests import digests_send
from assessments.services import clients_rescore
from portfolio.contacts import last_contacts_refresh
from portfolio.models import Client
from reviews.notify import follow_ups_send

logger = logging.getLogger(__name__)


def workspace_pass(workspace: Workspace, *, emails: bool = True) -> str:
    """Run the pass for `workspace`; what it did, in a line. Safe to run twice."""
    # Kept by every writer of entries already: read again from the entries, in case one was not.
    last_contacts_refresh(clients=Client.objects.for_workspace(workspace))
    scored = clients_rescore(workspace=workspace)
    sent = reminders = 0
    if emails:
        today = workspace.today()
        sent = digests_send(workspace=workspace, today=today)
        reminders = follow_ups_send(workspace=workspace, today=today)
    return (
        f"{workspace.slug}: {len(scored)} clients scored, {sent} digests and "
        f"{reminders} follow-up reminders sent"
    )


@task
def nightly_workspace(*, workspace_id: int, emails: bool = True) -> str:
    """One workspace's pass, for a worker. A workspace deleted since it was queued is skipped;
    a failure is logged and fails this task alone."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return ""
    try:
        return workspace_pass(workspace, emails=emails)
    except Exception:
        logger.exception("The nightly pass failed for workspace %s", workspace.slug)
        raise


def queue_every_workspace(*, emails: bool = True) -> int:
    """Queue the pass of every workspace, one task each; how many were queued."""
    queued = 0
    for workspace_id in Workspace.objects.order_by("pk").values_list("pk", flat=True).iterator():
        nightly_workspace.enqueue(workspace_id=workspace_id, emails=emails)
        queued += 1
    return queued
