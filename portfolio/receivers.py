"""Portfolio listening to accounts; each receiver hands the news to a service."""

from __future__ import annotations

from django.dispatch import receiver

from accounts.models import Workspace
from accounts.signals import workspace_settings_changed

from . import services

# The settings the "out of hours" rule reads.
WORKING_HOURS = frozenset({"working_days", "work_starts_at", "work_ends_at", "time_zone"})


@receiver(workspace_settings_changed)
def recompute_out_of_hours(sender, *, workspace_id, changed, **kwargs) -> None:
    if not WORKING_HOURS & changed:
        return
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is not None:
        services.out_of_hours_recompute(workspace=workspace)
