"""Today on a phone, with the demo workspace `make run` shows: short enough to read between
calls (under 3,000 px at 375×812, it was 8,476 px when the whole portfolio was on it), and the
portfolio page on the same phone, where the map gives way to its words."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_OWNER, DEMO_PASSWORD, DEMO_SLUG
from accounts.models import Workspace
from assessments.services import clients_rescore
from tests.e2e.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}
TODAY_MOST = 3000


@pytest.fixture
def demo_on_a_phone(page: Page, settings) -> Page:
    # The demo's six months of daily history take the worker most of a minute to replay: the
    # browser reads today's scores and alerts, computed here at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    call_command("seed_demo", "--force", stdout=io.StringIO())
    call_command("seed_demo_reviews", stdout=io.StringIO())
    clients_rescore(workspace=Workspace.objects.get(slug=DEMO_SLUG))
    page.set_viewport_size(PHONE)
    sign_in(page, DEMO_OWNER[0], DEMO_PASSWORD, lands=rf"/w/{DEMO_SLUG}/$")
    return page


def _height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def _width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_today_with_the_demo_is_short_on_a_phone(demo_on_a_phone: Page):
    page = demo_on_a_phone
    expect(page.locator("#ql-client")).to_be_focused()  # the quick log comes first
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect(page.locator("#all-alerts")).to_have_text(re.compile(r"^All alerts \(\d+\)$"))
    expect(page.locator("#portfolio-summary")).to_contain_text(re.compile(r"\d+ clients:"))
    assert page.locator("#today-alerts li.alert-item").count() == 5
    assert page.locator("#client-table, .portfolio-map").count() == 0
    height = _height(page)
    assert height < TODAY_MOST, f"Today is {height} px tall at 375 px"
    assert _width(page) <= PHONE["width"]  # no sideways scroll


def test_the_portfolio_on_a_phone_lists_the_map_in_words_with_nothing_to_mistap(
    demo_on_a_phone: Page,
):
    page = demo_on_a_phone
    page.locator("#portfolio-summary").get_by_role("link", name="see the portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio")
    expect(page.locator("#map-text")).to_be_visible()
    expect(page.locator("#map-text a").first).to_be_visible()
    expect(page.locator(".portfolio-map")).to_be_hidden()
    assert page.locator("a.bubble-link").count() > 0
    for bubble in page.locator("a.bubble-link").all():
        expect(bubble).to_be_hidden()
    expect(page.locator("#client-table tbody tr").first).to_be_visible()
    assert _width(page) <= PHONE["width"]
