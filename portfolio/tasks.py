"""Background work of the portfolio (Django's tasks API; a worker runs it in production).

A task's arguments are plain JSON (strings, integers, booleans): a database backend stores
them. Each import runs in the language of the person who started it, so the reason a failed
one stores reads, on the status page, in the language the import was started in.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Workspace

from .interchange import import_files, import_plan
from .models import Client, ImportBatch, ImportPreview, ImportSource, ImportStatus, ImportUpload
from .previews import DATE_ORDERS, files_summary, tracker_summary
from .trackers.importer import tracker_import_apply, tracker_import_plan
from .uploads import preview_lost, upload_content, upload_name

logger = logging.getLogger(__name__)

ROLES = ("clients", "interactions", "invoices")


def preview_start(
    *, upload: ImportUpload, choices: str, language: str, again: bool = False
) -> ImportPreview:
    """The preview of `upload` with `choices` (portfolio.previews.preview_choices), queued for
    a worker. One under way already is left to go on, unless its worker went silent; one that
    failed starts again; one worked out is kept, unless `again` (the workspace may have changed
    since: someone logged time by hand, say)."""
    preview, created = ImportPreview.objects.get_or_create(
        upload=upload, choices=choices, language=language
    )
    if not created:
        going = preview.status == ImportStatus.RUNNING and not preview_lost(preview)
        if going or (preview.status == ImportStatus.DONE and not again):
            return preview
        preview.status, preview.error, preview.summary = ImportStatus.RUNNING, "", {}
        preview.progress_done = preview.progress_total = 0
        preview.progress_at = timezone.now()
        preview.save()
    run_import_preview.enqueue(preview_id=preview.pk)
    return preview


@task
def run_import_preview(*, preview_id: int) -> None:
    """Read the upload and work out what importing it would do, with the preview's choices
    and in its language; store that for the preview page, which polls it meanwhile."""
    preview = (
        ImportPreview.objects.select_related("upload__workspace", "upload__created_by")
        .filter(pk=preview_id, status=ImportStatus.RUNNING)
        .first()
    )
    if preview is None:  # discarded meanwhile, or worked out by an earlier run
        return
    with translation.override(_supported(preview.language)):
        try:
            summary = _preview_summary(preview)
        except Exception:
            logger.exception("Preview %s failed", preview.pk)
            ImportPreview.objects.filter(pk=preview.pk).update(
                status=ImportStatus.FAILED,
                error=_("The file could not be read to the end. Nothing was imported."),
                progress_at=timezone.now(),
            )
            return
        ImportPreview.objects.filter(pk=preview.pk).update(
            status=ImportStatus.DONE, summary=summary, progress_at=timezone.now()
        )


class _PreviewProgress:
    """Writes how many rows were read to the preview row, at most twice a second."""

    def __init__(self, preview: ImportPreview) -> None:
        self.preview_id = preview.pk
        self.written = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.written < 0.5:
            return
        self.written = now
        ImportPreview.objects.filter(pk=self.preview_id).update(
            progress_done=done, progress_total=total, progress_at=timezone.now()
        )


def _preview_summary(preview: ImportPreview) -> dict:
    upload = ImportUpload.objects.prefetch_related("stored").get(pk=preview.upload_id)
    workspace, user = preview.upload.workspace, preview.upload.created_by
    progress = _PreviewProgress(preview)
    if upload.kind == "interchange":
        plan = import_plan(
            workspace=workspace,
            user=user,
            files={role: upload_content(upload, role) for role in ROLES},
            filenames={role: upload_name(upload, role) for role in ROLES},
            on_rows=progress,
            keep_rows=False,
        )
        return files_summary(plan)
    chosen = parse_qs(preview.choices)
    date_order = chosen.get("date_order", [""])[0]
    assign_to = chosen.get("assign_to", [""])[0]
    plan = tracker_import_plan(
        workspace=workspace,
        user=user,
        data=upload_content(upload, "tracker") or b"",
        filename=upload_name(upload, "tracker"),
        date_order=date_order if date_order in DATE_ORDERS else None,
        assign_to=_client(workspace, assign_to) if assign_to else None,
        on_rows=progress,
    )
    return tracker_summary(plan)


def files_import_start(
    *, upload: ImportUpload, preview: ImportPreview, language: str
) -> ImportBatch:
    """Create the batch the status page follows (committed, running), then queue the import of
    what `preview` showed. The worker reads the files again: it imports them as they are then,
    and fails, saying why, if the workspace changed so much that they no longer apply.

    The immediate backend of development and tests imports before this returns.
    """
    batch = ImportBatch.objects.create(
        workspace=upload.workspace,
        source=ImportSource.INTERCHANGE,
        created_by=upload.created_by,
        progress_total=preview.summary["total"],
        progress_at=timezone.now(),
        upload=upload,
    )
    run_files_import.enqueue(
        upload_code=str(upload.code), batch_code=str(batch.code), language=language
    )
    return batch


def tracker_import_start(
    *, upload: ImportUpload, preview: ImportPreview, skip_overlapping: bool, language: str
) -> ImportBatch:
    """As `files_import_start`, for a time-tracker export. The choices made in the preview go
    along as plain values, so the worker imports exactly what the preview showed."""
    summary = preview.summary
    chosen = parse_qs(preview.choices)
    batch = ImportBatch.objects.create(
        workspace=upload.workspace,
        source=summary["source"],
        filenames=summary["filename"][:500],
        created_by=upload.created_by,
        progress_total=summary["to_write_skipping" if skip_overlapping else "to_write"],
        progress_at=timezone.now(),
        upload=upload,
    )
    run_tracker_import.enqueue(
        upload_code=str(upload.code),
        batch_code=str(batch.code),
        date_order=summary["date_order"],  # "iso" when read from the data: read so again
        assign_to=chosen.get("assign_to", [""])[0],
        skip_overlapping=skip_overlapping,
        language=language,
    )
    return batch


@task
def run_files_import(*, upload_code: str, batch_code: str, language: str = "") -> None:
    """Import the uploaded files into the batch the page is polling."""
    with translation.override(_supported(language)):
        _files_import(upload_code=upload_code, batch_code=batch_code)


@task
def run_tracker_import(
    *,
    upload_code: str,
    batch_code: str,
    date_order: str = "",
    assign_to: str = "",
    skip_overlapping: bool = False,
    language: str = "",
) -> None:
    """Import the uploaded tracker export into the batch the page is polling.

    `date_order` ("dmy" or "mdy") and `assign_to` (a client's code, for the entries that have
    no client) are the answers given in the preview; empty when none was asked for.
    """
    with translation.override(_supported(language)):
        _tracker_import(
            upload_code=upload_code,
            batch_code=batch_code,
            date_order=date_order if date_order in DATE_ORDERS else None,
            assign_to=assign_to,
            skip_overlapping=skip_overlapping,
        )


def _files_import(*, upload_code: str, batch_code: str) -> None:
    batch = ImportBatch.objects.select_related("workspace", "created_by").get(code=batch_code)
    upload = _upload(batch, upload_code, kind="interchange")
    if upload is None:
        _fail(batch, _("The uploaded files are gone; upload them again."))
        return
    plan = import_files(
        workspace=batch.workspace,
        user=batch.created_by,
        files={role: upload_content(upload, role) for role in ROLES},
        filenames={role: upload_name(upload, role) for role in ROLES},
        batch=batch,
    )
    if not plan.is_valid:  # the workspace changed since the preview: nothing was written
        _fail(batch, "\n".join(str(error) for error in plan.errors[:50]))
        return
    upload.delete()


def _tracker_import(
    *,
    upload_code: str,
    batch_code: str,
    date_order: str | None,
    assign_to: str,
    skip_overlapping: bool,
) -> None:
    batch = ImportBatch.objects.select_related("workspace", "created_by").get(code=batch_code)
    upload = _upload(batch, upload_code, kind="tracker")
    if upload is None:
        _fail(batch, _("The uploaded file is gone; upload it again."))
        return
    client = _client(batch.workspace, assign_to) if assign_to else None
    if assign_to and client is None:
        _fail(
            batch,
            _(
                "The client you chose for the entries without one is no longer in the "
                "workspace; upload the file again."
            ),
        )
        return
    plan = tracker_import_plan(
        workspace=batch.workspace,
        user=batch.created_by,
        data=upload_content(upload, "tracker") or b"",
        filename=upload_name(upload, "tracker"),
        date_order=date_order,
        assign_to=client,
    )
    if not plan.is_valid:
        _fail(batch, "\n".join(str(problem) for problem in plan.problems[:50]))
        return
    tracker_import_apply(plan=plan, skip_overlapping=skip_overlapping, batch=batch)
    upload.delete()


def _supported(language: str) -> str:
    """The language to run in: the one given when this site speaks it, else the default."""
    try:
        return translation.get_supported_language_variant(language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _upload(batch: ImportBatch, code: str, *, kind: str) -> ImportUpload | None:
    try:
        return (
            ImportUpload.objects.filter(code=code, workspace=batch.workspace, kind=kind)
            .prefetch_related("stored")
            .first()
        )
    except ValidationError:  # not a code at all
        return None


def _client(workspace: Workspace, code: str) -> Client | None:
    try:
        return Client.objects.for_workspace(workspace).alive().filter(code=code).first()
    except ValidationError:
        return None


def _fail(batch: ImportBatch, reason: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )
