"""Clientwise on a phone (375 × 812, the design width), in a real Chromium: nothing scrolls the
page sideways in any language, every link and button is a target a thumb can hit, the quick log
is on the first screen of a client page, and the system's dark theme is followed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from accounts.services import user_sign_up
from assessments.services import history_rebuild
from portfolio.models import Interaction
from reviews.services import review_decide, review_start
from tests.e2e.measure import sideways_overflow, small_targets
from tests.e2e.session import sign_in
from tests.factories import ClientFactory, InteractionFactory
from tests.history import history

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}
LONG_NAME = "Z" + "x" * 199  # one unbroken word of 200 characters, the longest name allowed
PASSWORD = "long-passphrase-1"


@pytest.fixture
def workspace_data(db):
    """A workspace with scored clients, alerts, a decision, and a client with a 200-character
    name: what the pages draw at their widest."""
    user, workspace = user_sign_up(email="ana@example.com", password=PASSWORD, name="Ana")
    for name, feeling, flags in (
        ("Padaria Estrela", 2, ["gratitude"]),
        ("Storm Ltd", -2, ["disrespect"]),
        ("Atlas Logistics", 0, ["out_of_scope"]),
    ):
        history(
            ClientFactory(workspace=workspace, name=name, owner=user, status="active"),
            user,
            feeling=feeling,
            flags=flags,
        )
    long = ClientFactory(
        workspace=workspace, name=LONG_NAME, company="C" * 200, owner=user, status="active"
    )
    InteractionFactory(client=long, author=user, summary="s" * 300, feeling=-1)
    history_rebuild(workspace=workspace, since=timezone.localdate() - dt.timedelta(days=5))
    storm = workspace.clients.get(name="Storm Ltd")
    review_decide(review=review_start(client=storm, author=user), user=user, decision="end")
    return user, workspace, long


def phone_page(browser: Browser, live_server, *, color_scheme: str = "light") -> Page:
    context = browser.new_context(viewport=PHONE, color_scheme=color_scheme)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    return page


@pytest.fixture
def phone(browser: Browser, live_server, workspace_data):
    page = phone_page(browser, live_server)
    yield page
    page.context.close()


def signed_in(page: Page, workspace) -> str:
    sign_in(page, "ana@example.com", PASSWORD, lands=rf"/w/{workspace.slug}/$")
    return f"{page.base_url}/w/{workspace.slug}/"


def on_client_page(page: Page, workspace, name: str):
    """Signed in, on the page of the client called `name`, its panel loaded."""
    home = signed_in(page, workspace)
    client = workspace.clients.get(name=name)
    page.goto(home + f"clients/{client.code}/")
    page.wait_for_load_state("networkidle")
    return home, client


def pages(workspace, long) -> dict[str, str]:
    return {
        "Today": "",
        "the client page with a 200-character name": f"clients/{long.code}/",
        "the client list": "clients/",
        "the decisions": "reviews/",
    }


@pytest.mark.parametrize("language", ["en", "pt-br", "es"])
def test_no_page_scrolls_sideways_on_a_phone_in_any_language(phone: Page, workspace_data, language):
    user, workspace, long = workspace_data
    User.objects.filter(pk=user.pk).update(language=language)
    home = signed_in(phone, workspace)
    for label, path in pages(workspace, long).items():
        response = phone.goto(home + path)
        assert response.status == 200, label
        phone.wait_for_load_state("networkidle")  # the client page's health panel comes after
        assert sideways_overflow(phone) <= 0, f"{label} scrolls sideways in {language}"
    # The long name wraps inside the page instead of widening it.
    phone.goto(home + f"clients/{long.code}/")
    heading = phone.get_by_role("heading", level=1).bounding_box()
    assert heading["x"] >= 0 and heading["x"] + heading["width"] <= PHONE["width"]


def test_the_sections_are_reachable_on_a_phone_without_widening_the_page(
    phone: Page, workspace_data
):
    _user, workspace, _long = workspace_data
    signed_in(phone, workspace)
    nav = phone.get_by_role("navigation", name="Main")
    for name in (
        "Today",
        "Portfolio",
        "Alerts",
        "Clients",
        "Decisions",
        "Boundaries",
        "Import",
        "Members",
        "Settings",
    ):
        link = nav.get_by_role("link", name=name, exact=True)
        link.scroll_into_view_if_needed()
        expect(link).to_be_in_viewport()
    assert sideways_overflow(phone) <= 0
    nav.get_by_role("link", name="Decisions", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Decisions and how they turned out")


def test_every_link_and_button_is_a_target_of_24_by_24_px_at_least(phone: Page, workspace_data):
    _user, workspace, long = workspace_data
    home = signed_in(phone, workspace)
    storm = workspace.clients.get(name="Storm Ltd")
    too_small = {}
    to_check = pages(workspace, long) | {"a scored client": f"clients/{storm.code}/"}
    for label, path in to_check.items():
        phone.goto(home + path)
        phone.wait_for_load_state("networkidle")
        small = small_targets(phone)
        if small:
            too_small[label] = small
    assert too_small == {}


def test_the_quick_log_is_on_the_first_screen_of_a_client_page_or_one_tap_away(
    phone: Page, workspace_data
):
    _user, workspace, long = workspace_data
    home, storm = on_client_page(phone, workspace, "Storm Ltd")
    expect(phone.locator("#quick-log #ql-kind")).to_be_in_viewport()
    expect(phone.locator(".log-jump")).to_be_hidden()  # nothing to jump to: it is there

    # Far down the page (or under a 200-character name), one tap brings it back, cursor in it.
    for path in (f"clients/{storm.code}/", f"clients/{long.code}/"):
        phone.goto(home + path)
        phone.wait_for_load_state("networkidle")
        phone.locator("#timeline-title").scroll_into_view_if_needed()
        phone.get_by_role("link", name="Log an interaction").click()
        expect(phone.locator("#ql-kind")).to_be_focused()
        expect(phone.locator("#ql-kind")).to_be_in_viewport()


def test_logging_on_a_phone_confirms_under_the_form_and_one_undo_remains(
    phone: Page, workspace_data
):
    _user, workspace, _long = workspace_data
    _home, storm = on_client_page(phone, workspace, "Storm Ltd")
    before = Interaction.objects.alive().filter(client=storm).count()

    phone.fill("#ql-summary", "Asked for a fourth round of changes")
    phone.locator("#ql-summary").press("Enter")

    status = phone.locator("#quick-log-status").get_by_role("status")
    expect(status).to_contain_text("logged")
    expect(phone.locator("#ql-kind")).to_be_focused()  # the first field, ready for the next entry
    form = phone.locator("#quick-log").bounding_box()
    confirmation = status.bounding_box()
    assert 0 <= confirmation["y"] - (form["y"] + form["height"]) < 48  # right under the form
    assert Interaction.objects.alive().filter(client=storm).count() == before + 1

    status.get_by_role("button", name="Undo").click()
    expect(phone.locator("#timeline-items li").first).to_contain_text("deleted")
    expect(phone.locator("#quick-log-status").get_by_role("status")).to_have_count(0)
    expect(phone.get_by_role("button", name="Undo")).to_have_count(1)  # the entry's own
    assert Interaction.objects.alive().filter(client=storm).count() == before


def test_the_health_panel_reads_at_a_glance_with_its_reasons_one_tap_away(
    phone: Page, workspace_data
):
    _user, workspace, _long = workspace_data
    on_client_page(phone, workspace, "Storm Ltd")
    panel = phone.locator("section#health-panel")
    expect(panel.locator(".score")).to_be_visible()
    expect(panel.locator(".holding")).to_contain_text("Holding it down most")
    expect(panel.locator(".suggestion")).to_be_visible()
    dimensions = panel.locator(".dimensions")
    expect(dimensions).to_be_hidden()
    panel.locator("summary", has_text="What makes the score").click()
    expect(dimensions).to_be_visible()
    # One way into a review on the page.
    expect(phone.get_by_role("link", name="Review this relationship…")).to_have_count(1)


def test_the_dark_theme_follows_the_system(browser: Browser, live_server, workspace_data):
    _user, workspace, long = workspace_data
    page = phone_page(browser, live_server)
    try:
        home = signed_in(page, workspace)
        page.emulate_media(color_scheme="dark")
        for path in ("", f"clients/{long.code}/"):
            page.goto(home + path)
            colours = page.evaluate(
                """() => { const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).map(Number);
                             return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
                           const body = getComputedStyle(document.body);
                           const card = document.querySelector('main .card');
                           const cardBg = card ? getComputedStyle(card).backgroundColor : null;
                           return {background: lum(body.backgroundColor), text: lum(body.color),
                                   card: cardBg ? lum(cardBg) : 0}; }"""
            )
            assert colours["background"] < 0.15, path
            assert colours["card"] < 0.2, path
            assert colours["text"] > 0.8, path
        page.emulate_media(color_scheme="light")
        page.reload()
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(26, 23, 21)"
    finally:
        page.context.close()


def test_an_import_preview_fits_a_phone(phone: Page, workspace_data):
    _user, workspace, _long = workspace_data
    home = signed_in(phone, workspace)
    phone.goto(home + "imports/")
    trackers = Path(__file__).resolve().parent.parent / "data" / "trackers"
    phone.get_by_label("Detailed report export (CSV)").set_input_files(trackers / "harvest.csv")
    phone.locator("#tracker-title").locator("..").get_by_role(
        "button", name="Preview the import"
    ).click()
    expect(phone.get_by_text("2 work sessions will be added.")).to_be_visible()
    assert sideways_overflow(phone) <= 0
