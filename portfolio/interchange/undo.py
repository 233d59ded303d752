"""Undo an import as a whole: put back what it changed, delete what it added, atomically.

Works for any ImportBatch (interchange files and time-tracker exports record their changes
the same way), in a few queries per thousand rows.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Client, ImportBatch, ImportChange, ImportStatus, Interaction, Invoice
from ..signals import ALL_HISTORY, announce_clients_changed
from .plan import Update
from .writing import MODELS, bulk_update_versioned, chunks, client_id_of

Action = ImportChange.Action


@transaction.atomic
def import_undo(*, batch: ImportBatch) -> ImportBatch:
    """Refused (ValidationError) unless the import is done, or when a client it added has
    had entries logged since: deleting the client would take them along."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.DONE:
        raise ValidationError(_("Only a finished import can be undone."))
    _refuse_if_clients_were_used(batch)
    changes = defaultdict(list)
    for target, object_id, action, before in batch.changes.values_list(
        "target", "object_id", "action", "before"
    ):
        changes[target, action].append((object_id, before))
    touched: set[int] = set()
    now = timezone.now()
    # Put back first: an entry may have been moved to a client this import added.
    for target, model in MODELS.items():
        touched |= _restore(batch, model, changes[target, Action.UPDATED], now=now)
    for target in ("interaction", "invoice", "client"):
        touched |= _delete(
            batch, MODELS[target], [pk for pk, _b in changes[target, Action.CREATED]]
        )
    batch.status = ImportStatus.UNDONE
    batch.undone_at = now
    batch.save(update_fields=["status", "undone_at"])
    announce_clients_changed(workspace_id=batch.workspace_id, client_ids=touched, since=ALL_HISTORY)
    return batch


def _refuse_if_clients_were_used(batch: ImportBatch) -> None:
    added = batch.changes.filter(target="client", action=Action.CREATED).values("object_id")
    used = set()
    for model, target in ((Interaction, "interaction"), (Invoice, "invoice")):
        ours = batch.changes.filter(target=target, action=Action.CREATED).values("object_id")
        used |= set(
            model.objects.filter(workspace=batch.workspace_id, client_id__in=added)
            .exclude(pk__in=ours)
            .values_list("client__name", flat=True)
        )
    if used:
        raise ValidationError(
            _(
                "This import added clients that have entries logged since: %(names)s. Undoing "
                "it would delete those entries too. Move the clients to the trash instead."
            )
            % {"names": ", ".join(sorted(used))}
        )


def _restore(
    batch: ImportBatch, model: type[models.Model], changed: list[tuple[int, dict]], *, now
) -> set[int]:
    touched: set[int] = set()
    for chunk in chunks(changed):
        previous = dict(chunk)
        updates = []
        for obj in model.objects.filter(workspace=batch.workspace_id, pk__in=list(previous)):
            touched.add(client_id_of(obj))
            restored = {
                attname: model._meta.get_field(attname).to_python(value)
                for attname, value in (previous[obj.pk] or {}).items()
            }
            for attname, value in restored.items():
                setattr(obj, attname, value)
            touched.add(client_id_of(obj))
            updates.append(Update(obj, restored))
        bulk_update_versioned(model, [u for u in updates if u.before], now=now)
    return touched


def _delete(batch: ImportBatch, model: type[models.Model], pks: list[int]) -> set[int]:
    touched: set[int] = set()
    field = "pk" if model is Client else "client_id"
    for chunk in chunks(pks):
        rows = model.objects.filter(workspace=batch.workspace_id, pk__in=chunk)
        touched |= set(rows.values_list(field, flat=True))
        rows.delete()
    return touched
