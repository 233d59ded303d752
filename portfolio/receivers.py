"""Portfolio listening to accounts and to its own models; each receiver hands the news to a
service."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Workspace
from accounts.signals import workspace_settings_changed

from . import services
from .contacts import last_contacts_refresh
from .models import Client, ImportFile, Interaction

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


@receiver(post_save, sender=Interaction)
def keep_last_contact(sender, *, instance: Interaction, raw: bool, **kwargs) -> None:
    """An entry saved one by one (a form, the admin, a fixture) keeps its client's last contact;
    the writers in bulk announce their clients, which keeps theirs (portfolio.signals). Entries
    are only ever deleted with their client, so a deletion has nothing to keep."""
    if not raw:
        last_contacts_refresh(clients=Client.objects.filter(pk=instance.client_id))
