"""Assessments listening to the apps below it; each receiver hands the news to a service."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Workspace
from accounts.signals import workspace_settings_changed
from portfolio.signals import clients_changed

from . import alerts, services


@receiver(clients_changed)
def rescore_changed_clients(sender, *, workspace_id, client_ids, since=None, **kwargs) -> None:
    services.clients_changed_rescore(workspace_id=workspace_id, client_ids=client_ids, since=since)


# The workspace settings a score reads directly. Working hours reach scores through the
# entries' "out of hours" flags: portfolio recomputes those and announces the clients changed.
SCORED_SETTINGS = frozenset({"target_hourly_rate", "currency", "time_zone"})


@receiver(workspace_settings_changed)
def rescore_after_settings_change(sender, *, workspace_id, changed, **kwargs) -> None:
    if SCORED_SETTINGS & changed:
        services.workspace_rescore(workspace_id=workspace_id)


@receiver(post_save, sender=Workspace)
def give_new_workspace_default_boundaries(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        alerts.boundaries_ensure(instance)
