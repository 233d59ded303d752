"""Undo an import as a whole, atomically, without ever erasing someone's later work: what it
changed is put back and what it added goes to the trash, but only for the rows nobody touched
since; every row changed since is left as it is and listed.

A row is "touched since" when its version moved on from the one the import left (an edit, a
payment, a status change), or, for a client the import added, when entries were logged for it
since. Works for any ImportBatch (interchange files and time-tracker exports record their
changes the same way), in a few queries per thousand rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Client, ImportBatch, ImportChange, ImportStatus, Interaction, Invoice
from ..signals import ALL_HISTORY, announce_clients_changed
from .plan import Update
from .writing import MODELS, bulk_update_versioned, chunks, client_id_of

Action = ImportChange.Action


@dataclass
class UndoResult:
    batch: ImportBatch
    # Rows left as they are because they changed since the import: (target, how it is named).
    kept: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def import_undo(*, batch: ImportBatch) -> UndoResult:
    """Refused (ValidationError) unless the import is done."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.DONE:
        raise ValidationError(_("Only a finished import can be undone."))
    changes: dict[tuple[str, str], list[ImportChange]] = defaultdict(list)
    for change in batch.changes.order_by("pk"):
        changes[change.target, change.action].append(change)
    result = UndoResult(batch=batch)
    touched: set[int] = set()
    now = timezone.now()
    # The clients this import added that must stay: work was logged for them since, or a row
    # of theirs is kept below (it changed since). Clients come last, once that is known.
    used = _clients_used_since(batch, changes)
    # Put back first: an entry may have been moved to a client this import added.
    for target, model in MODELS.items():
        touched |= _restore(
            batch, model, changes[target, Action.UPDATED], result, now=now, used=used
        )
    for target in ("interaction", "invoice", "client"):
        touched |= _to_trash(
            batch, MODELS[target], changes[target, Action.CREATED], result, now=now, used=used
        )
    batch.status = ImportStatus.UNDONE
    batch.undone_at = now
    batch.summary = {**batch.summary, "undo": {"kept": len(result.kept)}}
    batch.save(update_fields=["status", "undone_at", "summary"])
    announce_clients_changed(workspace_id=batch.workspace_id, client_ids=touched, since=ALL_HISTORY)
    return result


def _untouched(batch: ImportBatch, obj: models.Model, change: ImportChange) -> bool:
    if change.version is not None:
        return obj.version == change.version
    # Recorded before changes carried versions: nobody saved it after the import finished.
    return batch.finished_at is None or obj.updated_at <= batch.finished_at


def _name(obj: models.Model) -> str:
    if isinstance(obj, Client):
        return obj.name
    if isinstance(obj, Invoice):
        return obj.number
    return obj.summary or obj.get_kind_display()


def _clients_used_since(batch: ImportBatch, changes) -> set[int]:
    """The clients this import added that have entries or invoices it did not add."""
    added = [change.object_id for change in changes["client", Action.CREATED]]
    if not added:
        return set()
    used: set[int] = set()
    for model, target in ((Interaction, "interaction"), (Invoice, "invoice")):
        ours = [change.object_id for change in changes[target, Action.CREATED]]
        used |= set(
            model.objects.filter(workspace=batch.workspace_id, client_id__in=added)
            .exclude(pk__in=ours)
            .values_list("client_id", flat=True)
        )
    return used


def _restore(
    batch: ImportBatch,
    model: type[models.Model],
    changed: list[ImportChange],
    result: UndoResult,
    *,
    now,
    used: set[int],
) -> set[int]:
    touched: set[int] = set()
    for chunk in chunks(changed):
        by_pk = {change.object_id: change for change in chunk}
        updates = []
        for obj in model.objects.filter(workspace=batch.workspace_id, pk__in=list(by_pk)):
            change = by_pk[obj.pk]
            if not _untouched(batch, obj, change):
                result.kept.append((change.target, _name(obj)))
                used.add(client_id_of(obj))
                continue
            touched.add(client_id_of(obj))
            restored = {
                attname: model._meta.get_field(attname).to_python(value)
                for attname, value in (change.before or {}).items()
            }
            for attname, value in restored.items():
                setattr(obj, attname, value)
            touched.add(client_id_of(obj))
            updates.append(Update(obj, restored))
        bulk_update_versioned(model, [u for u in updates if u.before], now=now)
    return touched


def _to_trash(
    batch: ImportBatch,
    model: type[models.Model],
    created: list[ImportChange],
    result: UndoResult,
    *,
    now,
    used: set[int],
) -> set[int]:
    """What the import added goes to the trash (restored by importing the same file again)."""
    touched: set[int] = set()
    for chunk in chunks(created):
        by_pk = {change.object_id: change for change in chunk}
        trashed = []
        rows = model.objects.filter(workspace=batch.workspace_id, pk__in=list(by_pk))
        for obj in rows.filter(deleted_at__isnull=True):
            change = by_pk[obj.pk]
            if not _untouched(batch, obj, change) or (model is Client and obj.pk in used):
                result.kept.append((change.target, _name(obj)))
                used.add(client_id_of(obj))  # its client stays with it
                continue
            trashed.append(obj.pk)
            touched.add(client_id_of(obj))
        # The version moves on: an edit form opened before the undo cannot save it back.
        model.objects.filter(pk__in=trashed).update(
            deleted_at=now, version=F("version") + 1, updated_at=now
        )
    return touched
