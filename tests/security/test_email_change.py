"""The login email is the key to an account: changing it asks for the password, tells the old
address, and ends every other session of the person."""

from __future__ import annotations

import pytest
from django.test import Client as Browser
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_a_new_login_email_needs_the_current_password(owner):
    browser = signed_in(owner)
    for password in ("", "not-the-password"):
        response = browser.post(
            PROFILE, {"name": "Ana", "email": "new@example.com", "current_password": password}
        )
        assert response.status_code == 422
        assert (
            "To change your login email, type your current password." in response.content.decode()
        )
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"
    # The name and the language change without it.
    assert browser.post(PROFILE, {"name": "Ana B", "email": "owner@example.com"}).status_code == 302


def test_a_new_login_email_tells_the_old_address_and_ends_the_other_sessions(
    owner, django_capture_on_commit_callbacks, mailoutbox
):
    here, elsewhere = signed_in(owner), signed_in(owner)  # the person's phone, say, or a thief
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            PROFILE, {"name": "Ana", "email": "New@Example.com", "current_password": PASSWORD}
        )
    assert response.status_code == 302
    assert User.objects.get(pk=owner.pk).email == "new@example.com"
    assert [m.to for m in mailoutbox] == [["owner@example.com"]]
    assert "new@example.com" in mailoutbox[0].body
    assert here.get(PROFILE).status_code == 200  # this session goes on
    assert elsewhere.get(PROFILE).status_code == 302  # the other one is signed out
