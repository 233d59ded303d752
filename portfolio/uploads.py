"""Uploaded import files, kept in the database between the preview and the confirmation."""

from __future__ import annotations

import base64
import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from accounts.models import User, Workspace

from .models import ImportUpload

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def upload_store(
    *, workspace: Workspace, user: User, kind: str, files: dict[str, UploadedFile]
) -> ImportUpload:
    ImportUpload.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=1)).delete()
    return ImportUpload.objects.create(
        workspace=workspace,
        created_by=user,
        kind=kind,
        files={
            role: {"name": upload.name, "data": base64.b64encode(upload.read()).decode()}
            for role, upload in files.items()
        },
    )


def upload_content(upload: ImportUpload, role: str) -> bytes | None:
    stored = upload.files.get(role)
    return base64.b64decode(stored["data"]) if stored else None


def upload_name(upload: ImportUpload, role: str) -> str:
    return upload.files.get(role, {}).get("name", "")
