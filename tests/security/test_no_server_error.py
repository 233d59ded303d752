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
