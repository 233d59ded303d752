"""Import the interchange files: plan (read and validate everything, write nothing), then apply
the plan in one transaction, recorded as an ImportBatch that can be undone as a whole."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator, Mapping

from django.db import transaction
from django.utils import timezone

from accounts.models import User, Workspace

from ..models import ImportBatch, ImportSource, ImportStatus
from ..signals import ALL_HISTORY, announce_clients_changed
from .clients import plan_clients
from .columns import FILES
from .context import Context
from .interactions import plan_interactions
from .invoices import plan_invoices
from .plan import FilePlan, ImportPlan
from .progress import Progress, ProgressCallback, RowsRead
from .sheets import Sheet, read_sheet
from .writing import (
    MODELS,
    batch_failed,
    bulk_update_versioned,
    chunks,
    client_id_of,
    record_changes,
)

logger = logging.getLogger(__name__)

TARGETS = {"clients": "client", "interactions": "interaction", "invoices": "invoice"}
PLANNERS = {"clients": plan_clients, "interactions": plan_interactions, "invoices": plan_invoices}


def import_plan(
    *,
    workspace: Workspace,
    user: User,
    files: Mapping[str, bytes | None],
    filenames: Mapping[str, str] | None = None,
    on_rows: ProgressCallback | None = None,
    keep_rows: bool = True,
) -> ImportPlan:
    """What importing `files` ({"clients": bytes, "interactions": …, "invoices": …}, any of
    them left out or None) would create and update, and every error. Writes nothing.
    `on_rows(done, total)` hears how many rows were gone through while the files are read.
    Without `keep_rows` (a preview) the plan counts its rows without keeping them: it cannot
    be applied.

    A few queries in all, whatever the number of lines: members, clients, and the stored
    interactions or invoices when those files are given.
    """
    if unknown := set(files) - set(FILES):
        raise ValueError(f"Unknown interchange files: {sorted(unknown)}")
    with _collector_paused():
        return _plan(
            workspace=workspace,
            user=user,
            files=files,
            filenames=filenames,
            on_rows=on_rows,
            keep_rows=keep_rows,
        )


def _plan(
    *,
    workspace: Workspace,
    user: User,
    files: Mapping[str, bytes | None],
    filenames: Mapping[str, str] | None,
    on_rows: ProgressCallback | None,
    keep_rows: bool,
) -> ImportPlan:
    plan = ImportPlan(
        workspace=workspace, user=user, filenames=dict(filenames or {}), kept=keep_rows
    )
    sheets = {}
    for role in FILES:
        if files.get(role) is None:
            continue
        plan.files[role] = FilePlan(role=role, target=TARGETS[role], keep=keep_rows)
        sheet = read_sheet(role=role, data=files[role], tzinfo=workspace.tzinfo, errors=plan.errors)
        if sheet is not None:
            sheets[role] = sheet
    if not sheets:
        return plan
    if on_rows is not None:
        _count_rows(sheets, on_rows)
    ctx = Context.load(workspace=workspace, user=user)
    for role, sheet in sheets.items():
        file_plan = plan.files[role]
        file_plan.rows = len(sheet.records)
        if sheet.complete:
            PLANNERS[role](sheet, ctx, file_plan, plan.errors)
        else:  # its lines cannot be planned: they are only read, for what their cells have wrong
            for _record in sheet.records:
                pass
        file_plan.read_as = sheet.reading.describe()
    order = [f"{role}.csv" for role in FILES]
    plan.errors.sort(key=lambda error: (order.index(error.file), error.line))
    return plan


def _count_rows(sheets: Mapping[str, Sheet], on_rows: ProgressCallback) -> None:
    """Have the sheets' records tell `on_rows` how far the planning got, over all files."""
    total = sum(len(sheet.records) for sheet in sheets.values())
    on_rows(0, total)
    before = 0
    for sheet in sheets.values():
        sheet.records = RowsRead(
            sheet.records, lambda count, before=before: on_rows(before + count, total)
        )
        before += len(sheet.records)


def import_apply(
    *,
    plan: ImportPlan,
    on_progress: ProgressCallback | None = None,
    batch: ImportBatch | None = None,
) -> ImportBatch:
    """Write the plan, all of it or nothing, and record it as an undoable ImportBatch.

    A `batch` created beforehand (status running) is used instead of a new one. The batch row
    is written first, outside the import's transaction, so that a polling
    request sees it "running" with its progress (see `Progress`). A failed import leaves the
    data untouched and the batch marked "failed" with the reason.
    """
    if not plan.is_valid or not plan.kept:
        raise ValueError("An import with errors, or counted for a preview, cannot be applied.")
    names = [plan.filenames.get(role) or f"{role}.csv" for role in plan.files]
    if batch is None:
        batch = ImportBatch.objects.create(
            workspace=plan.workspace,
            source=ImportSource.INTERCHANGE,
            filenames=", ".join(names)[:500],
            created_by=plan.user,
            progress_total=plan.total,
        )
    else:  # created by the web page, which then polls it while a worker imports
        batch.progress_total = plan.total
        batch.filenames = ", ".join(names)[:500]
        batch.save(update_fields=["progress_total", "filenames"])
    progress = Progress(batch=batch, callback=on_progress)
    try:
        with _collector_paused(), transaction.atomic():
            client_ids: set[int] = set()
            for file_plan in plan.files.values():
                client_ids |= _write(file_plan, batch=batch, progress=progress)
            batch.status = ImportStatus.DONE
            batch.progress_done = plan.total
            batch.finished_at = timezone.now()
            batch.summary = {
                file_plan.target: {
                    "created": len(file_plan.to_create),
                    "updated": len(file_plan.to_update),
                }
                for file_plan in plan.files.values()
            }
            batch.save()
            announce_clients_changed(
                workspace_id=plan.workspace.pk, client_ids=client_ids, since=ALL_HISTORY
            )
    except Exception:
        logger.exception("Import %s failed while writing", batch.code)
        batch_failed(batch)
        raise
    finally:
        progress.close()
    return batch


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector rescans every live object each time it runs: with a hundred
    thousand planned rows alive for the whole import, it took more time than the import itself
    (half of applying a plan). An import makes no garbage cycles worth collecting early."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write(file_plan: FilePlan, *, batch: ImportBatch, progress: Progress) -> set[int]:
    """Insert and update one file's rows in chunks; return the clients they touch."""
    model = MODELS[file_plan.target]
    touched: set[int] = set()
    for chunk in chunks(file_plan.to_create):
        model.objects.bulk_create(chunk)
        record_changes(batch, file_plan.target, [(obj, None) for obj in chunk])
        touched |= {client_id_of(obj) for obj in chunk}
        progress.advance(len(chunk))
    now = timezone.now()
    for chunk in chunks(file_plan.to_update):
        bulk_update_versioned(model, chunk, now=now)
        record_changes(batch, file_plan.target, [(u.obj, u.before) for u in chunk])
        touched |= {client_id_of(u.obj) for u in chunk}
        touched |= {u.before["client_id"] for u in chunk if "client_id" in u.before}
        progress.advance(len(chunk))
    return touched
