"""Writing planned rows in bulk, and recording each change so that it can be undone."""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Client, ImportBatch, ImportChange, ImportStatus, Interaction, Invoice
from .plan import Update
from .progress import Progress, ProgressCallback

logger = logging.getLogger(__name__)

MODELS: dict[str, type[models.Model]] = {
    "client": Client,
    "interaction": Interaction,
    "invoice": Invoice,
}
CHUNK = 1000  # rows per INSERT or UPDATE statement, and between two progress reports


def batch_failed(batch: ImportBatch) -> None:
    """Mark an import that stopped on an unexpected error as failed. Its transaction was rolled
    back, so nothing of it is in the workspace. The person reads that, in their language; the
    error itself (a database's words, a line of our code) goes to the log for us, never to them.
    Call it from the `except` block, after logging."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED,
        error=_(
            "The import stopped before the end, so nothing was imported. Upload the file "
            "again to try once more; if it stops again, tell us the day and time it happened."
        ),
        finished_at=timezone.now(),
    )


@contextlib.contextmanager
def batch_writing(batch: ImportBatch, on_progress: ProgressCallback | None) -> Iterator[Progress]:
    """Around an import's transaction: the progress it reports as it writes into `batch`, and,
    when it stops on an error, the batch marked failed (the error logged, and raised on)."""
    progress = Progress(batch=batch, callback=on_progress)
    try:
        yield progress
    except Exception:
        logger.exception("Import %s failed while writing", batch.code)
        batch_failed(batch)
        raise
    finally:
        progress.close()


def chunks(rows: Sequence) -> Iterator[Sequence]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def bulk_update_versioned(model: type[models.Model], updates: Sequence[Update], *, now) -> None:
    """Save the changed fields of each row, in one UPDATE per set of changed fields, bumping
    the version (an edit form opened before the import is told of the conflict)."""
    groups: dict[tuple[str, ...], list[Update]] = defaultdict(list)
    for update in updates:
        groups[tuple(sorted(update.before))].append(update)
    for fields, group in groups.items():
        objs = [update.obj for update in group]
        versions = [obj.version for obj in objs]
        for obj in objs:
            obj.version = F("version") + 1
            obj.updated_at = now
        model.objects.bulk_update(objs, [*fields, "version", "updated_at"], batch_size=CHUNK)
        for obj, version in zip(objs, versions, strict=True):
            obj.version = version + 1


def record_changes(
    batch: ImportBatch, target: str, rows: Sequence[tuple[models.Model, dict[str, Any] | None]]
) -> None:
    """One ImportChange per row as just written: created (no `before`) or updated from
    `before`, with the version the write left it at."""
    ImportChange.objects.bulk_create(
        ImportChange(
            batch=batch,
            target=target,
            object_id=obj.pk,
            action=ImportChange.Action.CREATED if before is None else ImportChange.Action.UPDATED,
            before=None if before is None else {k: jsonable(v) for k, v in before.items()},
            version=obj.version,
        )
        for obj, before in rows
    )


def jsonable(value: Any) -> Any:
    """A field value as JSON keeps it; the field's to_python() reads it back."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # Decimal


def client_id_of(obj: models.Model) -> int:
    return obj.pk if isinstance(obj, Client) else obj.client_id
