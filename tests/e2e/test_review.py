"""The guided review in a real browser: from an alert to an ended relationship, with a reload in
the middle and the farewell copied; and a hand-over to a teammate."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.services import user_sign_up
from assessments.services import clients_rescore
from portfolio.models import Client
from tests.e2e.session import sign_in
from tests.factories import ClientFactory, MembershipFactory, UserFactory
from tests.history import history

pytestmark = pytest.mark.django_db(transaction=True)


def answer(page: Page, choice: str) -> None:
    """Click an answer and wait until the server has saved it (each change is one request)."""
    with page.expect_response(lambda r: "/step/" in r.url and r.request.method == "POST"):
        page.locator(f"label[for=q-{choice}]").click()


@pytest.fixture
def storm(page: Page):
    user, workspace = user_sign_up(
        email="ana@example.com", password="long-passphrase-1", name="Ana"
    )
    client = ClientFactory(
        workspace=workspace, name="Storm Ltd", owner=user, language="es", email="jefe@storm.example"
    )
    history(client, user, feeling=-2, flags=["disrespect", "distrust"], kind="call")
    clients_rescore(workspace=workspace)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, "ana@example.com", "long-passphrase-1")
    page.client = client
    return page


def test_a_review_from_an_alert_to_an_ended_relationship(storm: Page):
    page = storm
    alert = page.locator("li.alert-item", has_text="Storm Ltd").first
    alert.get_by_role("link", name="Storm Ltd").click()  # the client page has the review's door
    page.get_by_role("link", name="Review this relationship…").first.click()
    page.get_by_role("button", name="Start the review").click()
    expect(page.locator("h1")).to_have_text("The numbers")
    page.get_by_role("button", name="Next →").click()

    # How it feels: each answer is saved as it is given...
    answer(page, "enjoy-1")
    answer(page, "dread-5")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    # ...so a reload (or a phone that locked) loses nothing.
    page.reload()
    expect(page.locator("#q-dread-5")).to_be_checked()
    expect(page.locator("#q-enjoy-1")).to_be_checked()
    page.get_by_role("button", name="Next →").click()

    answer(page, "told_them-yes")
    answer(page, "trust-no")
    answer(page, "aligned-no")
    # The browser's back button goes to the previous step, answers intact.
    page.go_back()
    expect(page.locator("h1")).to_have_text("How it feels")
    expect(page.locator("#q-dread-5")).to_be_checked()
    page.go_forward()
    expect(page.locator("#q-trust-no")).to_be_checked()
    page.get_by_role("button", name="Next →").click()
    answer(page, "absorb_loss-yes")
    page.get_by_role("button", name="Next →").click()

    expect(page.locator("#advice-title")).to_contain_text("End the relationship")
    expect(page.get_by_text("the decision is yours")).to_be_visible()
    page.locator("label[for=decision-end]").click()
    page.get_by_role("button", name="This is my decision").click()

    # The farewell is drafted in the client's language (Spanish here), editable, copyable.
    message = page.locator("#plan-message")
    expect(message).not_to_be_empty()
    expect(page.locator("#message-language")).to_have_value("es")
    page.get_by_role("button", name="Copy to clipboard").click()
    expect(page.get_by_role("button", name="Copied ✓")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == message.input_value().strip()

    storm.client.refresh_from_db()
    assert storm.client.status == "offboarding"
    boxes = page.locator(".checklist input[type=checkbox]")
    for index in range(boxes.count()):
        # Each tick is saved by HTMX and the plan re-rendered: one at a time.
        with page.expect_response(lambda r: "/check/" in r.url):
            boxes.nth(index).check()
    expect(page.locator("#plan")).to_contain_text("has ended")
    client = Client.objects.get(pk=storm.client.pk)
    assert (client.status, client.ended_by) == ("ended", "we_ended")


def test_handing_a_client_over_to_a_teammate_changes_its_owner(page: Page):
    user, workspace = user_sign_up(
        email="ana@example.com", password="long-passphrase-1", name="Ana"
    )
    bruno = MembershipFactory(
        workspace=workspace, role=Role.MEMBER, user=UserFactory(name="Bruno")
    ).user
    client = ClientFactory(workspace=workspace, name="Meridian", owner=user)
    history(client, user, feeling=-2, kind="call")
    history(client, bruno, feeling=2, kind="call", invoices=0)
    clients_rescore(workspace=workspace)
    sign_in(page, "ana@example.com", "long-passphrase-1")
    page.goto(f"{page.base_url}/w/{workspace.slug}/clients/{client.code}/review/")
    page.get_by_role("button", name="Start the review").click()
    for _ in range(4):
        page.get_by_role("button", name="Next →").click()
    expect(page.locator("#advice-title")).to_be_visible()
    page.locator("label[for=decision-hand_over]").click()
    page.get_by_role("button", name="This is my decision").click()
    page.select_option("#hand-to", value=str(bruno.pk))
    page.fill("#hand-notes", "They like short calls in the morning.")
    page.get_by_role("button", name="Confirm the hand-over").click()
    expect(page.locator(".messages, [role=status], .alert").first).to_contain_text("Bruno")
    client.refresh_from_db()
    assert client.owner == bruno
    page.goto(f"{page.base_url}/w/{workspace.slug}/clients/{client.code}/")
    expect(page.get_by_text("looked after by Bruno")).to_be_visible()


def test_an_answer_given_just_before_the_page_goes_away_is_not_lost(storm: Page):
    page = storm
    page.goto(f"{page.base_url}/w/ana/clients/{page.client.code}/review/")
    page.get_by_role("button", name="Start the review").click()
    page.get_by_role("button", name="Next →").click()
    # Typed, then the page is left at once: the notes travel with the page's last beacon.
    page.fill("#q-feel_notes", "Every call with them ruins my afternoon")
    page.goto(f"{page.base_url}/w/ana/")
    page.wait_for_timeout(500)
    review = page.client.reviews.get()
    assert review.answers.get("feel_notes") == "Every call with them ruins my afternoon"
