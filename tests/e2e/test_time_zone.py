"""The time zone field, in a Chromium whose clock is in São Paulo: it suggests the browser's
zone next to the field, never picks it by itself, and one click uses it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Workspace
from accounts.services import user_sign_up
from tests.e2e.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "America/Sao_Paulo"}


@pytest.fixture
def settings_page(page: Page) -> Page:
    user_sign_up(email="ana@example.com", password="long-passphrase-1", name="Ana")
    sign_in(page, "ana@example.com", "long-passphrase-1", lands=r"/w/ana/$")
    page.goto(f"{page.base_url}/w/ana/settings/")
    return page


def test_the_browser_zone_is_suggested_and_one_click_uses_it(settings_page: Page):
    page = settings_page
    field = page.get_by_label("Time zone")
    expect(field).to_have_value("UTC")  # suggested, not changed behind the person's back
    suggestion = page.get_by_text("Your browser says America/Sao_Paulo.")
    expect(suggestion).to_be_visible()

    page.get_by_role("button", name="Use it").click()

    expect(field).to_have_value("America/Sao_Paulo")
    expect(field).to_be_focused()
    expect(suggestion).to_be_hidden()
    assert Workspace.objects.get().time_zone == "UTC"  # nothing saved until the form is

    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Workspace settings saved.")).to_be_visible()
    assert Workspace.objects.get().time_zone == "America/Sao_Paulo"
    expect(page.get_by_label("Time zone")).to_have_value("America/Sao_Paulo")
    expect(page.get_by_text("Your browser says")).to_be_hidden()


def test_no_suggestion_when_the_field_already_says_the_browser_zone(settings_page: Page):
    page = settings_page
    page.get_by_label("Time zone").select_option("America/Sao_Paulo")
    expect(page.get_by_text("Your browser says")).to_be_hidden()
    page.get_by_label("Time zone").select_option("Europe/Lisbon")
    expect(page.get_by_text("Your browser says America/Sao_Paulo.")).to_be_visible()
