"""The health of the portfolio as a person meets it: alerts handled in place on Today, the
portfolio's table sorted without a reload and the back button, the health panel on a client's
page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.services import user_sign_up
from assessments.models import Alert, AlertStatus
from assessments.services import clients_rescore
from tests.e2e.session import sign_in
from tests.factories import ClientFactory
from tests.history import history

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dashboard(page: Page):
    user, workspace = user_sign_up(
        email="ana@example.com", password="long-passphrase-1", name="Ana"
    )
    for name, feeling, flags in (("Dream Co", 2, ["gratitude"]), ("Storm Ltd", -2, ["disrespect"])):
        history(
            ClientFactory(workspace=workspace, name=name, owner=user),
            user,
            feeling=feeling,
            flags=flags,
        )
    clients_rescore(workspace=workspace)
    sign_in(page, "ana@example.com", "long-passphrase-1", lands=r"/w/ana/$")
    page.workspace = workspace
    return page


def test_an_alert_is_snoozed_in_place_and_the_snooze_undone(dashboard: Page):
    page = dashboard
    page.evaluate("window.__marker = 'same page'")
    alerts = page.locator("#alerts-title").locator("..")
    disrespect = alerts.locator("li.alert-item", has_text="Disrespect").first
    expect(disrespect).to_contain_text("Storm Ltd")
    disrespect.locator("summary", has_text="More").click()  # the menu of the other actions
    disrespect.get_by_role("button", name="1 week").click()
    expect(alerts).to_contain_text("Snoozed until")
    alert = Alert.objects.get(client__name="Storm Ltd", boundary__kind="disrespect")
    assert alert.status == AlertStatus.SNOOZED
    assert alert.snoozed_until == page.workspace.today() + dt.timedelta(days=7)
    alerts.get_by_role("button", name="Undo").click()
    expect(alerts.locator("li.alert-item", has_text="Disrespect").first).to_contain_text(
        "Storm Ltd"
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert page.evaluate("window.__marker") == "same page"  # never reloaded


def test_each_button_of_an_alert_does_its_own_action_on_the_alerts_page(dashboard: Page):
    """The buttons share one form and name their actions; the date of one's own is a form of
    its own, which Enter in the field sends (it must not acknowledge)."""
    page = dashboard
    page.goto(f"{page.base_url}/w/{page.workspace.slug}/alerts/")
    page.evaluate("window.__marker = 'same page'")
    items = page.locator("li.alert-item")
    expect(items.first).to_be_visible()
    codes = [code.removeprefix("alert-") for code in items.evaluate_all("l => l.map(i => i.id)")]
    assert len(codes) >= 2
    first, second = (page.locator(f"#alert-{code}") for code in codes[:2])
    day = page.workspace.today() + dt.timedelta(days=12)

    first.locator("summary", has_text="More").click()
    first.get_by_label("or until").fill(day.isoformat())
    first.get_by_label("or until").press("Enter")
    expect(page.locator(f"#alert-{codes[0]}")).to_contain_text("Snoozed until")

    second.locator("summary", has_text="More").click()
    second.get_by_role("button", name="Resolve").click()
    expect(page.locator(f"#alert-{codes[1]}")).not_to_contain_text("Acknowledge")

    snoozed, resolved = (Alert.objects.get(code=code) for code in codes[:2])
    assert (snoozed.status, snoozed.snoozed_until) == (AlertStatus.SNOOZED, day)
    assert resolved.status == AlertStatus.RESOLVED
    assert page.evaluate("window.__marker") == "same page"  # never reloaded


def open_the_portfolio(page: Page) -> None:
    page.goto(f"{page.base_url}/w/{page.workspace.slug}/portfolio/")


def test_sorting_the_table_keeps_the_page_and_the_back_button_restores_the_order(
    dashboard: Page,
):
    page = dashboard
    open_the_portfolio(page)
    page.evaluate("window.__marker = 'same page'")
    table = page.locator("#client-table")
    first_row = table.locator("tbody tr").first
    expect(first_row).to_contain_text("Storm Ltd")  # lowest score first
    page.select_option("#sort", "-score")
    expect(first_row).to_contain_text("Dream Co")
    expect(page).to_have_url(re.compile(r"sort=-score"))
    assert page.evaluate("window.__marker") == "same page"
    page.go_back()
    expect(page.locator("#client-table tbody tr").first).to_contain_text("Storm Ltd")


def test_a_map_bubble_opens_its_client_whose_page_explains_the_score(dashboard: Page):
    page = dashboard
    open_the_portfolio(page)
    page.locator("a.bubble-link[aria-label^='Storm Ltd']").click()
    expect(page.locator("h1")).to_have_text("Storm Ltd")
    panel = page.locator("#health-panel")
    expect(panel).to_contain_text("What makes the score")
    expect(panel).to_contain_text("Disrespect was logged")
    expect(panel).to_contain_text("The decision is yours")
