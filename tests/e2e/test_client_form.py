"""The client form in a real Chromium: what only an ended relationship has (when, how, why,
what was learned) shows only while the status says "Ended"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.services import user_sign_up
from portfolio.models import Client
from tests.e2e.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_ending_fields_show_only_for_an_ended_client(page: Page, live_server):
    page.base_url = live_server.url
    _user, workspace = user_sign_up(email="ana@example.com", password="long-passphrase-1")
    sign_in(page, "ana@example.com", "long-passphrase-1")
    page.goto(f"{live_server.url}/w/{workspace.slug}/clients/new/")
    ending = page.locator("#ending-fields")
    expect(page.get_by_label("Name")).to_be_visible()
    expect(ending).to_be_hidden()  # a new client is active
    expect(page.get_by_label("Why it ended")).to_be_hidden()

    page.get_by_label("Status").select_option("ended")
    expect(ending).to_be_visible()
    expect(page.get_by_label("Why it ended")).to_be_visible()
    expect(page.get_by_label("What you learned (optional)")).to_be_visible()

    # An end before the start comes back with the fields in view and the reason on the date.
    page.get_by_label("Name").fill("Old Client")
    page.get_by_label("Started on").fill("2026-05-01")
    page.get_by_label("Ended on").fill("2026-04-01")
    page.get_by_role("button", name="Add client").click()
    expect(ending).to_be_visible()
    expect(ending).to_contain_text("It cannot end before it started.")
    assert not Client.objects.exists()

    page.get_by_label("Status").select_option("active")
    page.get_by_label("Ended on").fill("")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Old Client")
