"""Background work of the portfolio (Django's tasks API; a worker runs it in production)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from .interchange import import_apply, import_plan
from .models import ImportBatch, ImportStatus, ImportUpload
from .uploads import upload_content, upload_name

ROLES = ("clients", "interactions", "invoices")


@task
def run_files_import(*, upload_code: str, batch_code: str) -> None:
    """Import the uploaded files into the batch the page is polling."""
    batch = ImportBatch.objects.select_related("workspace", "created_by").get(code=batch_code)
    upload = ImportUpload.objects.filter(code=upload_code, workspace=batch.workspace).first()
    if upload is None:
        _fail(batch, "The uploaded files are gone; upload them again.")
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


def _fail(batch: ImportBatch, reason: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )
