"""Assessments listening to the apps below it; each receiver hands the news to a service."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Workspace
from portfolio.signals import clients_changed

from . import alerts, services


@receiver(clients_changed)
def rescore_changed_clients(sender, *, workspace_id, client_ids, since=None, **kwargs) -> None:
    services.clients_changed_rescore(workspace_id=workspace_id, client_ids=client_ids, since=since)


@receiver(post_save, sender=Workspace)
def give_new_workspace_default_boundaries(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        alerts.boundaries_ensure(instance)
