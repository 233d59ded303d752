"""A newcomer's first minutes, in a real Chromium: sign up, look around in Portuguese, leave."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db(transaction=True)


def sign_up(page: Page, email: str = "marina@example.com") -> None:
    page.goto(f"{page.base_url}/accounts/signup/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Your name").fill("Marina Duarte")
    page.locator("#id_password1").fill("a-very-long-passphrase")
    page.locator("#id_password2").fill("a-very-long-passphrase")
    page.get_by_role("button", name="Create account").click()


def test_sign_up_switch_to_portuguese_and_log_out(page: Page):
    sign_up(page)

    expect(page).to_have_url(re.compile(r"/w/marina(-\d+)?/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Marina's workspace")
    expect(page.get_by_text("Welcome to Clientwise!")).to_be_visible()

    page.get_by_role("button", name="Language: English").click()
    page.get_by_role("button", name="Português (Brasil)").click()

    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(page.get_by_role("heading", name="Primeiros passos")).to_be_visible()
    expect(page.get_by_role("link", name="Membros", exact=True)).to_be_visible()
    assert User.objects.get().language == "pt-br"

    page.get_by_role("button", name=re.compile("Conta")).click()
    page.get_by_role("button", name="Sair").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clientwise")
    page.goto(f"{page.base_url}/w/marina/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_inviting_with_htmx_shows_errors_in_place_and_then_the_pending_invitation(page: Page):
    sign_up(page, "lead@example.com")
    page.get_by_role("link", name="Members", exact=True).click()

    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("not-an-email")

    page.get_by_label("Email address").fill("teammate@example.com")
    page.get_by_label("Role").select_option("manager")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to teammate@example.com")).to_be_visible()
    expect(page.locator("#invitations li")).to_contain_text("teammate@example.com")
    expect(page.get_by_label("Email address")).to_have_value("")


def test_a_failed_request_shows_a_visible_message(page: Page):
    sign_up(page, "lead@example.com")
    owner = User.objects.get()
    teammate = User.objects.create_user("pat@example.com", name="Pat")
    Membership.objects.create(
        user=teammate, workspace=owner.memberships.get().workspace, role=Role.MEMBER
    )
    page.get_by_role("link", name="Members", exact=True).click()

    page.route("**/role/", lambda route: route.fulfill(status=500, body="boom"))
    page.get_by_label("Role of Pat").select_option("viewer")
    page.get_by_role("button", name="Change").click()

    expect(page.get_by_role("alert")).to_contain_text("Something went wrong on our side")
    assert Membership.objects.get(user=teammate).role == Role.MEMBER


def test_the_layout_fits_a_phone_screen(page: Page):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_up(page, "phone@example.com")
    home = page.url  # the new workspace, /w/marina/
    for path in ("", "members/", "settings/", "clients/", "clients/new/", "imports/"):
        response = page.goto(home + path)
        assert response.status == 200, path
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    page.get_by_role("button", name="Show navigation").click()
    expect(page.get_by_role("link", name="Members", exact=True)).to_be_visible()
