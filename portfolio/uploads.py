"""Uploaded import files, kept in the default storage between the preview and the
confirmation (portfolio.models.ImportFile): never in the database, capped per request and per
workspace, pruned by the scheduler; and the scheduler's watch over imports whose worker died."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User, Workspace

from .models import ImportBatch, ImportFile, ImportPreview, ImportStatus, ImportUpload


def max_upload_bytes() -> int:
    """One upload request, all its files together (the proxy's own limit in
    docs/operations.md must be at least this)."""
    return settings.IMPORT_UPLOAD_MAX_BYTES


def quota_bytes() -> int:
    """What a workspace's uploads waiting for their preview may take at once."""
    return settings.IMPORT_WORKSPACE_QUOTA_BYTES


# An upload nobody confirmed is deleted after this long.
KEPT_FOR = dt.timedelta(days=1)
# A running import that reported no progress for this long has lost its worker. Progress is
# reported every thousand rows (on SQLite only at the end: far below this for any file).
STALLED_AFTER = dt.timedelta(minutes=settings.IMPORT_STALLED_MINUTES)


def quota_used(workspace: Workspace) -> int:
    """Bytes of this workspace's uploads waiting for a preview or a confirmation."""
    stored = ImportFile.objects.filter(upload__workspace=workspace).aggregate(total=Sum("size"))
    return stored["total"] or 0


@transaction.atomic
def upload_store(
    *, workspace: Workspace, user: User, kind: str, files: dict[str, UploadedFile]
) -> ImportUpload:
    """Keep the files for the preview. The caller checked their size and the quota."""
    upload = ImportUpload.objects.create(workspace=workspace, created_by=user, kind=kind)
    for role, uploaded in files.items():
        stored = ImportFile(upload=upload, role=role, name=uploaded.name[:255], size=uploaded.size)
        stored.file.save(uploaded.name, uploaded, save=False)  # copied in chunks
        stored.save()
    return upload


def _stored(upload: ImportUpload, role: str) -> ImportFile | None:
    return next((f for f in upload.stored.all() if f.role == role), None)


def upload_content(upload: ImportUpload, role: str) -> bytes | None:
    stored = _stored(upload, role)
    if stored is None:
        return None
    with stored.file.open("rb") as handle:
        return handle.read()


def upload_name(upload: ImportUpload, role: str) -> str:
    stored = _stored(upload, role)
    return stored.name if stored else ""


def upload_names(upload: ImportUpload) -> list[str]:
    return [stored.name for stored in upload.stored.all()]


def uploads_waiting(*, workspace: Workspace, user: User) -> list[ImportUpload]:
    """The person's uploads not imported yet, newest first, with their files."""
    return list(
        ImportUpload.objects.for_workspace(workspace)
        .filter(created_by=user)
        .prefetch_related("stored")
        .order_by("-created_at")
    )


def preview_lost(preview: ImportPreview) -> bool:
    """Running, and silent for so long that its worker must have died."""
    silent = preview.progress_at or preview.created_at
    return preview.status == ImportStatus.RUNNING and silent < timezone.now() - STALLED_AFTER


def imports_stalled_fail(*, now: dt.datetime | None = None) -> int:
    """Mark failed the running imports (and previews) silent for longer than STALLED_AFTER;
    return how many imports. Their files stay
    (until pruned) so that the status page can offer to try again. An import that was only slow
    and finishes after all saves itself as done."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    stalled = ImportBatch.objects.filter(status=ImportStatus.RUNNING).filter(
        models.Q(progress_at__lt=cutoff) | models.Q(progress_at=None, created_at__lt=cutoff)
    )
    previews = ImportPreview.objects.filter(status=ImportStatus.RUNNING).filter(
        models.Q(progress_at__lt=cutoff) | models.Q(progress_at=None, created_at__lt=cutoff)
    )
    previews.update(status=ImportStatus.FAILED, error=ImportBatch.WORKER_LOST)
    return stalled.update(
        status=ImportStatus.FAILED, error=ImportBatch.WORKER_LOST, finished_at=timezone.now()
    )


def uploads_prune(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads left unconfirmed for longer than KEPT_FOR, with their files."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    stale = ImportUpload.objects.filter(created_at__lt=cutoff)
    count = stale.count()
    stale.delete()  # each ImportFile's stored file goes on commit (portfolio.receivers)
    return count
