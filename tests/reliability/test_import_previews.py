"""The preview of an import is worked out by a worker, never by a request: the page follows it
while it reads the file, shows what it found, and offers to try again when its worker died."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portfolio.interchange import import_plan
from portfolio.interchange.progress import EVERY, RowsRead
from portfolio.models import ImportBatch, ImportPreview, ImportStatus, Interaction
from portfolio.tasks import run_import_preview
from portfolio.uploads import STALLED_AFTER, imports_stalled_fail, upload_store
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "trackers"


@pytest.fixture
def queued_only(settings):
    """A worker that never comes: tasks are queued and not run."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _upload(http, workspace, name="toggl.csv", **headers):
    return http.post(
        reverse("portfolio:import_tracker_upload", kwargs={"ws": workspace.slug}),
        {"file": SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")},
        headers=headers,
    )


def _interactions_csv(rows: int) -> bytes:
    lines = ["client,occurred_at,kind,minutes,billable,feeling,flags,summary,author_email"]
    start = dt.datetime(2025, 1, 1, 9, 0)
    lines += [
        f"Client {i % 7},{start + dt.timedelta(minutes=30 * i):%Y-%m-%dT%H:%M},call,15,no,,,"
        f"Call {i},"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_no_request_reads_the_file_the_page_follows_the_worker(
    queued_only, logged_in, member, workspace, django_assert_max_num_queries
):
    http = logged_in(member)
    preview_url = _upload(http, workspace).url
    preview = ImportPreview.objects.get()
    assert preview.status == ImportStatus.RUNNING  # queued for a worker, nothing read yet

    with django_assert_max_num_queries(12):
        page = http.get(preview_url).content.decode()
    assert "Reading the file…" in page
    assert 'hx-trigger="every 1s"' in page
    assert "toggl.csv" in page

    # Importing before the preview is there does nothing but show the page again.
    assert http.post(preview_url).url == preview_url
    assert not ImportBatch.objects.exists()

    ImportPreview.objects.filter(pk=preview.pk).update(progress_done=5000, progress_total=12000)
    polled = http.get(preview_url, headers={"HX-Request": "true"}).content.decode()
    assert "5000 of 12000 rows checked" in polled.replace(",", "")

    run_import_preview.call(preview_id=preview.pk)  # the worker's turn
    preview.refresh_from_db()
    assert preview.status == ImportStatus.DONE, preview.error
    done = http.get(preview_url, headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"  # the whole page changes
    page = http.get(preview_url).content.decode()
    assert "3 work sessions will be added." in page
    assert not Interaction.objects.exists()


def test_the_preview_counts_its_rows_as_it_reads_them(manager, workspace):
    for number in range(7):
        ClientFactory(workspace=workspace, name=f"Client {number}")
    content = _interactions_csv(12_000)
    upload = upload_store(
        workspace=workspace,
        user=manager,
        kind="interchange",
        files={"interactions": SimpleUploadedFile("interactions.csv", content)},
    )
    preview = ImportPreview.objects.create(upload=upload, language="pt-br")
    run_import_preview.call(preview_id=preview.pk)
    preview.refresh_from_db()
    assert preview.status == ImportStatus.DONE
    assert (preview.progress_done, preview.progress_total) == (12_000, 12_000)
    [interactions] = preview.summary["files"]
    assert interactions["counts"] == {"created": 12_000, "updated": 0, "unchanged": 0}
    assert "interactions.csv" in interactions["file"]
    assert preview.summary["errors"] == [] and preview.summary["total"] == 12_000


def test_rows_read_are_reported_as_they_go_and_at_the_end():
    heard = []
    rows = RowsRead(range(2 * EVERY + 3), heard.append)
    assert sum(1 for _ in rows) == 2 * EVERY + 3
    assert heard == [EVERY, 2 * EVERY, 2 * EVERY + 3]
    assert len(rows) == 2 * EVERY + 3


def test_a_preview_whose_worker_died_can_be_tried_again(
    queued_only, logged_in, member, workspace, settings
):
    http = logged_in(member)
    preview_url = _upload(http, workspace).url
    long_ago = timezone.now() - STALLED_AFTER - dt.timedelta(minutes=1)
    ImportPreview.objects.update(progress_at=long_ago)

    page = http.get(preview_url).content.decode()
    assert "the worker reading the file ended before it finished" in page
    assert "every 1s" not in page
    assert "Try it again" in page and "Discard the file" in page
    assert ImportPreview.objects.get().status == ImportStatus.RUNNING  # a GET writes nothing

    imports_stalled_fail()  # the scheduler's watch marks it too
    assert ImportPreview.objects.get().error == ImportBatch.WORKER_LOST

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    again = http.post(preview_url, {"action": "reread"})
    assert again.url == preview_url
    assert "3 work sessions will be added." in http.get(preview_url).content.decode()


def test_a_preview_that_fails_says_so_and_imports_nothing(logged_in, member, workspace):
    http = logged_in(member)
    preview_url = _upload(http, workspace, **{"Accept-Language": "es"}).url
    preview = ImportPreview.objects.get()
    assert preview.language == "es"
    preview.upload.stored.get().file.delete(save=False)  # the storage lost the file
    ImportPreview.objects.update(status=ImportStatus.RUNNING)

    run_import_preview.call(preview_id=preview.pk)
    preview.refresh_from_db()
    assert preview.status == ImportStatus.FAILED
    page = http.get(preview_url, headers={"Accept-Language": "es"}).content.decode()
    assert "No se pudo leer el archivo hasta el final. No se importó nada." in page
    assert "Intentarlo de nuevo" in page
    assert not ImportBatch.objects.exists()


def test_a_preview_is_read_again_in_the_language_it_is_looked_at_in(logged_in, member, workspace):
    http = logged_in(member)
    preview_url = _upload(http, workspace).url
    english = http.get(preview_url).content.decode()
    assert "comma-separated" in english

    spanish = {"Accept-Language": "es"}
    waiting = http.get(preview_url, headers=spanish).content.decode()
    assert "Este archivo todavía no se ha leído con estas opciones." in waiting
    http.post(preview_url, {"action": "reread"}, headers=spanish)
    page = http.get(preview_url, headers=spanish).content.decode()
    assert "separado por comas" in page and "comma-separated" not in page
    assert ImportPreview.objects.count() == 2


def test_a_page_for_choices_never_asked_for_writes_nothing(logged_in, member, workspace):
    http = logged_in(member)
    preview_url = _upload(http, workspace).url
    page = http.get(preview_url, {"date_order": "mdy"}).content.decode()
    assert "has not been read with these choices yet" in page
    assert ImportPreview.objects.count() == 1


def _peak_bytes(workspace, user, rows: int) -> int:
    data = _interactions_csv(rows)
    tracemalloc.start()
    try:
        plan = import_plan(
            workspace=workspace, user=user, files={"interactions": data}, keep_rows=False
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert not plan.errors


def test_a_preview_holds_the_file_once_not_its_rows(manager, workspace):
    """Memory grows with the file's text (held once, decoded) and not with what is planned:
    rows and records are made as they are read and let go. Planning to write keeps every row
    (about 1,300 bytes each); a preview stays far below."""
    for number in range(7):
        ClientFactory(workspace=workspace, name=f"Client {number}")
    small, large = _peak_bytes(workspace, manager, 5_000), _peak_bytes(workspace, manager, 25_000)
    per_row = (large - small) / 20_000
    line = len(_interactions_csv(2)) // 3  # about the length of one line of the file
    assert per_row < 3 * line, per_row
