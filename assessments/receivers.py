"""Assessments listening to portfolio: a client's data changed, so its health is rescored."""

from __future__ import annotations

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Workspace
from portfolio.signals import clients_changed

from .alerts import boundaries_ensure
from .services import clients_rescore, workspace_today
from .tasks import rescore_clients

logger = logging.getLogger(__name__)

# Rescoring this many clients for today takes a few milliseconds: done at once, on commit, so
# the page the user returns to already shows it. Larger changes go to the worker.
INLINE_CLIENTS = 20


@receiver(clients_changed)
def rescore_changed_clients(sender, *, workspace_id, client_ids, since=None, **kwargs) -> None:
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None or not client_ids:
        return
    ids = sorted(client_ids)
    today = workspace_today(workspace)
    if len(ids) <= INLINE_CLIENTS:
        try:
            clients_rescore(workspace=workspace, client_ids=ids)
        except Exception:  # the data is saved; the nightly pass will score it
            logger.exception("Rescoring clients %s of workspace %s failed", ids, workspace_id)
        if since is None or since >= today:
            return
    history_from = None if since is None or since >= today else since.isoformat()
    rescore_clients.enqueue(workspace_id=workspace.pk, client_ids=ids, since=history_from)


@receiver(post_save, sender=Workspace)
def give_new_workspace_default_boundaries(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        boundaries_ensure(instance)
