"""The reasons a recommendation draws from a review's answers repeat those answers ("You often
dread their messages"), so they are as private as the answers: its author and the workspace's
owners read them; everyone else reads the decision, the plan and the reasons drawn from the
data, and a line saying that some reasons are private."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership, Role
from assessments.services import clients_rescore
from reviews import questions, services
from reviews.reasons import sentence
from reviews.selectors import visible_reasons
from reviews.views import ADVICE_REASONS
from tests.factories import ClientFactory, MembershipFactory, UserFactory
from tests.history import history

HTMX = {"HX-Request": "true"}
ROLES = ("owner", "manager", "colleague", "viewer", "author")
READ_ANSWERS = {"owner", "author"}
FEELING = "I dread Mondays with them"
NOTE = (
    "Some reasons come from Ana Souza's private answers and are visible only to them and the "
    "workspace's owners."
)
NOTE_AUTHOR_LEFT = (
    "Some reasons come from private answers and are visible only to their author and the "
    "workspace's owners."
)


def url(name, review, **kwargs):
    return reverse(name, kwargs={"ws": review.workspace.slug, "code": review.code, **kwargs})


@pytest.fixture
def author(member):
    member.name = "Ana Souza"
    member.save()
    return member


@pytest.fixture
def colleague(workspace):
    """A member of the workspace who is not the review's author."""
    user = UserFactory(email="colleague@example.com", name="Caio Lima")
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, user=user).user


@pytest.fixture
def in_progress(scored_workspace, owner, manager, author, colleague, viewer):
    """A member's review of a draining client, answered up to the options."""
    client = ClientFactory(workspace=scored_workspace, name="Storm Ltd", owner=author)
    history(client, author, feeling=-2, flags=["disrespect"], kind="call")
    clients_rescore(workspace=scored_workspace)
    review = services.review_start(client=client, author=author)
    services.review_answer(
        review=review, user=author, step=2, answers={"dread": 5, "feel_notes": FEELING}
    )
    services.review_answer(review=review, user=author, step=3, answers={"told_them": "no"})
    services.review_answer(review=review, user=author, step=4, answers={"teammate": manager.pk})
    return review


@pytest.fixture
def decided(in_progress, author):
    services.review_decide(review=in_progress, user=author, decision="set_boundaries")
    in_progress.refresh_from_db()
    return in_progress


def texts(reasons, source) -> list[str]:
    return [escape(sentence(r)) for r in reasons if r["source"] == source]


def answer_texts(review) -> list[str]:
    stored = review.recommendation
    return texts(stored["reasons"] + stored["would_change"], "answer")


def pages(browser, review) -> dict:
    """Every page that lists the review's reasons: the review, and the review drawn again under
    a refused plan or a refused hand-over."""
    return {
        "review": browser.get(url("reviews:review_detail", review)),
        "refused plan": browser.post(url("reviews:review_plan", review), {"check_on": "someday"}),
        "refused hand-over": browser.post(url("reviews:review_hand_over", review), {"to": ""}),
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_reasons_from_answers_are_shown_only_to_the_author_and_the_owners(
    decided, role, request, logged_in
):
    listed = decided.recommendation["reasons"][:ADVICE_REASONS]
    from_answers, from_data = texts(listed, "answer"), texts(listed, "data")
    assert from_answers and from_data  # the advice mixes both, within what the page lists
    decision = escape(str(dict(questions.DECISIONS)["set_boundaries"]))
    responses = pages(logged_in(request.getfixturevalue(role)), decided)
    assert responses["review"].status_code == 200
    for name, response in responses.items():
        page = response.content.decode()
        if response.status_code == 403:  # a viewer may not write: nothing drawn
            assert role == "viewer" and name != "review"
            assert not any(text in page for text in answer_texts(decided))
            continue
        assert response.status_code in (200, 422), name
        assert decision in page and escape(decided.plan["message"]) in page, name
        assert all(text in page for text in from_data), name
        if role in READ_ANSWERS:
            assert all(text in page for text in from_answers), name
            assert FEELING in page and "Some reasons come from" not in page, name
        else:
            assert [text for text in answer_texts(decided) if text in page] == [], name
            assert FEELING not in page and NOTE in page, name


def test_an_outsider_learns_nothing_of_the_review(decided, outsider, logged_in):
    response = logged_in(outsider).get(url("reviews:review_detail", decided))
    assert response.status_code == 404
    assert not any(text in response.content.decode() for text in answer_texts(decided))


@pytest.mark.parametrize("role", ROLES)
def test_the_teammate_named_in_the_answers_is_preselected_only_for_who_may_read_them(
    in_progress, author, manager, role, request, logged_in
):
    services.review_decide(review=in_progress, user=author, decision="hand_over")
    page = logged_in(request.getfixturevalue(role)).get(url("reviews:review_detail", in_progress))
    page = page.content.decode()
    if role in ("owner", "manager", "author"):  # those who may confirm the hand-over
        assert f'value="{manager.pk}"' in page
    assert (f'value="{manager.pk}" selected' in page) == (role in READ_ANSWERS)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "author"])
