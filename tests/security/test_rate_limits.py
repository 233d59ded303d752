"""Sign-up, password reset and invitations are capped in the shared cache (accounts.ratelimit),
and password reset says the same thing whatever happened."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.tasks.signals import task_enqueued
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Invitation, Role, User
from accounts.ratelimit import Limit, exceeded, hit
from tests.factories import PASSWORD, MembershipFactory

HOME = "203.0.113.10"
CAFE = "198.51.100.20"


@pytest.fixture
def limits(settings):
    def change(**values):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **values}

    return change


def test_a_limit_refuses_the_use_after_the_last_allowed_one():
    limit = Limit(name="test", count=2, seconds=60)
    assert [hit(limit, "x"), hit(limit, "X "), hit(limit, "x")] == [True, True, False]
    assert exceeded(limit, "x")
    assert not exceeded(limit, "y")


def test_a_limit_ends_with_its_window():
    limit = Limit(name="test", count=1, seconds=60)
    hit(limit, "x")
    assert not hit(limit, "x")
    later = time.time() + 61
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=later):
        assert hit(limit, "x")


# Sign-up


def sign_up(client, n, address=HOME):
    return client.post(
        reverse("accounts:signup"),
        {
            "email": f"person{n}@example.com",
            "name": "Person",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
        REMOTE_ADDR=address,
    )


def test_sign_ups_are_limited_per_address(db, limits):
    limits(signup_ip=(2, 3600))
    assert [sign_up(Client(), n).status_code for n in range(2)] == [302, 302]

    refused = sign_up(Client(), 3)

    assert refused.status_code == 429
    assert "Too many sign-ups came from your network" in refused.content.decode()
    assert 'value="person3@example.com"' in refused.content.decode()
    assert not User.objects.filter(email="person3@example.com").exists()
    assert sign_up(Client(), 4, address=CAFE).status_code == 302


def test_every_sign_up_attempt_counts_even_one_that_only_asks_whether_an_email_exists(
    db, owner, limits
):
    limits(signup_ip=(2, 3600))
    client = Client()
    for _ in range(2):
        probe = client.post(reverse("accounts:signup"), {"email": owner.email}, REMOTE_ADDR=HOME)
        assert probe.status_code == 422
    again = client.post(reverse("accounts:signup"), {"email": owner.email}, REMOTE_ADDR=HOME)
    assert again.status_code == 429
    assert "already exists" not in again.content.decode()


# Password reset


def reset(client, email, address=HOME):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_resets_are_limited_per_email_and_the_answer_stays_the_same(client, owner, limits):
    limits(password_reset_email=(2, 3600))
    answers = [reset(client, owner.email, address=f"192.0.2.{n}") for n in range(4)]

    assert len(mail.outbox) == 2
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }


def test_resets_are_limited_per_address(client, owner, manager, member, limits):
    limits(password_reset_ip=(2, 3600))
    for user in (owner, manager, member):
        assert reset(client, user.email).status_code == 302

    assert [m.to for m in mail.outbox] == [[owner.email], [manager.email]]
    reset(client, member.email, address=CAFE)
    assert mail.outbox[-1].to == [member.email]


def _same_for_everyone(page: bytes) -> bytes:
    """The page without what differs on every request anyway (CSRF token, CSP nonce)."""
    page = re.sub(rb'(value|nonce)="[A-Za-z0-9+/=_-]{20,}"', b"", page)
    return re.sub(rb'"X-CSRFToken": "[A-Za-z0-9]+"', b"", page)


def test_reset_reveals_nothing_about_the_address_or_the_limit(client, owner, limits):
    limits(password_reset_email=(1, 3600))
    pages = {
        "an account": reset(client, owner.email),
        "no account": reset(client, "nobody@example.com"),
        "limited": reset(client, owner.email),
    }

    assert len(mail.outbox) == 1
    shown = {
        name: (
            page.status_code,
            page["Location"],
            _same_for_everyone(client.get(page["Location"]).content),
        )
        for name, page in pages.items()
    }
    assert len(set(shown.values())) == 1, shown


def test_asking_for_a_reset_costs_the_same_with_or_without_an_account(client, owner, settings):
    """The lookup and the email are a worker's job: the request itself cannot tell, by its
    time or its queries, whether the address has an account."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    queued = []

    def note(sender, task_result, **kwargs):
        queued.append(task_result)

    task_enqueued.connect(note)
    try:
        costs = {}
        for email in (owner.email, "nobody@example.com"):
            with CaptureQueriesContext(connection) as queries:
                assert reset(client, email).status_code == 302
            costs[email] = [q["sql"] for q in queries.captured_queries]
    finally:
        task_enqueued.disconnect(note)

    assert costs[owner.email] == costs["nobody@example.com"]
    assert not any("accounts_user" in sql for sql in costs[owner.email])
    assert mail.outbox == []
    assert [r.kwargs["email"] for r in queued] == [owner.email, "nobody@example.com"]


