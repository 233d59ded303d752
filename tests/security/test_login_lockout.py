"""Wrong passwords lock one account from one address for a while (django-axes), and a flood of
failed logins from one address is cut off before any password is hashed."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.factories import PASSWORD

HOME = "203.0.113.10"
CAFE = "198.51.100.20"


def log_in(client, email, password, address=HOME, **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def fail(client, email, times, address=HOME):
    return [log_in(client, email, "wrong-password", address).status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_from_that_address_even_with_the_right_one(
    client, owner
):
    assert fail(client, owner.email, 5) == [422, 422, 422, 422, 429]

    locked = log_in(client, owner.email, PASSWORD)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "15 minutes" in locked.content.decode()
    assert locked["Retry-After"] == str(15 * 60)


def test_a_locked_pair_never_reaches_the_password_check(client, owner):
    fail(client, owner.email, 5)
    with mock.patch.object(ModelBackend, "authenticate") as check:
        log_in(client, owner.email, PASSWORD)
    check.assert_not_called()


def test_the_lockout_counts_the_account_whatever_the_case_of_its_email(client, owner):
    fail(client, owner.email.upper(), 3)
    fail(client, f"  {owner.email.title()} ", 2)
    assert log_in(client, owner.email, PASSWORD).status_code == 429


def test_another_account_from_the_same_address_still_logs_in(client, owner, manager):
    fail(client, owner.email, 5)

    response = log_in(client, manager.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)


def test_the_same_account_from_another_address_still_logs_in(client, owner):
    fail(client, owner.email, 5, address=CAFE)

    response = log_in(client, owner.email, PASSWORD, address=HOME)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_after_the_cool_off_the_account_logs_in_again(client, owner):
    fail(client, owner.email, 5)
    # Fifteen minutes and a bit pass.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=16))

    assert log_in(client, owner.email, PASSWORD).status_code == 302


def test_attempts_during_the_lockout_do_not_extend_it(client, owner):
    fail(client, owner.email, 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=10))
    fail(client, owner.email, 3)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=6))

    assert log_in(client, owner.email, PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, owner):
    fail(client, owner.email, 4)
    assert log_in(client, owner.email, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))

    assert fail(client, owner.email, 4) == [422] * 4
    assert log_in(client, owner.email, PASSWORD).status_code == 302


def test_the_failure_limit_and_cool_off_come_from_settings(client, owner, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=1)
    settings.LOGIN_COOLOFF_MINUTES = 1

    assert fail(client, owner.email, 2) == [422, 429]
    assert "1 minute," in log_in(client, owner.email, PASSWORD).content.decode()


@pytest.fixture
def address_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (6, 15 * 60)}
    return 6


def test_failed_logins_from_one_address_are_throttled_whatever_the_account(
    client, owner, manager, member, address_limit
):
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        fail(client, email, 2)

    throttled = log_in(client, member.email, PASSWORD)

    assert throttled.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "failed logins from your network" in throttled.content.decode()


def test_the_address_throttle_runs_before_any_password_is_hashed(client, owner, address_limit):
    fail(client, "someone@example.com", address_limit)
    with mock.patch.object(ModelBackend, "authenticate") as check:
        assert log_in(client, owner.email, PASSWORD).status_code == 429
    check.assert_not_called()


def test_the_address_throttle_leaves_other_addresses_alone(client, owner, address_limit):
    fail(client, "someone@example.com", address_limit, address=CAFE)
    assert log_in(client, owner.email, PASSWORD, address=HOME).status_code == 302


def test_successful_logins_and_empty_forms_do_not_count_towards_the_throttle(
    client, owner, address_limit
):
    for _ in range(address_limit + 1):
        assert log_in(client, owner.email, PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))
        client.post(reverse("accounts:login"), {"username": "", "password": ""}, REMOTE_ADDR=HOME)
    assert log_in(client, owner.email, PASSWORD).status_code == 302


@pytest.mark.parametrize("language", ["pt-br", "es"])
def test_the_lockout_page_speaks_the_visitors_language(language, owner):
    client = Client(headers={"Accept-Language": language})
    fail(client, owner.email, 5)

    page = log_in(client, owner.email, PASSWORD).content.decode()

    assert f'lang="{language}"' in page.lower()
    with translation.override(language):
        forgot = gettext("Forgot your password?")
        paused = gettext("Logging in is paused")
        message = ngettext(
            "There were too many wrong passwords for this account from your network, so we "
            "paused logging in to it from here. Wait %(minutes)s minute, then try again.",
            "There were too many wrong passwords for this account from your network, so we "
            "paused logging in to it from here. Wait %(minutes)s minutes, then try again.",
            15,
        ) % {"minutes": 15}
    assert forgot != "Forgot your password?"
    assert forgot in page
    assert paused in page
    assert message in page
