"""An import with errors, in a real browser: every problem listed, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.services import user_sign_up
from portfolio.models import Client, ImportPreview, Interaction
from portfolio.tasks import run_import_preview
from tests.e2e.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).resolve().parent.parent / "data" / "trackers"


@pytest.fixture
def signed_in(page: Page) -> Page:
    user_sign_up(email="ana@example.com", password="long-passphrase-1", name="Ana")
    sign_in(page, "ana@example.com", "long-passphrase-1", lands=r"/w/ana/$")
    return page


def upload_harvest_export(page: Page) -> None:
    page.goto(page.url + "imports/")
    page.get_by_label("Detailed report export (CSV)").set_input_files(DATA / "harvest.csv")
    page.locator("#tracker-title").locator("..").get_by_role(
        "button", name="Preview the import"
    ).click()


def test_an_import_with_errors_lists_them_and_writes_nothing(signed_in: Page):
    page = signed_in
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Detailed report export (CSV)").set_input_files(
        DATA / "toggl_with_errors.csv"
    )
    page.locator("#tracker-title").locator("..").get_by_role(
        "button", name="Preview the import"
    ).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was saved")
    expect(alert).to_contain_text("Line 3, start date: “2026-02-30” is not a date.")
    expect(alert).to_contain_text("Line 4, start time: “25:99” is not a time of day.")
    assert not Interaction.objects.exists() and not Client.objects.exists()


def test_a_good_import_then_its_undo(signed_in: Page):
    page = signed_in
    upload_harvest_export(page)
    expect(page.get_by_text("2 work sessions will be added.")).to_be_visible()
    expect(page.get_by_text("Dates read as year-month-day (2026-12-31).")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()

    page.wait_for_url(re.compile(r"/imports/[0-9a-f-]+/$"))  # the status page, followed
    expect(page.get_by_role("status")).to_have_text(
        "Import done: 1 client added, 2 interactions added."
    )
    assert Interaction.objects.count() == 2

    page.get_by_role("link", name="Back to imports").click()
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_text("The import was undone")).to_be_visible()
    assert not Interaction.objects.filter(deleted_at=None).exists()  # in the trash


def test_a_file_too_large_is_refused_before_it_is_sent(signed_in: Page, settings):
    from portfolio.models import ImportUpload

    settings.IMPORT_UPLOAD_MAX_BYTES = 1024 * 1024
    page = signed_in
    page.goto(page.url + "imports/")
    big = {"name": "big.csv", "mimeType": "text/csv", "buffer": b"x" * (1024 * 1024 + 1)}
    page.get_by_label("Detailed report export (CSV)").set_input_files(big)
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    page.locator("#tracker-title").locator("..").get_by_role(
        "button", name="Preview the import"
    ).click()

    expect(page.get_by_role("alert")).to_have_text("The file is larger than 1 MB.")
    assert sent == [] and not ImportUpload.objects.exists()


def test_the_preview_page_follows_the_worker_and_shows_what_it_found(signed_in: Page, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    page = signed_in
    upload_harvest_export(page)
    expect(page.get_by_text("Reading the file…")).to_be_visible()

    run_import_preview.call(preview_id=ImportPreview.objects.get().pk)  # the worker's turn
    # The page asks again every second and shows the preview without being reloaded by hand.
    expect(page.get_by_text("2 work sessions will be added.")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_visible()
    assert not Interaction.objects.exists()
