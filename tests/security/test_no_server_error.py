"""Inputs that once reached a server error, answered now on either database: NUL characters
(PostgreSQL refuses them in text), a quick log refused without script, and plan actions a
decision does not have."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portfolio.models import Client, Interaction
from tests.factories import ClientFactory
from tests.reviews.test_reviews import start, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(workspace, member) -> Client:
    return ClientFactory(workspace=workspace, name="Storm Ltd", owner=member, status="active")


def url(name, workspace, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


@pytest.fixture
def http(logged_in, member):
    http = logged_in(member)
    http.raise_request_exception = False
    return http


@pytest.mark.parametrize(
    ("name", "query"),
    [("portfolio:client_list", "?q=Sto%00rm"), ("home:alerts", "?client=Sto%00rm&severity=%00")],
)
def test_a_nul_in_a_search_is_dropped(http, workspace, name, query):
    ClientFactory(workspace=workspace, name="Storm Ltd")
    response = http.get(url(name, workspace) + query)
    assert response.status_code == 200
    if name == "portfolio:client_list":
        assert "Storm Ltd" in response.content.decode()  # searched for "Storm"


def test_a_nul_in_what_is_typed_is_refused_with_a_message(http, workspace, customer):
    before = Interaction.objects.count()
    entry = {"client": customer.name, "kind": "call", "minutes": "5", "summary": "a\x00b"}
    response = http.post(url("portfolio:interaction_create", workspace), entry)
    assert response.status_code == 422
    assert "Null characters are not allowed." in response.content.decode()
    assert 'value="a' in response.content.decode()  # what was typed is still there
    assert Interaction.objects.count() == before
    review = start(http, customer)
    answer = http.post(step_url(review, 2), {"feel_notes": "a\x00b"})
    assert answer.status_code == 422


def test_a_quick_log_refused_without_script_shows_the_form_again_and_follows_no_address(
    http, workspace
):
    response = http.post(
        url("portfolio:interaction_create", workspace),
        {"client": "Nobody", "kind": "call", "minutes": "5", "summary": "Typed",
         "next": "https://evil.example/"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 422
    assert "The entry was not saved" in page and "No client called “Nobody”" in page
    assert 'value="Typed"' in page
    assert "evil.example" not in page and "Location" not in response


@pytest.mark.parametrize("decision", ["hand_over", "keep", "pause"])
def test_drafting_a_message_for_a_decision_without_one_changes_nothing(
    http,
    workspace,
    customer,
    decision,
):
    review = start(http, customer)
    http.post(step_url(review, 5), {"go": "decide", "decision": decision})
    review.refresh_from_db()
    before = review.plan
    plan = url("reviews:review_plan", workspace, code=review.code)
    for data in ({"action": "draft"}, {"action": "restore"}, {"action": "draft", "tone": "warm"}):
        assert http.post(plan, data).status_code < 500
    review.refresh_from_db()
    assert review.plan == before


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "target", ["0", "accounts:logout", "//evil.example/", "https://evil.example/"]
)
def test_the_language_switcher_follows_only_an_address_of_this_site(
    client, owner, signed_in, target
):
    """Found by the fuzz suite: a `next` with no slash was taken for a view's name (a 500, and
    any view name followed)."""
    client.raise_request_exception = False
    if signed_in:
        client.force_login(owner)
    for language in ("", "en"):
        response = client.post("/language/", {"language": language, "next": target})
        assert response.status_code == 302
        assert response["Location"] in ("/", reverse("home"))
    response = client.post("/language/", {"language": "es", "next": "/accounts/profile/"})
    assert response["Location"] == "/accounts/profile/"


def test_a_key_past_any_database_column_is_refused_like_an_unknown_one(logged_in, owner):
    """Found by the fuzz suite: a muted client's key of 30 digits reached SQLite (a 500)."""
    from accounts.services import user_sign_up
    from assessments.models import Boundary

    owner, workspace = user_sign_up(email="ana@example.com", password="long-passphrase-1")
    line = Boundary.objects.filter(workspace=workspace).first()
    http = logged_in(owner)
    http.raise_request_exception = False
    response = http.post(
        url("assessments:boundary_edit", workspace, code=line.code),
        {"enabled": "on", "threshold": "1", "span": "30", "severity": "info",
         "muted_clients": ["-999999999999999999999999999999"]},
    )  # fmt: skip
    assert response.status_code == 422
    assert "is not a valid value." in response.content.decode()


def test_a_stale_or_tampered_hidden_field_is_one_message_for_the_form(http, workspace, customer):
    """Found by the fuzz suite: a wrong hidden version was refused with no visible message."""
    response = http.post(
        url("portfolio:invoice_create", workspace, code=customer.code),
        {"number": "2026-1", "issued_on": "2026-11-01", "amount": "10", "version": ":"},
    )
    assert response.status_code == 422
    assert "This form is out of date: reload the page" in response.content.decode()
