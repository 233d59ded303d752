"""Uploads that cannot take the server down: kept as files (never in the database), refused
before their body is read when too large, capped per workspace, discarded or pruned with their
files, and an import whose worker died marked failed with a way to try again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portfolio.models import ImportBatch, ImportFile, ImportUpload, Interaction
from portfolio.uploads import imports_stalled_fail, uploads_prune
from tests.factories import ImportUploadFactory

pytestmark = pytest.mark.django_db

TOGGL = (Path(__file__).resolve().parent.parent / "data" / "trackers" / "toggl.csv").read_bytes()


def url(name, workspace, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def upload(http, workspace, content: bytes = TOGGL, name: str = "toggl.csv"):
    return http.post(
        url("portfolio:import_tracker_upload", workspace),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_an_upload_is_a_file_in_the_storage_until_it_is_imported(
    logged_in, member, workspace, django_capture_on_commit_callbacks
):
    http = logged_in(member)
    preview = upload(http, workspace)
    assert preview.status_code == 302

    stored = ImportFile.objects.get()
    assert (stored.role, stored.name, stored.size) == ("tracker", "toggl.csv", len(TOGGL))
    assert "toggl" not in stored.file.name  # a random name, not the one given
    with default_storage.open(stored.file.name) as handle:
        assert handle.read() == TOGGL
    assert http.get(preview.url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        http.post(preview.url, {})
    assert Interaction.objects.filter(kind="work_session").exists()
    assert not ImportUpload.objects.exists()
    assert not default_storage.exists(stored.file.name)


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(
    logged_in, member, workspace, settings
):
    settings.IMPORT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    http = logged_in(member)
    # The request says it carries 200 MB: only its headers are looked at.
    response = http.generic(
        "POST",
        url("portfolio:import_tracker_upload", workspace),
        b"not read",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        HTTP_ACCEPT_LANGUAGE="pt-BR",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert (
        "O Clientwise aceita no máximo 10 MB por envio, por isso nada dele foi lido nem salvo."
        in page
    )
    assert not ImportUpload.objects.exists()


def test_files_larger_than_the_limit_inside_a_body_that_fits_are_cut_off(
    logged_in, member, workspace, settings
):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1024 * 1024  # the body fits in the margin around files
    response = upload(logged_in(member), workspace, content=b"x" * (1024 * 1024 + 4096))
    assert response.status_code == 422
    page = response.content.decode()
    assert "The file is larger than 1 MB." in page
    assert "This field is required" not in page
    assert not ImportUpload.objects.exists()


def test_a_workspace_keeps_at_most_its_quota_of_uploads_waiting(
    logged_in, member, workspace, settings
):
    settings.IMPORT_WORKSPACE_QUOTA_BYTES = len(TOGGL) * 2
    http = logged_in(member)
    assert upload(http, workspace).status_code == 302
    assert upload(http, workspace).status_code == 302
    refused = upload(http, workspace)
    assert refused.status_code == 422
    assert "uploads waiting for their preview" in refused.content.decode()
    assert ImportUpload.objects.count() == 2


def test_an_upload_is_discarded_with_its_file(
    logged_in, member, workspace, django_capture_on_commit_callbacks
):
    http = logged_in(member)
    upload(http, workspace)
    waiting = ImportUpload.objects.get()
    name = waiting.stored.get().file.name
    page = http.get(url("portfolio:import_list", workspace)).content.decode()
    assert "Waiting for your confirmation" in page and "toggl.csv" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(url("portfolio:import_upload_discard", workspace, code=waiting.code))
    assert response.status_code == 302
    assert not ImportUpload.objects.exists()
    assert not default_storage.exists(name)
    assert not Interaction.objects.exists()


def test_someone_else_s_upload_cannot_be_discarded(logged_in, member, manager, workspace):
    waiting = ImportUploadFactory(workspace=workspace, created_by=manager, content=TOGGL)
    response = logged_in(member).post(
        url("portfolio:import_upload_discard", workspace, code=waiting.code)
    )
    assert response.status_code == 403
    assert ImportUpload.objects.exists()


def test_uploads_left_for_a_day_are_pruned_with_their_files(
    workspace, member, django_capture_on_commit_callbacks
):
    old = ImportUploadFactory(workspace=workspace, created_by=member, content=TOGGL)
    fresh = ImportUploadFactory(workspace=workspace, created_by=member, content=TOGGL)
    ImportUpload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    old_file = old.stored.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert uploads_prune() == 1
    assert list(ImportUpload.objects.all()) == [fresh]
    assert not default_storage.exists(old_file)
    assert default_storage.exists(fresh.stored.get().file.name)


def test_an_import_whose_worker_died_is_failed_and_can_be_tried_again(logged_in, member, workspace):
    waiting = ImportUploadFactory(workspace=workspace, created_by=member, content=TOGGL)
    now = timezone.now()
    silent = ImportBatch.objects.create(
        workspace=workspace,
        source="toggl",
        created_by=member,
        upload=waiting,
        progress_at=now - dt.timedelta(minutes=31),
    )
    busy = ImportBatch.objects.create(
        workspace=workspace, source="toggl", created_by=member, progress_at=now
    )
    assert imports_stalled_fail() == 1
    silent.refresh_from_db()
    busy.refresh_from_db()
    assert (silent.status, busy.status) == ("failed", "running")

    page = logged_in(member).get(url("portfolio:import_status", workspace, code=silent.code))
    html = page.content.decode()
    assert "the worker running it ended before it finished, so nothing was imported" in html
    assert "Try it again" in html
    assert url("portfolio:import_preview", workspace, code=waiting.code) in html
    assert url("portfolio:import_upload_discard", workspace, code=waiting.code) in html


# Undo, seen by the person who undoes


def test_undo_says_what_it_left_and_the_trash_page_brings_an_invoice_back(
    logged_in, manager, workspace
):
    from decimal import Decimal

    from portfolio import services
    from portfolio.interchange import import_apply, import_plan
    from portfolio.models import Invoice

    files = {
        "clients": b"name\nAtlas\n",
        "invoices": b"client,number,issued_on,amount\nAtlas,F-1,2026-01-01,120.00\n"
        b"Atlas,F-2,2026-02-01,80.00\n",
    }
    batch = import_apply(plan=import_plan(workspace=workspace, user=manager, files=files))
    edited = Invoice.objects.get(number="F-2")
    services.invoice_update(invoice=edited, version=edited.version, amount=Decimal("85.00"))
    http = logged_in(manager)

    page = http.post(url("portfolio:import_undo", workspace, code=batch.code), follow=True)

    html = page.content.decode()
    assert "what it added is in the trash" in html
    assert "2 records were changed since the import (or hold work that was)" in html
    assert "“F-2”" in html and "“Atlas”" in html  # Atlas has an invoice it did not add now
    trashed = Invoice.objects.get(number="F-1")
    assert trashed.deleted_at is not None
    trash = http.get(url("portfolio:client_trash", workspace)).content.decode()
    assert "Invoices in the trash" in trash and "F-1" in trash

    http.post(url("portfolio:invoice_restore", workspace, code=trashed.code))
    trashed.refresh_from_db()
    assert trashed.deleted_at is None
