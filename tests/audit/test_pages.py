"""The trail on pages: a client's changes on its page, and the owners' activity log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import ClientEvent, ReviewEvent
from reviews import questions
from reviews import services as review_services
from tests.factories import ClientFactory, InteractionFactory, MembershipFactory, UserFactory

PANEL = {"HX-Request": "true", "HX-Target": "health-panel"}  # as the client page asks for it


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


@pytest.fixture
def paused(workspace, owner, member, viewer, logged_in):
    """A client a member paused through its page. Everyone is in the workspace first: on
    PostgreSQL, a test's one transaction keeps the request's context for later writes."""
    client = ClientFactory(workspace=workspace, name="Lumen Labs", status="active")
    logged_in(member).post(
        url("portfolio:client_status", workspace, code=client.code), {"status": "paused"}
    )
    return client


def test_the_client_page_loads_its_changes_from_the_audit_app(workspace, paused, logged_in, owner):
    page = logged_in(owner).get(url("portfolio:client_detail", workspace, code=paused.code))
    html = page.content.decode()
    assert 'id="client-changes"' in html  # filled by the health panel, which it loads
    assert url("audit:client_history", workspace, code=paused.code) in html  # without scripts


def test_the_health_page_of_its_own_shows_no_changes(workspace, paused, logged_in, owner):
    page = logged_in(owner).get(url("home:client_health", workspace, code=paused.code))
    assert page.status_code == 200
    assert 'id="client-changes"' not in page.content.decode()


def test_a_clients_changes_say_who_changed_what_from_what_to_what(
    workspace, paused, member, viewer, logged_in
):
    section = logged_in(viewer).get(
        url("home:client_health", workspace, code=paused.code), headers=PANEL
    )
    html = section.content.decode()
    assert section.status_code == 200
    assert '<section id="client-changes"' in html and 'hx-swap-oob="true"' in html
    assert member.display_name in html
    assert "Status" in html
    # Labels, not codes: "Active" → "Paused".
    assert "Active" in html and "Paused" in html
    assert ">paused<" not in html


def test_a_clients_changes_include_its_entries_newest_first(workspace, paused, member, logged_in):
    InteractionFactory(client=paused, author=member, summary="Kick-off call")
    page = logged_in(member).get(url("audit:client_history", workspace, code=paused.code))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Meeting") < html.index("Paused")


def test_a_clients_section_is_capped_with_a_link_to_all(workspace, member, logged_in):
    client = ClientFactory(workspace=workspace)
    for _ in range(9):
        InteractionFactory(client=client, author=member)
    html = (
        logged_in(member)
        .get(url("home:client_health", workspace, code=client.code), headers=PANEL)
        .content.decode()
    )
    assert html.count("audit-line") == 8
    assert "See all changes" in html


def test_another_workspaces_client_is_not_found(paused, other_workspace, outsider, logged_in):
    answer = logged_in(outsider).get(url("audit:client_history", other_workspace, code=paused.code))
    assert answer.status_code == 404


@pytest.mark.parametrize("role", ["manager", "member", "viewer"])
def test_the_activity_log_is_for_owners_only(role, workspace, request, logged_in):
    person = request.getfixturevalue(role)
    assert logged_in(person).get(url("audit:activity", workspace)).status_code == 403


def test_the_activity_log_shows_the_workspaces_changes_and_no_one_elses(
    workspace, paused, owner, other_workspace, outsider, logged_in
):
    ClientFactory(workspace=other_workspace, name="Secret Elsewhere Co")
    page = logged_in(owner).get(url("audit:activity", workspace))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lumen Labs" in html
    assert "Secret Elsewhere Co" not in html
    assert logged_in(outsider).get(url("audit:activity", workspace)).status_code == 404


def test_the_activity_log_filters_by_kind_and_by_person(
    workspace, paused, owner, member, logged_in
):
    browser = logged_in(owner)
    by_member = browser.get(url("audit:activity", workspace), {"person": member.pk})
    assert "Lumen Labs" in by_member.content.decode()
    # The client was created outside a request: only its status change is the member's.
    assert by_member.content.decode().count("audit-line") == 1
    reviews_only = browser.get(url("audit:activity", workspace), {"kind": "review"})
    assert "Lumen Labs" not in reviews_only.content.decode()
    assert "No changes match these filters" in reviews_only.content.decode()
    # An address that offers nothing valid shows everything, not an error.
    assert browser.get(url("audit:activity", workspace), {"kind": "nope"}).status_code == 200


def test_the_activity_log_answers_htmx_with_its_results(workspace, paused, owner, logged_in):
    answer = logged_in(owner).get(
        url("audit:activity", workspace), {"kind": "client"}, headers={"HX-Request": "true"}
    )
    html = answer.content.decode()
    assert html.lstrip().startswith('<div id="activity-results">')
    assert "Lumen Labs" in html


def test_the_activity_log_pages_in_a_constant_number_of_queries(
    workspace, owner, logged_in, django_assert_max_num_queries
):
    browser = logged_in(owner)
    browser.get(url("audit:activity", workspace))
    for _ in range(30):
        client = ClientFactory(workspace=workspace, owner=owner)
        InteractionFactory(client=client, author=owner)
        MembershipFactory(workspace=workspace, user=UserFactory(), role=Role.VIEWER)
    with django_assert_max_num_queries(25):
        assert browser.get(url("audit:activity", workspace), {"page": 2}).status_code == 200


def test_a_reviews_private_answers_never_appear(workspace, owner, logged_in):
    client = ClientFactory(workspace=workspace, name="Lumen Labs")
    review = review_services.review_start(client=client, author=owner)
    code = questions.STEP_QUESTIONS[2][0].code
    review_services.review_answer(
        review=review, user=owner, step=2, answers={code: "I dread every call SECRET"}, go_to=3
    )
    review_services.review_decide(review=review, user=owner, decision=questions.KEEP)
    stored = [str(row) for row in ReviewEvent.objects.values()]
    assert stored and not any("SECRET" in row for row in stored)
    assert not any("SECRET" in str(row) for row in ClientEvent.objects.values())
    html = logged_in(owner).get(url("audit:activity", workspace)).content.decode()
    assert "Keep as is" in html
    assert "SECRET" not in html


def test_a_clients_recent_changes_are_the_newest_of_its_whole_history(workspace, owner):
    from audit.kinds import CLIENT_KINDS
    from audit.selectors import RECENT, feed, recent_changes
    from portfolio import services as portfolio
    from tests.factories import InvoiceFactory

    client = ClientFactory(workspace=workspace, name="Busy Co")
    other = ClientFactory(workspace=workspace, name="Other Co")
    InteractionFactory.create_batch(6, client=client, author=owner)
    InvoiceFactory.create_batch(3, client=client)
    portfolio.client_update(client=client, version=client.version, notes="Asks a lot")
    InteractionFactory.create_batch(4, client=client, author=owner)
    InteractionFactory.create_batch(5, client=other, author=owner)

    whole = list(feed(workspace=workspace, kinds=list(CLIENT_KINDS), client=client))
    recent = recent_changes(workspace=workspace, client=client)
    assert len(whole) > RECENT + 1
    assert [(line.kind.code, line.event.pgh_id) for line in recent["lines"]] == [
        (code, event_id) for _at, event_id, code in whole[:RECENT]
    ]
    assert recent["more"]

    quiet = recent_changes(workspace=workspace, client=other)
    assert len(quiet["lines"]) == 6 and not quiet["more"]  # created, and five entries
