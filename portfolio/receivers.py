"""Portfolio listening to accounts; each receiver hands the news to a service."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import Workspace
from accounts.signals import workspace_settings_changed

from . import services
from .models import ImportFile

# The settings the "out of hours" rule reads.
WORKING_HOURS = frozenset({"working_days", "work_starts_at", "work_ends_at", "time_zone"})


@receiver(workspace_settings_changed)
def recompute_out_of_hours(sender, *, workspace_id, changed, **kwargs) -> None:
    if not WORKING_HOURS & changed:
        return
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is not None:
        services.out_of_hours_recompute(workspace=workspace)


@receiver(post_delete, sender=ImportFile)
def delete_stored_file(sender, *, instance: ImportFile, **kwargs) -> None:
    """An uploaded file leaves the storage with its row (an import applied, pruned, or its
    workspace deleted), once the deletion is committed: a rollback keeps both."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
