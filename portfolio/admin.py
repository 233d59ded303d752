"""Imports in the operators' admin (accounts.admin.site): read-only, to follow a failed one.

Imports are applied and undone by the import services; uploaded files are customer data, so an
upload shows who sent what kind of file and when, never its content.
"""

from __future__ import annotations

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin, site

from .models import ImportBatch, ImportUpload


@admin.register(ImportBatch, site=site)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("workspace", "source", "status", "created_by", "created_at", "finished_at")
    list_filter = ("status", "source")
    search_fields = ("workspace__name", "workspace__slug", "filenames", "created_by__email")
    list_select_related = ("workspace", "created_by")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    fields = (
        "code",
        "workspace",
        "source",
        "filenames",
        "created_by",
        "status",
        "progress_done",
        "progress_total",
        "summary",
        "error",
        "created_at",
        "finished_at",
        "undone_at",
    )


@admin.register(ImportUpload, site=site)
class ImportUploadAdmin(ReadOnlyAdmin):
    list_display = ("workspace", "kind", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("workspace__name", "workspace__slug", "created_by__email")
    list_select_related = ("workspace", "created_by")
    ordering = ("-created_at",)
    # The files are in the storage: neither read nor linked from here.
    fields = ("code", "workspace", "kind", "created_by", "created_at")
