"""What every import shares: undoing one as a whole."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Client, ImportBatch, ImportChange, ImportStatus, Interaction, Invoice
from .signals import announce_clients_changed

TARGETS = {"client": Client, "interaction": Interaction, "invoice": Invoice}


@transaction.atomic
def import_undo(*, batch: ImportBatch) -> None:
    """Delete what the import created and put back what it updated, in one transaction."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.DONE:
        return
    changes = list(batch.changes.all())
    touched_clients: set[int] = set()
    # Children before parents: interactions and invoices, then clients.
    for target in ("interaction", "invoice", "client"):
        model = TARGETS[target]
        mine = [c for c in changes if c.target == target]
        created = [c.object_id for c in mine if c.action == ImportChange.Action.CREATED]
        rows = model.objects.filter(pk__in=created, workspace=batch.workspace)
        touched_clients |= set(
            rows.values_list("pk" if target == "client" else "client_id", flat=True)
        )
        rows.delete()
        for change in mine:
            if change.action == ImportChange.Action.UPDATED and change.before:
                model.objects.filter(pk=change.object_id, workspace=batch.workspace).update(
                    **change.before
                )
                if target != "client":
                    touched_clients.add(
                        model.objects.filter(pk=change.object_id)
                        .values_list("client_id", flat=True)
                        .first()
                    )
                else:
                    touched_clients.add(change.object_id)
    batch.status = ImportStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.save(update_fields=["status", "undone_at"])
    announce_clients_changed(
        workspace_id=batch.workspace_id, client_ids={pk for pk in touched_clients if pk}
    )
