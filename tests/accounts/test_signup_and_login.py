from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role, User, Workspace
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Maria.Silva@Example.com",
    "name": "Maria Silva",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
}


def test_signing_up_creates_the_user_and_a_personal_workspace_they_own(client):
    response = client.post(reverse("accounts:signup"), SIGNUP)

    user = User.objects.get()
    workspace = Workspace.objects.get()
    assert user.email == "maria.silva@example.com"
    assert Membership.objects.get().role == Role.OWNER
    assert response.status_code == 302
    assert response.url == reverse("home:today", kwargs={"ws": workspace.slug})
    page = client.get(response.url)
    assert "Maria" in page.content.decode()
    assert "Welcome to Clientwise" in page.content.decode()


def test_an_email_already_used_in_another_case_is_refused_and_nothing_is_created(client):
    UserFactory(email="maria.silva@example.com")

    response = client.post(reverse("accounts:signup"), SIGNUP)

    assert response.status_code == 422
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1
    assert not Workspace.objects.exists()


def test_a_weak_password_is_refused_and_what_was_typed_is_kept(client):
    response = client.post(
        reverse("accounts:signup"), SIGNUP | {"password1": "123", "password2": "123"}
    )

    assert response.status_code == 422
    assert 'value="Maria Silva"' in response.content.decode()
    assert not User.objects.exists()


def test_login_is_by_email_in_any_case_and_greets_the_user(client, owner, workspace):
    response = client.post(
        reverse("accounts:login"), {"username": "OWNER@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    follow = client.get(response.url, follow=True)
    assert "Welcome back" in follow.content.decode()
    assert follow.request["PATH_INFO"] == reverse("home:today", kwargs={"ws": workspace.slug})


def test_a_wrong_password_says_so_with_422(client, owner):
    response = client.post(
        reverse("accounts:login"), {"username": owner.email, "password": "wrong"}
    )
    assert response.status_code == 422
    assert "do not match" in response.content.decode()


def test_logging_out_needs_a_post_and_ends_the_session(logged_in, owner, workspace):
    client = logged_in(owner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "logged out" in response.content.decode()
    home = client.get(reverse("home:today", kwargs={"ws": workspace.slug}))
    assert home.status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, owner):
    client.post(reverse("accounts:password_reset"), {"email": owner.email})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    confirm = client.get(link.group(1), follow=True)
    assert confirm.status_code == 200
    done = client.post(
        confirm.request["PATH_INFO"],
        {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"},
    )
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("brand-new-passphrase")


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_changing_the_password_keeps_the_user_logged_in(logged_in, owner):
    client = logged_in(owner)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
        follow=True,
    )
    assert "password was changed" in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 200
    owner.refresh_from_db()
    assert owner.check_password("another-long-passphrase")


def test_the_profile_refuses_an_email_another_account_uses(logged_in, owner, manager):
    client = logged_in(owner)
    response = client.post(
        reverse("accounts:profile"), {"name": "Owner", "email": "MANAGER@example.com"}
    )
    assert response.status_code == 422
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


def test_home_takes_a_user_to_the_workspace_they_used_last(logged_in, owner, workspace):
    other = Workspace.objects.create(name="Second", slug="second")
    Membership.objects.create(user=owner, workspace=other, role=Role.VIEWER)
    client = logged_in(owner)
    client.get(reverse("home:today", kwargs={"ws": "second"}))

    assert client.get(reverse("home")).url == reverse("home:today", kwargs={"ws": "second"})
    client.get(reverse("home:today", kwargs={"ws": workspace.slug}))
    assert client.get(reverse("home")).url == reverse("home:today", kwargs={"ws": workspace.slug})


def test_the_switcher_lists_every_workspace_of_the_user_and_no_other(
    logged_in, owner, workspace, outsider
):
    second = Workspace.objects.create(name="Second Studio", slug="second")
    Membership.objects.create(user=owner, workspace=second, role=Role.MEMBER)
    page = logged_in(owner).get(reverse("home:today", kwargs={"ws": workspace.slug}))
    html = page.content.decode()
    assert 'href="/w/second/"' in html
    assert "Second Studio" in html
    assert "Elsewhere" not in html
