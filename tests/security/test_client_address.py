"""X-Forwarded-For is read only behind as many proxies as TRUSTED_PROXY_COUNT says, and then
only the entry our outermost proxy added: the rest was written by the client."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.ratelimit import client_ip
from tests.factories import PASSWORD


def address(forwarded=None, remote="10.0.0.2"):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_with_no_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address("203.0.113.9") == "10.0.0.2"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # The client forged the first entry; our proxy appended the real one.
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, " 203.0.113.9 ,", "203.0.113.9"),
    ],
)
def test_behind_proxies_the_entry_of_the_outermost_one_counts(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert address(forwarded) == expected


@pytest.mark.parametrize("forwarded", [None, "", "203.0.113.9"])
def test_a_request_that_did_not_pass_every_proxy_counts_as_its_socket(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(forwarded) == "10.0.0.2"


def fail_five_times(client, owner, forwarded):
    for n in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": owner.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded(n),
        )


def log_in(client, owner, forwarded):
    return client.post(
        reverse("accounts:login"),
        {"username": owner.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_without_a_proxy_a_forged_header_does_not_escape_the_lockout(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    fail_five_times(client, owner, lambda n: f"192.0.2.{n}")
    assert log_in(client, owner, "192.0.2.99").status_code == 429


def test_behind_one_proxy_each_visitor_is_locked_on_their_own(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_five_times(client, owner, lambda n: "192.0.2.1")
    assert log_in(client, owner, "192.0.2.1").status_code == 429
    assert log_in(client, owner, "192.0.2.2").status_code == 302
