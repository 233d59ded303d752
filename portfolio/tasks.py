"""Background work of the portfolio (Django's tasks API; a worker runs it in production).

A task's arguments are plain JSON (strings, integers, booleans): a database backend stores
them. Each import runs in the language of the person who started it, so the reason a failed
one stores reads, on the status page, in the language the import was started in.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Workspace

from .interchange import ImportPlan, import_apply, import_plan
from .models import Client, ImportBatch, ImportSource, ImportStatus, ImportUpload
from .trackers.importer import TrackerPlan, tracker_import_apply, tracker_import_plan
from .uploads import upload_content, upload_name

ROLES = ("clients", "interactions", "invoices")
DATE_ORDERS = ("dmy", "mdy")  # the orders a user can choose; otherwise read from the data


def files_import_start(*, upload: ImportUpload, plan: ImportPlan, language: str) -> ImportBatch:
    """Create the batch the status page follows (committed, running), then queue the import.

    The immediate backend of development and tests imports before this returns.
    """
    batch = ImportBatch.objects.create(
        workspace=plan.workspace,
        source=ImportSource.INTERCHANGE,
        created_by=plan.user,
        progress_total=plan.total,
        progress_at=timezone.now(),
        upload=upload,
    )
    run_files_import.enqueue(
        upload_code=str(upload.code), batch_code=str(batch.code), language=language
    )
    return batch


def tracker_import_start(
    *,
    upload: ImportUpload,
    plan: TrackerPlan,
    assign_to: Client | None,
    skip_overlapping: bool,
    language: str,
) -> ImportBatch:
    """As `files_import_start`, for a time-tracker export. The choices made in the preview go
    along as plain values, so the worker imports exactly what the preview showed."""
    batch = ImportBatch.objects.create(
        workspace=plan.workspace,
        source=plan.source,
        filenames=plan.filename[:500],
        created_by=plan.user,
        progress_total=len(plan.to_write(skip_overlapping=skip_overlapping)) + len(plan.to_restore),
        progress_at=timezone.now(),
        upload=upload,
    )
    run_tracker_import.enqueue(
        upload_code=str(upload.code),
        batch_code=str(batch.code),
        date_order=plan.date_order or "",
        assign_to=str(assign_to.code) if assign_to else "",
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
    plan = import_plan(
        workspace=batch.workspace,
        user=batch.created_by,
        files={role: upload_content(upload, role) for role in ROLES},
        filenames={role: upload_name(upload, role) for role in ROLES},
    )
    if not plan.is_valid:  # the workspace changed since the preview
        _fail(batch, "\n".join(str(error) for error in plan.errors[:50]))
        return
    import_apply(plan=plan, batch=batch)
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
