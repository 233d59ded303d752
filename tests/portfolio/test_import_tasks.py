"""The background imports, called as a worker calls them: plain arguments, state in the batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone, translation

from portfolio import tasks
from portfolio.models import Client, ImportStatus, ImportUpload, Interaction
from portfolio.tasks import run_files_import, run_tracker_import
from tests.factories import ClientFactory, ImportBatchFactory, ImportUploadFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "trackers"
NO_SUCH_CODE = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def running(workspace, member):
    """A batch as the preview creates it before queueing the work."""
    return ImportBatchFactory(
        workspace=workspace, created_by=member, status=ImportStatus.RUNNING, summary={}
    )


def tracker_upload(workspace, user, name):
    return ImportUploadFactory(
        workspace=workspace, created_by=user, filename=name, content=(DATA / name).read_bytes()
    )


def test_a_tracker_import_writes_into_the_batch_the_page_follows(running, workspace, member):
    upload = tracker_upload(workspace, member, "toggl.csv")
    run_tracker_import.call(upload_code=str(upload.code), batch_code=str(running.code))
    running.refresh_from_db()
    assert running.status == ImportStatus.DONE and running.finished_at is not None
    assert (running.progress_done, running.progress_total) == (3, 3)
    assert running.summary == {"client": {"created": 2}, "interaction": {"created": 3}}
    assert set(running.changes.values_list("target", flat=True)) == {"client", "interaction"}
    assert Interaction.objects.count() == 3
    assert not ImportUpload.objects.exists()


def test_a_tracker_import_whose_file_is_gone_fails_with_a_reason(running):
    run_tracker_import.call(upload_code=NO_SUCH_CODE, batch_code=str(running.code))
    running.refresh_from_db()
    assert running.status == ImportStatus.FAILED and running.finished_at is not None
    assert running.error == "The uploaded file is gone; upload it again."
    assert not Interaction.objects.exists()


def test_a_client_chosen_in_the_preview_then_trashed_fails_the_import(running, workspace, member):
    chosen = ClientFactory(workspace=workspace, name="Internal", deleted_at=timezone.now())
    upload = tracker_upload(workspace, member, "toggl.csv")
    run_tracker_import.call(
        upload_code=str(upload.code), batch_code=str(running.code), assign_to=str(chosen.code)
    )
    running.refresh_from_db()
    assert running.status == ImportStatus.FAILED
    assert "The client you chose for the entries without one" in running.error
    assert not Interaction.objects.exists()
    assert list(Client.objects.all()) == [chosen]
    assert ImportUpload.objects.exists()  # kept: nothing was imported


def test_a_failure_reads_in_the_language_the_import_was_started_in(running, workspace, member):
    upload = tracker_upload(workspace, member, "toggl_with_errors.csv")
    run_tracker_import.call(
        upload_code=str(upload.code), batch_code=str(running.code), language="pt-br"
    )
    running.refresh_from_db()
    assert running.status == ImportStatus.FAILED
    assert "Linha 3, start date: “2026-02-30” não é uma data." in running.error
    assert translation.get_language() == "en"  # the worker's own language is left as it was


def test_a_failure_reads_in_english_by_default_and_for_an_unknown_language(workspace, member):
    for language in ("", "xx"):
        batch = ImportBatchFactory(workspace=workspace, created_by=member, status="running")
        upload = tracker_upload(workspace, member, "toggl_with_errors.csv")
        run_tracker_import.call(
            upload_code=str(upload.code), batch_code=str(batch.code), language=language
        )
        batch.refresh_from_db()
        assert "Line 3, start date: “2026-02-30” is not a date." in batch.error
        assert "Line 4, start time: “25:99” is not a time of day." in batch.error


@pytest.mark.parametrize("task", [run_files_import, run_tracker_import], ids=lambda t: t.name)
def test_the_tasks_own_reasons_are_translated_in_the_language_given(task, running, monkeypatch):
    """Their translations come later: a stand-in gettext shows which language was active."""
    monkeypatch.setattr(tasks, "_", lambda message: f"[{translation.get_language()}] {message}")
    task.call(upload_code=NO_SUCH_CODE, batch_code=str(running.code), language="es")
    running.refresh_from_db()
    assert running.error.startswith("[es] The uploaded file")


def test_the_files_import_fails_in_the_language_it_was_started_in(running, workspace, manager):
    upload = ImportUploadFactory(
        workspace=workspace,
        created_by=manager,
        kind="interchange",
        files={"clients": ("clients.csv", b"name,status\nAtlas,sleeping\n")},
    )
    run_files_import.call(
        upload_code=str(upload.code), batch_code=str(running.code), language="pt-br"
    )
    running.refresh_from_db()
    assert running.status == ImportStatus.FAILED
    assert running.error.startswith("clients.csv, linha 2, coluna status:")
    assert not Client.objects.exists()


def test_an_upload_of_the_other_kind_is_not_imported(running, workspace, member):
    upload = tracker_upload(workspace, member, "toggl.csv")
    run_files_import.call(upload_code=str(upload.code), batch_code=str(running.code))
    running.refresh_from_db()
    assert running.status == ImportStatus.FAILED
    assert not Interaction.objects.exists()
