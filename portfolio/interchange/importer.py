"""Import the interchange files: plan (read and validate everything, write nothing), then apply
the plan in one transaction, recorded as an ImportBatch that can be undone as a whole."""

from __future__ import annotations

import contextlib
import gc
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
    CHUNK,
    MODELS,
    batch_writing,
    bulk_update_versioned,
    chunks,
    client_id_of,
    record_changes,
)

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
    _check_roles(files)
    with _collector_paused():
        return _plan(
            workspace=workspace,
            user=user,
            files=files,
            filenames=filenames,
            on_rows=on_rows,
            keep_rows=keep_rows,
        )


def import_files(
    *,
    workspace: Workspace,
    user: User,
    files: Mapping[str, bytes | None],
    batch: ImportBatch,
    filenames: Mapping[str, str] | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportPlan:
    """Plan and write `files` in one pass, as a worker imports an upload: each chunk of
    planned rows is written as soon as it is planned, inside one transaction, so that only a
    chunk of rows is held at a time however long the files are.

    All of it or nothing, as `import_apply`: a plan that turns out to have errors (the
    workspace changed since its preview) is rolled back and returned with them, `batch` left
    for the caller to fail, saying why. A valid plan comes back with `batch` done.
    """
    _check_roles(files)
    roles = [role for role in FILES if files.get(role) is not None]
    batch.filenames = _filenames(filenames or {}, roles)
    batch.save(update_fields=["filenames"])
    with batch_writing(batch, on_progress) as progress, _collector_paused(), transaction.atomic():
        writer = _Writer(batch=batch, progress=progress)
        plan = _plan(
            workspace=workspace,
            user=user,
            files=files,
            filenames=filenames,
            on_rows=None,
            keep_rows=True,
            writer=writer,
        )
        if plan.is_valid:
            writer.finish(plan)
        else:  # undo what was written before the errors turned up
            transaction.set_rollback(True)
    return plan


def _check_roles(files: Mapping[str, bytes | None]) -> None:
    if unknown := set(files) - set(FILES):
        raise ValueError(f"Unknown interchange files: {sorted(unknown)}")


def _plan(
    *,
    workspace: Workspace,
    user: User,
    files: Mapping[str, bytes | None],
    filenames: Mapping[str, str] | None,
    on_rows: ProgressCallback | None,
    keep_rows: bool,
    writer: _Writer | None = None,
) -> ImportPlan:
    plan = ImportPlan(
        workspace=workspace, user=user, filenames=dict(filenames or {}), kept=keep_rows
    )
    if writer is not None:
        writer.errors = plan.errors
    sheets = {}
    for role in FILES:
        if files.get(role) is None:
            continue
        plan.files[role] = FilePlan(role=role, target=TARGETS[role], keep=keep_rows, on_kept=writer)
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
            if writer is not None and not plan.errors:
                # Written before the next file is planned: its lines name these clients.
                writer.write(file_plan)
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
    names = _filenames(plan.filenames, list(plan.files))
    if batch is None:
        batch = ImportBatch.objects.create(
            workspace=plan.workspace,
            source=ImportSource.INTERCHANGE,
            filenames=names,
            created_by=plan.user,
            progress_total=plan.total,
        )
    else:  # created by the web page, which then polls it while a worker imports
        batch.progress_total = plan.total
        batch.filenames = names
        batch.save(update_fields=["progress_total", "filenames"])
    with batch_writing(batch, on_progress) as progress, _collector_paused(), transaction.atomic():
        writer = _Writer(batch=batch, progress=progress)
        for file_plan in plan.files.values():
            writer.write(file_plan)
        writer.finish(plan)
    return batch


def _filenames(filenames: Mapping[str, str], roles: list[str]) -> str:
    """The files as the batch lists them: as the user named them, else by their role."""
    return ", ".join(filenames.get(role) or f"{role}.csv" for role in roles)[:500]


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


class _Writer:
    """Writes a plan's rows in chunks inside the import's transaction, recording each change
    for undo, then closes the batch and announces the clients the import touched."""

    def __init__(self, *, batch: ImportBatch, progress: Progress) -> None:
        self.batch, self.progress = batch, progress
        self.touched: set[int] = set()
        self.errors: list = []  # the plan's, once planning starts

    def __call__(self, file_plan: FilePlan) -> None:
        """A row was kept: write once a chunk of them waits. Once a line was refused, nothing
        more is written (the import will be rolled back, and a row may name a client that was
        never written): the rows are let go instead."""
        if self.errors:
            file_plan.to_create, file_plan.to_update = [], []
        elif len(file_plan.to_create) >= CHUNK or len(file_plan.to_update) >= CHUNK:
            self.write(file_plan)

    def write(self, file_plan: FilePlan) -> None:
        """Insert and update the rows `file_plan` holds, and let go of them."""
        model = MODELS[file_plan.target]
        for chunk in chunks(file_plan.to_create):
            model.objects.bulk_create(chunk)
            record_changes(self.batch, file_plan.target, [(obj, None) for obj in chunk])
            self.touched |= {client_id_of(obj) for obj in chunk}
            self.progress.advance(len(chunk))
        now = timezone.now()
        for chunk in chunks(file_plan.to_update):
            bulk_update_versioned(model, chunk, now=now)
            record_changes(self.batch, file_plan.target, [(u.obj, u.before) for u in chunk])
            self.touched |= {client_id_of(u.obj) for u in chunk}
            self.touched |= {u.before["client_id"] for u in chunk if "client_id" in u.before}
            self.progress.advance(len(chunk))
        file_plan.to_create, file_plan.to_update = [], []

    def finish(self, plan: ImportPlan) -> None:
        batch = self.batch
        batch.status = ImportStatus.DONE
        batch.progress_done = plan.total
        batch.finished_at = timezone.now()
        batch.summary = {
            file_plan.target: {"created": file_plan.created, "updated": file_plan.updated}
            for file_plan in plan.files.values()
        }
        batch.save()
        announce_clients_changed(
            workspace_id=plan.workspace.pk, client_ids=self.touched, since=ALL_HISTORY
        )