def test_the_options_step_with_its_reasons_is_the_authors_alone(
    in_progress, author, role, request, logged_in
):
    advice = services.review_recommendation(in_progress)
    private = [escape(sentence(r)) for r in advice.reasons if r.source == "answer"]
    assert private
    own = logged_in(author).get(url("reviews:review_step", in_progress, step=5)).content.decode()
    assert all(text in own for text in private)
    other = logged_in(request.getfixturevalue(role)).get(
        url("reviews:review_step", in_progress, step=5)
    )
    assert other.status_code == 403
    assert not any(text in other.content.decode() for text in private)


@pytest.mark.parametrize("role", ["manager", "colleague", "viewer"])
def test_the_pages_that_list_reviews_do_not_repeat_the_answers(decided, role, request, logged_in):
    browser = logged_in(request.getfixturevalue(role))
    ws, client = decided.workspace.slug, decided.client
    addresses = [
        reverse("reviews:decisions", kwargs={"ws": ws}),
        reverse("home:client_health", kwargs={"ws": ws, "code": client.code}),
        reverse("portfolio:client_detail", kwargs={"ws": ws, "code": client.code}),
    ]
    for address in addresses:
        response = browser.get(address)
        assert response.status_code == 200, address
        assert "Storm Ltd" in response.content.decode()
        assert not any(text in response.content.decode() for text in answer_texts(decided))
    fragment = browser.post(url("reviews:review_plan", decided), {"check_on": "x"}, headers=HTMX)
    assert not any(text in fragment.content.decode() for text in answer_texts(decided))


def test_the_hand_over_emails_carry_no_reasons_from_the_answers(
    in_progress,
    author,
    manager,
    logged_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    services.review_decide(review=in_progress, user=author, decision="hand_over")
    in_progress.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(author).post(
            url("reviews:review_hand_over", in_progress), {"to": manager.pk, "notes": "Calls."}
        )
    to_manager = [m for m in mailoutbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    bodies = [to_manager[0].body] + [content for content, _type in to_manager[0].alternatives]
    private = [
        sentence(r)
        for r in in_progress.recommendation["reasons"] + in_progress.recommendation["would_change"]
        if r["source"] == "answer"
    ]
    assert private
    for body in bodies:
        assert not any(text in body or escape(text) in body for text in private)
        assert FEELING not in body


def test_when_the_author_has_left_the_owners_still_read_every_reason(
    decided, owner, manager, logged_in
):
    decided.author = None
    decided.save()
    detail = url("reviews:review_detail", decided)
    listed = decided.recommendation["reasons"][:ADVICE_REASONS]
    owners = logged_in(owner).get(detail).content.decode()
    assert all(text in owners for text in texts(listed, "answer"))
    page = logged_in(manager).get(detail).content.decode()
    assert not any(text in page for text in answer_texts(decided))
    assert NOTE_AUTHOR_LEFT in page


def test_a_stored_reason_that_does_not_say_where_it_comes_from_is_kept_private(
    decided, owner, manager
):
    decided.recommendation = {
        "decision": "keep",
        "reasons": [
            {"code": "dread_high", "params": {}, "points_to": "keep"},
            {"code": "score", "params": {"score": 80, "band": "healthy"}, "source": "data"},
        ],
        "would_change": [{"code": "new_terms_hold", "params": {}, "source": "answer"}],
    }
    membership = Membership.objects.get(user=manager, workspace=decided.workspace)
    seen = visible_reasons(decided, membership)
    assert [r.code for r in seen.reasons] == ["score"] and seen.would_change == ()
    assert (seen.decision, seen.withheld, seen.withheld_would_change) == ("keep", 1, 1)
    everything = visible_reasons(
        decided, Membership.objects.get(user=owner, workspace=decided.workspace)
    )
    assert [r.code for r in everything.reasons] == ["dread_high", "score"]
    assert everything.withheld == 0


def test_reasons_an_older_release_stored_as_data_but_drawn_from_the_answers_stay_private(
    decided, manager, logged_in
):
    decided.recommendation = {
        "decision": "hand_over",
        "reasons": [
            {
                "code": "teammate_gets_on",
                "params": {"name": "Carla", "feeling": 1.2, "hours": 10.0, "yours": None},
                "points_to": "hand_over",
                "source": "data",
            },
            {"code": "drained_but_sound", "params": {}, "points_to": "pause", "source": "data"},
            {"code": "open_alerts", "params": {"count": 2}, "points_to": "set_boundaries",
             "source": "data"},
        ],
        "would_change": [],
    }  # fmt: skip
    decided.save()
    page = logged_in(manager).get(url("reviews:review_detail", decided)).content.decode()
    assert "your answers say they drain you" not in page
    assert escape(sentence(decided.recommendation["reasons"][1])) not in page
    assert escape(sentence(decided.recommendation["reasons"][2])) in page
