"""The heart of the product: logging an interaction in seconds, by keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.services import user_sign_up
from portfolio.models import Interaction
from tests.e2e.session import sign_in
from tests.factories import ClientFactory, InteractionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(page: Page):
    user, workspace = user_sign_up(
        email="ana@example.com", password="long-passphrase-1", name="Ana"
    )
    ClientFactory(workspace=workspace, name="Padaria Estrela")
    ClientFactory(workspace=workspace, name="Atlas Logistics")
    sign_in(page, "ana@example.com", "long-passphrase-1", lands=r"/w/ana/$")
    page.workspace = workspace
    page.user = user
    return page


def test_logging_with_the_keyboard_only_inserts_the_entry_without_a_reload(signed_in: Page):
    page = signed_in
    page.evaluate("window.__marker = 'still the same page'")
    expect(page.locator("#ql-client")).to_be_focused()  # the home page's first field

    page.keyboard.type("Padaria Estrela")
    page.keyboard.press("Tab")  # kind
    page.keyboard.press("Tab")  # minutes
    page.keyboard.press("Control+a")
    page.keyboard.type("45")
    page.keyboard.press("Tab")  # billable
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the feelings: arrows move within the group
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    page.locator("#ql-summary").focus()
    page.keyboard.type("Agreed the new menu pages")
    page.keyboard.press("Enter")

    entry = page.locator("#timeline-items li").first
    expect(entry).to_contain_text("Agreed the new menu pages")
    expect(entry).to_contain_text("Padaria Estrela")
    expect(page.get_by_role("status").filter(has_text="logged")).to_be_visible()
    assert page.evaluate("window.__marker") == "still the same page"
    saved = Interaction.objects.get()
    assert (saved.minutes, saved.billable, saved.summary) == (45, True, "Agreed the new menu pages")
    assert saved.feeling is not None
    # The form is ready for the next entry, keeping kind and minutes.
    expect(page.locator("#ql-summary")).to_have_value("")
    expect(page.locator("#ql-minutes")).to_have_value("45")


def test_undo_takes_the_entry_back_and_can_itself_be_undone(signed_in: Page):
    page = signed_in
    page.fill("#ql-client", "Atlas Logistics")
    page.fill("#ql-summary", "Call about the invoice")
    page.keyboard.press("Enter")
    expect(page.locator("#timeline-items li").first).to_contain_text("Call about the invoice")

    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(page.locator("#timeline-items li").first).to_contain_text("deleted")
    assert not Interaction.objects.alive().exists()

    page.locator("#timeline-items li").first.get_by_role("button", name="Undo").click()
    expect(page.locator("#timeline-items li").first).to_contain_text("Call about the invoice")
    assert Interaction.objects.alive().count() == 1


def test_a_mistake_is_shown_in_the_form_and_nothing_is_lost(signed_in: Page):
    page = signed_in
    page.fill("#ql-client", "Nobody Inc")
    page.fill("#ql-summary", "Text I do not want to type twice")
    page.keyboard.press("Enter")
    expect(page.get_by_text("No client called “Nobody Inc”")).to_be_visible()
    expect(page.locator("#ql-summary")).to_have_value("Text I do not want to type twice")
    assert not Interaction.objects.exists()


def test_the_client_page_logs_for_that_client_and_pages_its_history(signed_in: Page):
    page = signed_in
    client = ClientFactory(workspace=page.workspace, name="Lumen Health")
    for n in range(25):
        InteractionFactory(client=client, author=page.user, summary=f"Old entry {n:02d}")
    page.goto(f"{page.base_url}/w/ana/clients/{client.code}/")
    page.fill("#ql-summary", "Fresh entry")
    page.keyboard.press("Enter")
    expect(page.locator("#timeline-items li").first).to_contain_text("Fresh entry")

    page.get_by_role("link", name="Show older entries").click()
    expect(page.locator("#timeline-items li.timeline-entry")).to_have_count(26)


def test_a_viewer_sees_the_log_but_no_quick_log(page: Page):
    _user, workspace = user_sign_up(email="ana@example.com", password="long-passphrase-1")
    viewer = UserFactory(email="vi@example.com")
    MembershipFactory(workspace=workspace, user=viewer, role=Role.VIEWER)
    client = ClientFactory(workspace=workspace, name="Atlas")
    InteractionFactory(client=client, summary="Visible to the viewer")
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", "vi@example.com")
    page.fill("#id_password", "correct-horse-battery-staple")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/w/ana/$"))
    expect(page.get_by_text("Visible to the viewer")).to_be_visible()
    expect(page.locator("#quick-log")).to_have_count(0)
