from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks.signals import task_enqueued
from django.urls import reverse

from portfolio.models import Client, ImportBatch, ImportStatus, ImportUpload, Interaction
from portfolio.trackers.importer import tracker_import_plan
from tests.factories import (
    ClientFactory,
    ImportBatchFactory,
    ImportChangeFactory,
    InteractionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "trackers"


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def upload(client, workspace, name):
    content = (DATA / name).read_bytes()
    return client.post(
        url("portfolio:import_tracker_upload", workspace),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def choose(client, preview_url, **choices) -> str:
    """Ask for the preview with other choices, as the preview's forms do; its page's address."""
    response = client.post(preview_url, {"action": "reread", **choices})
    assert response.status_code == 302
    return response.url


def test_upload_preview_confirm_then_undo(logged_in, member, workspace):
    http = logged_in(member)
    response = upload(http, workspace, "toggl.csv")
    preview = http.get(response.url)
    html = preview.content.decode()
    assert "3 work sessions will be added." in html
    assert "Nova Cliente" in html
    assert "1 entry has no client" in html
    assert not Interaction.objects.exists()  # nothing before confirming

    confirmed = http.post(response.url)
    batch = ImportBatch.objects.get()
    assert confirmed.url == url("portfolio:import_status", workspace, code=batch.code)
    assert (batch.status, batch.source, batch.filenames) == ("done", "toggl", "toggl.csv")
    status = http.get(confirmed.url).content.decode()
    assert "Import done: 2 clients added, 3 interactions added." in status
    assert "every 1s" not in status
    assert Interaction.objects.count() == 3
    assert not ImportUpload.objects.exists()

    http.post(url("portfolio:import_undo", workspace, code=batch.code))
    assert not Interaction.objects.alive().exists()  # in the trash, not deleted
    assert not Client.objects.alive().exists()
    assert Interaction.objects.filter(deleted_at__isnull=False).count() == 3
    batch.refresh_from_db()
    assert batch.status == "undone"


def test_undo_keeps_clients_that_existed_before(logged_in, member, workspace):
    ClientFactory(workspace=workspace, name="Padaria Estrela")
    http = logged_in(member)
    http.post(upload(http, workspace, "toggl.csv").url)
    http.post(url("portfolio:import_undo", workspace, code=ImportBatch.objects.get().code))
    assert list(Client.objects.alive().values_list("name", flat=True)) == ["Padaria Estrela"]
    assert list(Client.objects.in_trash().values_list("name", flat=True)) == ["Nova Cliente"]


def test_ambiguous_dates_are_asked_then_used(logged_in, member, workspace):
    http = logged_in(member)
    preview_url = upload(http, workspace, "clockify_variant_br.csv").url
    assert "Which order do the dates use?" in http.get(preview_url).content.decode()
    assert http.post(preview_url).status_code == 422
    assert not Interaction.objects.exists()
    answered = http.get(choose(http, preview_url, date_order="dmy")).content.decode()
    assert "2 work sessions will be added." in answered
    http.post(preview_url, {"date_order": "dmy"})
    assert Interaction.objects.count() == 2


def test_someone_elses_upload_is_not_theirs_to_see(logged_in, member, manager, workspace):
    preview_url = upload(logged_in(member), workspace, "toggl.csv").url
    assert logged_in(manager).get(preview_url).status_code == 403


def test_a_file_that_is_not_csv_of_a_tracker_says_so(logged_in, member, workspace):
    http = logged_in(member)
    response = http.post(
        url("portfolio:import_tracker_upload", workspace),
        {"file": SimpleUploadedFile("notes.csv", b"hello,world\n1,2\n")},
    )
    page = http.get(response.url).content.decode()
    assert "not a detailed export of Toggl Track, Clockify or Harvest" in page
    assert "Nothing was saved" in page


def test_the_import_page_lists_past_imports_in_words(logged_in, member, workspace):
    http = logged_in(member)
    http.post(upload(http, workspace, "toggl.csv").url)
    page = http.get(url("portfolio:import_list", workspace)).content.decode()
    assert "2 clients added, 3 interactions added" in page
    assert "Undo this import" in page


def test_the_preview_says_in_words_how_it_read_the_dates(logged_in, member, workspace):
    http = logged_in(member)
    toggl = http.get(upload(http, workspace, "toggl.csv").url).content.decode()
    assert "Dates read as year-month-day (2026-12-31)." in toggl
    clockify = http.get(upload(http, workspace, "clockify.csv").url).content.decode()
    assert "Dates read as month/day/year (12/31/2026)." in clockify
    excel = http.get(upload(http, workspace, "harvest_excel_pt.csv").url).content.decode()
    assert "Dates read as day/month/year (31/12/2026)." in excel


def test_ambiguous_dates_are_named_only_once_the_user_has_chosen(logged_in, member, workspace):
    http = logged_in(member)
    preview_url = upload(http, workspace, "clockify_variant_br.csv").url
    assert "Dates read as" not in http.get(preview_url).content.decode()
    chosen = http.get(choose(http, preview_url, date_order="mdy")).content.decode()
    assert "Dates read as month/day/year (12/31/2026)." in chosen


def test_a_confirmed_tracker_import_keeps_every_choice_of_the_preview(logged_in, member, workspace):
    internal = ClientFactory(workspace=workspace, name="Internal")
    atlas = ClientFactory(workspace=workspace, name="Atlas Logistics")
    InteractionFactory(
        client=atlas, author=member, kind="work_session", minutes=60,
        occurred_at=dt.datetime(2026, 11, 2, 14, 0, tzinfo=workspace.tzinfo),
    )  # fmt: skip
    http = logged_in(member)
    for name, choices, confirm in [
        ("toggl.csv", {"assign_to": str(internal.code)}, {}),
        ("clockify.csv", {}, {"skip_overlapping": "yes"}),
        ("clockify_variant_br.csv", {"date_order": "dmy"}, {}),
    ]:
        preview_url = upload(http, workspace, name).url
        if choices:
            choose(http, preview_url, **choices)
        http.post(preview_url, {**choices, **confirm})

    assert list(ImportBatch.objects.values_list("status", flat=True)) == ["done"] * 3
    assert internal.interactions.get().summary == "[Internal] Invoicing and admin"
    assert atlas.interactions.count() == 1 + 2  # the overlapping entry was left out
    fotos = Interaction.objects.get(summary__contains="Fotos novas")
    assert fotos.occurred_at.date() == dt.date(2026, 4, 5)  # 05/04 read as 5 April


def test_a_tracker_import_is_queued_with_plain_json_arguments(logged_in, member, workspace):
    internal = ClientFactory(workspace=workspace, name="Internal")
    queued = []

    def remember(sender, task_result, **kwargs):
        queued.append(task_result)

    task_enqueued.connect(remember)
    try:
        http = logged_in(member)
        preview_url = upload(http, workspace, "toggl.csv").url
        upload_code = str(ImportUpload.objects.get().code)
        http.post(
            preview_url,
            {"action": "reread", "assign_to": str(internal.code)},
            HTTP_ACCEPT_LANGUAGE="pt-br",
        )
        http.post(
            preview_url,
            {"assign_to": str(internal.code), "skip_overlapping": "yes"},
            HTTP_ACCEPT_LANGUAGE="pt-br",
        )
    finally:
        task_enqueued.disconnect(remember)

    [result] = [queued for queued in queued if queued.task.name == "run_tracker_import"]
    batch = ImportBatch.objects.get()
    assert result.kwargs == {
        "upload_code": upload_code,
        "batch_code": str(batch.code),
        "date_order": "iso",
        "assign_to": str(internal.code),
        "skip_overlapping": True,
        "language": "pt-br",
    }
    assert json.loads(json.dumps(result.kwargs)) == result.kwargs


def test_past_imports_are_listed_with_their_outcome(logged_in, member, manager, workspace):
    ImportBatchFactory(
        workspace=workspace, created_by=member, source="clockify", filenames="week-46.csv",
        summary={"client": {"created": 1}, "interaction": {"created": 12}},
    )  # fmt: skip
    ImportBatchFactory(
        workspace=workspace, created_by=manager, source="harvest", status=ImportStatus.FAILED,
        summary={},
    )  # fmt: skip
    ImportBatchFactory(source="toggl", filenames="someone-elses.csv")  # another workspace

    page = logged_in(member).get(url("portfolio:import_list", workspace)).content.decode()
    assert "week-46.csv" in page and "1 client added, 12 interactions added" in page
    assert "Harvest" in page and "Failed" in page
    assert page.count("Undo this import") == 1  # not the failed one, not another member's
    assert "someone-elses.csv" not in page


def test_undoing_a_batch_removes_what_it_added_and_nothing_else(logged_in, member, workspace):
    batch = ImportBatchFactory(workspace=workspace, created_by=member)
    added = ImportChangeFactory(batch=batch)
    kept = InteractionFactory(client__workspace=workspace)

    response = logged_in(member).post(url("portfolio:import_undo", workspace, code=batch.code))

    assert response.url == url("portfolio:import_list", workspace)
    assert list(Interaction.objects.filter(deleted_at=None)) == [kept]
    assert Interaction.objects.get(pk=added.object_id).deleted_at is not None  # in the trash
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE


def test_only_its_author_or_a_manager_undoes_an_import(logged_in, member, workspace):
    batch = ImportBatchFactory(workspace=workspace, created_by=UserFactory())
    ImportChangeFactory(batch=batch)
    response = logged_in(member).post(url("portfolio:import_undo", workspace, code=batch.code))
    assert response.status_code == 403
    assert Interaction.objects.count() == 1


INTERCHANGE = Path(__file__).resolve().parent.parent / "data" / "interchange"


def test_the_clientwise_files_are_previewed_then_imported_by_a_manager(
    logged_in, manager, owner, member, workspace
):
    http = logged_in(manager)
    files = {
        role: SimpleUploadedFile(f"{role}.csv", (INTERCHANGE / "good" / f"{role}.csv").read_bytes())
        for role in ("clients", "interactions", "invoices")
        if (INTERCHANGE / "good" / f"{role}.csv").exists()
    }
    response = http.post(url("portfolio:import_files_upload", workspace), files)
    preview = http.get(response.url).content.decode()
    assert "to add" in preview and not Client.objects.exists()
    confirmed = http.post(response.url)
    batch = ImportBatch.objects.get()
    assert confirmed.url == url("portfolio:import_status", workspace, code=batch.code)
    assert Client.objects.exists()
    assert batch.status == "done"
    status = http.get(confirmed.url).content.decode()
    assert "Import done:" in status
    assert "every 1s" not in status  # finished: no more polling


def test_a_running_import_is_polled_with_its_progress(logged_in, manager, workspace):
    batch = ImportBatchFactory(
        workspace=workspace, source="interchange", created_by=manager,
        status=ImportStatus.RUNNING, progress_total=200, progress_done=50,
    )  # fmt: skip
    page = (
        logged_in(manager)
        .get(url("portfolio:import_status", workspace, code=batch.code), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert page.lstrip().startswith('<div id="import-status"')
    assert 'hx-trigger="every 1s"' in page
    assert "50 of 200 rows written" in page


def test_a_member_cannot_import_the_clientwise_files(logged_in, member, workspace):
    response = logged_in(member).post(url("portfolio:import_files_upload", workspace), {})
    assert response.status_code == 403


def test_files_with_errors_are_listed_and_nothing_is_written(logged_in, manager, workspace):
    http = logged_in(manager)
    bad = SimpleUploadedFile("clients.csv", b"name,status\nAtlas,sleeping\n")
    preview = http.get(
        http.post(url("portfolio:import_files_upload", workspace), {"clients": bad}).url
    )
    assert preview.status_code == 422
    assert "clients.csv, line 2, column status" in preview.content.decode()
    assert not Client.objects.exists()


def test_the_export_downloads_as_a_zip(logged_in, viewer, workspace):
    import io
    import zipfile

    ClientFactory(workspace=workspace, name="Atlas")
    response = logged_in(viewer).get(url("portfolio:export", workspace))
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == ["clients.csv", "interactions.csv", "invoices.csv"]


def test_uploading_no_file_says_so(logged_in, manager, workspace):
    http = logged_in(manager)
    response = http.post(url("portfolio:import_files_upload", workspace), {})
    assert response.status_code == 422
    assert "Choose at least one file." in response.content.decode()
    tracker = http.post(url("portfolio:import_tracker_upload", workspace), {})
    assert tracker.status_code == 422
    assert not ImportUpload.objects.exists()


def test_a_background_import_whose_files_are_gone_fails_with_a_reason(manager, workspace):
    from portfolio.tasks import run_files_import

    batch = ImportBatch.objects.create(
        workspace=workspace, source="interchange", created_by=manager
    )
    run_files_import.call(
        upload_code="00000000-0000-0000-0000-000000000000", batch_code=str(batch.code)
    )
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert "upload them again" in batch.error
    assert not Client.objects.exists()


def upload_files(http, workspace, **files: str):
    chosen = {
        role: SimpleUploadedFile(f"{role}.csv", data.encode()) for role, data in files.items()
    }
    return http.post(url("portfolio:import_files_upload", workspace), chosen).url


def test_lines_of_a_refused_client_are_shown_held_back_and_never_imported(
    logged_in, manager, workspace
):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    http = logged_in(manager)
    preview_url = upload_files(
        http, workspace,
        clients="name,status\nAtlas,actve\n",
        interactions="client,occurred_at,kind\nAtlas,2026-01-01,call\nAtlas,2026-01-02,call\n",
    )  # fmt: skip

    page = http.get(preview_url).content.decode()
    assert "2 to add" not in page and "to update" in page  # interactions.csv counts nothing
    assert (
        "2 lines held back: their client, “Atlas”, has an error on line 2 of clients.csv." in page
    )
    assert ">Import</button>" not in page

    confirmed = http.post(preview_url)
    assert confirmed.status_code == 422
    assert not Interaction.objects.exists() and not ImportBatch.objects.exists()
    atlas.refresh_from_db()
    assert atlas.status != "actve"


def test_files_that_change_nothing_say_so_and_offer_no_import(logged_in, manager, workspace):
    ClientFactory(workspace=workspace, name="Atlas", owner=manager)
    http = logged_in(manager)
    preview_url = upload_files(http, workspace, clients="name\nAtlas\n")

    preview = http.get(preview_url)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "0 to add, 0 to update, 1 unchanged" in page
    assert "Nothing to import: every row matches what is already here." in page
    assert ">Import</button>" not in page

    confirmed = http.post(preview_url)
    assert confirmed.status_code == 422
    assert (
        "Nothing to import: every row matches what is already here." in confirmed.content.decode()
    )
    assert not ImportBatch.objects.exists()
    assert ImportUpload.objects.exists()  # still there to look at; nothing was started


def test_files_with_only_their_header_say_there_is_nothing_in_them(logged_in, manager, workspace):
    http = logged_in(manager)
    page = http.get(upload_files(http, workspace, clients="name,status\n")).content.decode()
    assert "Nothing to import: the files have no rows under their header." in page
    assert ">Import</button>" not in page


def test_a_tracker_export_imported_before_says_so_and_offers_no_import(
    logged_in, member, workspace
):
    http = logged_in(member)
    http.post(upload(http, workspace, "clockify.csv").url)
    assert ImportBatch.objects.count() == 1
    again = upload(http, workspace, "clockify.csv").url

    page = http.get(again).content.decode()
    assert "3 entries were imported before and are left as they are." in page
    assert "Nothing to import: every entry in this file was imported before." in page
    assert ">Import</button>" not in page

    confirmed = http.post(again)
    assert confirmed.status_code == 422
    assert "Nothing to import: every entry in this file was imported before." in (
        confirmed.content.decode()
    )
    assert ImportBatch.objects.count() == 1


def test_when_only_entries_without_a_client_are_new_the_preview_asks_for_one(
    logged_in, member, workspace
):
    http = logged_in(member)
    http.post(upload(http, workspace, "toggl.csv").url)  # the entry without a client left out
    ClientFactory(workspace=workspace, name="Internal")
    again = upload(http, workspace, "toggl.csv").url

    page = http.get(again).content.decode()
    assert "1 entry has no client" in page and "Update the preview" in page
    assert (
        "Nothing to import yet: the only new entries have no client. Give them one above to "
        "import them." in page
    )
    assert ">Import</button>" not in page


def test_a_tracker_import_leaving_out_every_entry_is_refused_with_a_reason(
    logged_in, member, workspace
):
    atlas = ClientFactory(workspace=workspace, name="Atlas Logistics")
    http = logged_in(member)
    preview_url = upload(http, workspace, "clockify.csv").url
    data = (DATA / "clockify.csv").read_bytes()
    for planned in tracker_import_plan(workspace=workspace, user=member, data=data).to_create:
        InteractionFactory(
            client=atlas, author=member, kind="work_session", minutes=planned.entry.minutes,
            occurred_at=planned.occurred_at,
        )  # fmt: skip  # the same time, logged by hand

    page = http.get(choose(http, preview_url)).content.decode()  # read again since
    assert "3 entries overlap time you logged by hand" in page
    confirmed = http.post(preview_url, {"skip_overlapping": "yes"})
    assert confirmed.status_code == 422
    assert (
        "Nothing to import: every new entry overlaps time you logged by hand, and you chose to "
        "leave those out." in confirmed.content.decode()
    )
    assert not ImportBatch.objects.exists()


def test_a_tracker_export_without_entries_says_so(logged_in, member, workspace):
    header = (DATA / "clockify.csv").read_bytes().splitlines()[0] + b"\n"
    http = logged_in(member)
    response = http.post(
        url("portfolio:import_tracker_upload", workspace),
        {"file": SimpleUploadedFile("empty.csv", header, content_type="text/csv")},
    )
    page = http.get(response.url).content.decode()
    assert "Nothing to import: this file has no entries." in page
    assert ">Import</button>" not in page