# Invitations


def invite(client, workspace, email):
    return client.post(
        reverse("workspace:members", kwargs={"ws": workspace.slug}),
        {"email": email, "role": Role.MEMBER},
    )


def test_invitations_are_limited_per_inviter_a_day(
    logged_in, owner, workspace, limits, django_capture_on_commit_callbacks
):
    limits(invitation_inviter=(2, 86400))
    client = logged_in(owner)
    with django_capture_on_commit_callbacks(execute=True):
        sent = [invite(client, workspace, f"guest{n}@example.com").status_code for n in range(2)]
        refused = invite(client, workspace, "guest9@example.com")

    assert sent == [302, 302]
    assert refused.status_code == 422
    assert "You have sent the most invitations allowed in a day (2)" in refused.content.decode()
    assert len(mail.outbox) == 2
    assert not Invitation.objects.filter(email="guest9@example.com").exists()


def test_invitations_are_limited_per_workspace_a_day(
    logged_in, owner, manager, workspace, limits, django_capture_on_commit_callbacks
):
    limits(invitation_workspace=(2, 86400))
    with django_capture_on_commit_callbacks(execute=True):
        invite(logged_in(owner), workspace, "guest1@example.com")
        invite(logged_in(manager), workspace, "guest2@example.com")
        refused = invite(logged_in(manager), workspace, "guest3@example.com")

    assert refused.status_code == 422
    assert "This workspace has sent the most invitations allowed in a day (2)" in (
        refused.content.decode()
    )
    assert len(mail.outbox) == 2


def test_the_workspace_limit_is_not_shared_with_other_workspaces(
    logged_in, owner, workspace, other_workspace, limits, django_capture_on_commit_callbacks
):
    limits(invitation_workspace=(1, 86400))
    MembershipFactory(user=owner, workspace=other_workspace, role=Role.OWNER)
    client = logged_in(owner)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, workspace, "guest1@example.com")
        assert invite(client, other_workspace, "guest2@example.com").status_code == 302
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("language", ["pt-br", "es"])
def test_the_invitation_limit_is_said_in_the_readers_language(
    language, logged_in, owner, workspace, limits
):
    limits(invitation_inviter=(0, 86400))
    owner.language = language
    owner.save(update_fields=["language"])

    page = invite(logged_in(owner), workspace, "guest@example.com").content.decode()

    with translation.override(language):
        members = gettext("Members")
    assert members != "Members"
    assert members in page


# Passwords typed in a signed-in session, and the emails a person can make us send


def test_a_session_alone_cannot_guess_the_password_through_the_profile(logged_in, owner, limits):
    limits(password_confirm_user=(2, 900))
    client = logged_in(owner)
    change = {"name": "Ana", "email": "elsewhere@example.com"}
    for guess in ("guess-one", "guess-two"):
        page = client.post(reverse("accounts:profile"), {**change, "current_password": guess})
        assert "type your current password" in page.content.decode()

    right = client.post(reverse("accounts:profile"), {**change, "current_password": PASSWORD})
    assert right.status_code == 422
    assert "Too many wrong passwords. Try again in 15 minutes at the latest." in (
        right.content.decode()
    )
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


def test_a_session_alone_cannot_guess_the_password_through_the_password_change(
    logged_in, owner, limits
):
    limits(password_confirm_user=(1, 900))
    client = logged_in(owner)
    new = {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"}
    wrong = client.post(reverse("accounts:password_change"), {**new, "old_password": "guess"})
    assert "incorrect" in wrong.content.decode()
    right = client.post(reverse("accounts:password_change"), {**new, "old_password": PASSWORD})
    assert "Too many wrong passwords" in right.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_the_wrong_guesses_of_one_person_do_not_pause_another(logged_in, owner, manager, limits):
    limits(password_confirm_user=(1, 900))
    change = {"name": "X", "email": "moved@example.com", "current_password": "guess"}
    logged_in(owner).post(reverse("accounts:profile"), change)
    moved = logged_in(manager).post(
        reverse("accounts:profile"), {**change, "current_password": PASSWORD}
    )
    assert moved.status_code == 302
    manager.refresh_from_db()
    assert manager.email == "moved@example.com"


def test_login_email_changes_are_limited_a_day(
    logged_in, owner, limits, django_capture_on_commit_callbacks
):
    limits(email_change_user=(1, 86400))
    client = logged_in(owner)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            reverse("accounts:profile"),
            {"name": "Ana", "email": "first@example.com", "current_password": PASSWORD},
        )
        second = client.post(
            reverse("accounts:profile"),
            {"name": "Ana", "email": "second@example.com", "current_password": PASSWORD},
        )
    assert first.status_code == 302
    assert second.status_code == 422
    assert "the most times allowed in a day (1)" in second.content.decode()
    owner.refresh_from_db()
    assert owner.email == "first@example.com"
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
