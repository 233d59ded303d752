"""The guided review through its pages: start or resume, answers saved at every step and
private, the decision and its plan, hand-over, offboarding, follow-ups; and "they ended it"."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from assessments.services import clients_rescore
from portfolio.models import ClientStatus
from reviews.models import FollowUp, Review, ReviewStatus
from tests.factories import ClientFactory, MembershipFactory, UserFactory
from tests.history import history

HTMX = {"HX-Request": "true"}


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


@pytest.fixture
def client_a(scored_workspace, owner, member):
    client = ClientFactory(
        workspace=scored_workspace,
        name="Storm Ltd",
        owner=member,
        email="boss@storm.example",
        language="pt-BR",
    )
    history(client, member, feeling=-2, flags=["disrespect"], kind="call")
    clients_rescore(workspace=scored_workspace)
    return client


def start(browser, client):
    response = browser.post(url("reviews:review_begin", client.workspace, code=client.code))
    assert response.status_code == 302
    return Review.objects.get(client=client, status=ReviewStatus.IN_PROGRESS)


def step_url(review, step):
    return url("reviews:review_step", review.client.workspace, code=review.code, step=step)


def test_a_review_starts_from_the_client_page_and_resumes_where_it_was_left(
    client_a, member, logged_in
):
    browser = logged_in(member)
    page = browser.get(url("reviews:review_begin", client_a.workspace, code=client_a.code))
    assert "Start the review" in page.content.decode()
    review = start(browser, client_a)
    assert review.facts["score"] < 50 and review.facts["band"]
    browser.post(step_url(review, 1), {"go": "next"})
    browser.post(step_url(review, 2), {"dread": "5", "go": "next"})
    # Coming back later (a reload, a locked phone): straight to the step where it stopped.
    again = browser.get(url("reviews:review_begin", client_a.workspace, code=client_a.code))
    assert again.url == step_url(review, 3)
    assert Review.objects.filter(client=client_a).count() == 1
    assert start(browser, client_a).pk == review.pk  # one review in progress per client


def test_every_change_is_saved_at_once_and_shows_again_after_a_reload(client_a, member, logged_in):
    browser = logged_in(member)
    review = start(browser, client_a)
    saved = browser.post(step_url(review, 2), {"enjoy": "1", "dread": "5"}, headers=HTMX)
    assert saved.status_code == 200 and "Saved" in saved.content.decode()
    review.refresh_from_db()
    assert review.answers == {"enjoy": 1, "dread": 5}
    page = browser.get(step_url(review, 2)).content.decode()
    assert 'id="q-dread-5" value="5" checked' in page
    browser.post(step_url(review, 2), {"enjoy": "1"}, headers=HTMX)  # dread cleared
    review.refresh_from_db()
    assert review.answers == {"enjoy": 1}


@pytest.mark.parametrize("bad", [{"dread": "9"}, {"trust": "maybe"}, {"runway_months": "x"}])
def test_an_answer_outside_the_choices_is_refused_and_nothing_changes(
    client_a, member, logged_in, bad
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 2), {"enjoy": "2"}, headers=HTMX)
    step = {"dread": 2, "trust": 3, "runway_months": 4}[next(iter(bad))]
    response = browser.post(step_url(review, step), bad, headers=HTMX)
    assert response.status_code == 422
    review.refresh_from_db()
    assert review.answers == {"enjoy": 2}


def test_a_refused_step_says_which_question_and_keeps_what_was_typed(client_a, member, logged_in):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 2), {"enjoy": "2"}, headers=HTMX)
    response = browser.post(
        step_url(review, 2), {"enjoy": "4", "dread": "9", "feel_notes": "Long week", "go": "next"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "“Do you dread their messages?”: choose one of the answers offered." in page
    assert 'id="q-enjoy-4" value="4" checked' in page  # as typed, not as saved
    assert "Long week</textarea>" in page
    review.refresh_from_db()
    assert review.answers == {"enjoy": 2} and review.step == 2  # still here, not on 3


def test_the_steps_of_someone_elses_review_are_closed(client_a, member, manager, logged_in):
    review = start(logged_in(member), client_a)
    assert logged_in(manager).get(step_url(review, 2)).status_code == 403


def test_feelings_stay_private_but_the_decision_is_shared(
    client_a, member, owner, manager, logged_in
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 2), {"dread": "5", "feel_notes": "I dread Mondays with them"})
    browser.post(step_url(review, 5), {"go": "decide", "decision": "set_boundaries"})
    detail = url("reviews:review_detail", client_a.workspace, code=review.code)
    teammate_view = logged_in(manager).get(detail).content.decode()
    assert "Set boundaries" in teammate_view
    assert "I dread Mondays" not in teammate_view
    assert "I dread Mondays" in logged_in(owner).get(detail).content.decode()
    assert "I dread Mondays" in logged_in(member).get(detail).content.decode()


def test_deciding_to_end_moves_the_client_to_offboarding_and_schedules_a_follow_up(
    client_a, member, logged_in
):
    browser = logged_in(member)
    review = start(browser, client_a)
    response = browser.post(step_url(review, 5), {"go": "decide", "decision": "end"})
    assert response.status_code == 302
    review.refresh_from_db()
    client_a.refresh_from_db()
    assert (review.status, review.decision) == (ReviewStatus.DECIDED, "end")
    assert review.recommendation["decision"]
    assert client_a.status == ClientStatus.OFFBOARDING
    follow_up = FollowUp.objects.get(review=review)
    assert follow_up.due_on == client_a.workspace.today() + dt.timedelta(days=14)


def test_the_farewell_is_drafted_in_the_clients_language_edited_and_sent_by_mailto(
    client_a, member, logged_in
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "end"})
    review.refresh_from_db()
    assert review.plan["language"] == "pt-br"  # preset from the client's language
    plan = url("reviews:review_plan", client_a.workspace, code=review.code)
    browser.post(plan, {"action": "draft", "tone": "firm", "language": "en", "reason": "fit"})
    review.refresh_from_db()
    firm = review.plan["message"]
    assert "Storm Ltd" in firm or review.client.name in firm
    browser.post(plan, {"action": "draft", "tone": "warm", "language": "en", "reason": "fit"})
    review.refresh_from_db()
    assert review.plan["message"] != firm
    browser.post(plan, {"message": "My own words, edited."})
    review.refresh_from_db()
    assert review.plan["message"] == "My own words, edited."
    page = browser.get(url("reviews:review_detail", client_a.workspace, code=review.code))
    assert "mailto:boss@storm.example?subject=" in page.content.decode()
    assert "My%20own%20words" in page.content.decode()


def test_drafting_again_keeps_the_persons_edits_one_click_from_coming_back(
    client_a, member, logged_in
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "end"})
    review.refresh_from_db()
    drafted = review.plan["message"]
    plan = url("reviews:review_plan", client_a.workspace, code=review.code)
    choices = {"tone": "warm", "language": "en", "reason": "fit"}

    # An untouched draft is simply drafted again: nothing to keep.
    browser.post(plan, {"action": "draft", "message": drafted, **choices})
    review.refresh_from_db()
    assert "kept_message" not in review.plan
    fresh = review.plan["message"]

    mine = fresh + "\n\nP.S. Thank you for the lovely coffee in March."
    page = browser.post(
        plan, {"action": "draft", "message": mine, **choices | {"tone": "firm"}}, headers=HTMX
    ).content.decode()
    review.refresh_from_db()
    assert review.plan["message"] != mine  # the firm draft stands in its place…
    assert review.plan["kept_message"] == mine  # …and the person's words are kept
    assert "Your own version is kept." in page and 'value="restore"' in page

    browser.post(plan, {"action": "restore", "message": review.plan["message"], **choices})
    review.refresh_from_db()
    assert review.plan["message"] == mine
    assert "kept_message" not in review.plan
    page = browser.get(url("reviews:review_detail", client_a.workspace, code=review.code))
    assert "Your own version is kept." not in page.content.decode()


def test_a_refused_plan_keeps_the_message_as_typed_and_changes_nothing(client_a, member, logged_in):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "end"})
    review.refresh_from_db()
    before = review.plan
    plan = url("reviews:review_plan", client_a.workspace, code=review.code)
    for headers in (HTMX, {}):
        response = browser.post(
            plan, {"message": "My own words", "last_day": "someday"}, headers=headers
        )
        assert response.status_code == 422
        page = response.content.decode()
        assert "Enter a valid date." in page
        assert "My own words</textarea>" in page
    cold = browser.post(plan, {"tone": "cold", "message": "Brr"}, headers=HTMX)
    assert cold.status_code == 422 and "Choose a tone." in cold.content.decode()
    review.refresh_from_db()
    assert review.plan == before


def test_ticking_the_whole_offboarding_checklist_ends_the_client(client_a, member, logged_in):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "end"})
    review.refresh_from_db()
    steps = list(review.plan["checklist"])
    for item in steps:
        client_a.refresh_from_db()
        assert client_a.status == ClientStatus.OFFBOARDING
        browser.post(
            url("reviews:review_check", client_a.workspace, code=review.code, item=item),
            {"done": "on"},
            headers=HTMX,
        )
    client_a.refresh_from_db()
    review.refresh_from_db()
    assert (client_a.status, client_a.ended_by) == (ClientStatus.ENDED, "we_ended")
    assert review.status == ReviewStatus.DONE


def test_pausing_pauses_the_client(client_a, member, logged_in):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "pause"})
    client_a.refresh_from_db()
    assert client_a.status == ClientStatus.PAUSED


def test_a_hand_over_changes_the_owner_and_tells_both(
    client_a, member, manager, logged_in, mailoutbox, django_capture_on_commit_callbacks
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "hand_over"})
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            url("reviews:review_hand_over", client_a.workspace, code=review.code),
            {"to": manager.pk, "notes": "They like short calls."},
        )
    client_a.refresh_from_db()
    assert client_a.owner == manager
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, member.email])
    assert any("They like short calls." in m.body for m in mailoutbox)


def test_a_hand_over_is_in_the_clients_history_with_its_note_never_the_answers(
    client_a, member, manager, logged_in
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 2), {"dread": "5", "feel_notes": "I dread calls."})
    review.refresh_from_db()
    assert review.answers["feel_notes"] == "I dread calls."  # a private answer, saved
    browser.post(step_url(review, 5), {"go": "decide", "decision": "hand_over"})
    browser.post(
        url("reviews:review_hand_over", client_a.workspace, code=review.code),
        {"to": manager.pk, "notes": "They like short calls."},
    )
    page = (
        logged_in(manager)
        .get(url("portfolio:client_detail", client_a.workspace, code=client_a.code))
        .content.decode()
    )
    history = page.split('id="timeline-items"')[1]
    assert "Handed over from" in history and manager.display_name in history
    assert "They like short calls." in history
    assert url("reviews:review_detail", client_a.workspace, code=review.code) in history
    assert "I dread calls." not in page


def test_a_hand_over_from_the_client_page_is_in_its_history_too(
    client_a, member, manager, logged_in
):
    browser = logged_in(member)
    browser.post(
        url("portfolio:client_hand_over", client_a.workspace, code=client_a.code),
        {"to": manager.pk},
    )
    page = browser.get(url("portfolio:client_detail", client_a.workspace, code=client_a.code))
    history = page.content.decode().split('id="timeline-items"')[1]
    assert "Handed over from" in history and "Decided in a review" not in history


def test_a_hand_over_to_no_one_is_refused_and_keeps_the_notes(
    client_a, member, logged_in, mailoutbox
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "hand_over"})
    response = browser.post(
        url("reviews:review_hand_over", client_a.workspace, code=review.code),
        {"to": "", "notes": "They like short calls."},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose the teammate who takes the client over." in page
    assert "They like short calls.</textarea>" in page
    client_a.refresh_from_db()
    review.refresh_from_db()
    assert client_a.owner == member and review.status == ReviewStatus.DECIDED
    assert mailoutbox == []


def test_hand_overs_are_limited_a_day_for_each_person(
    client_a, member, manager, logged_in, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "hand_over_member": (0, 86400)}
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "hand_over"})
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            url("reviews:review_hand_over", client_a.workspace, code=review.code),
            {"to": manager.pk, "notes": "They like short calls."},
        )
    assert response.status_code == 422
    page = response.content.decode()
    assert "You have handed over the most clients allowed in a day (0)." in page
    assert "They like short calls.</textarea>" in page
    client_a.refresh_from_db()
    assert client_a.owner == member
    assert mailoutbox == []


def test_hand_over_is_not_offered_to_someone_who_works_alone(scored_workspace, owner, logged_in):
    client = ClientFactory(workspace=scored_workspace, owner=owner)
    history(client, owner, days=10)
    browser = logged_in(owner)
    review = start(browser, client)
    page = browser.get(step_url(review, 5)).content.decode()
    assert 'value="hand_over"' not in page
    response = browser.post(step_url(review, 5), {"go": "decide", "decision": "hand_over"})
    assert response.status_code == 422
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS


def test_the_follow_up_is_answered_by_its_author_and_shows_in_the_decisions(
    client_a, member, manager, logged_in
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "set_boundaries"})
    follow_up = FollowUp.objects.get(review=review)
    address = url("reviews:follow_up", client_a.workspace, code=follow_up.code)
    assert browser.post(address, {}).status_code == 422  # nothing answered
    refused = browser.post(address, {"feeling": "9", "notes": "Calmer already."})
    assert refused.status_code == 422
    assert "Choose how you feel, from 1 to 5." in refused.content.decode()
    assert "Calmer already.</textarea>" in refused.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.answered_at is None
    browser.post(address, {"feeling": "5", "right_call": "yes", "notes": "Calmer already."})
    follow_up.refresh_from_db()
    assert (follow_up.feeling, follow_up.right_call) == (5, "yes")
    page = browser.get(url("reviews:decisions", client_a.workspace)).content.decode()
    assert "Storm Ltd" in page and "feeling 5/5" in page
    # How the author felt is theirs (and the owners'); whether it was the right call is shared.
    theirs = logged_in(manager).get(url("reviews:decisions", client_a.workspace))
    assert "Storm Ltd" in theirs.content.decode() and "feeling 5/5" not in theirs.content.decode()
    assert "right call?" in theirs.content.decode()
    assert logged_in(manager).get(address).status_code == 403  # only its author answers


def test_a_due_follow_up_is_emailed_once_to_an_author_who_asked(
    client_a, member, logged_in, mailoutbox, django_capture_on_commit_callbacks
):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "keep"})
    FollowUp.objects.filter(review=review).update(due_on=client_a.workspace.today())
    membership = member.memberships.get(workspace=client_a.workspace)
    membership.follow_up_emails = True
    membership.save()
    with django_capture_on_commit_callbacks(execute=True):  # the reminder leaves on commit
        call_command("assessments_daily", stdout=io.StringIO())
        call_command("assessments_daily", stdout=io.StringIO())
    reminders = [m for m in mailoutbox if "decision" in m.subject]
    assert len(reminders) == 1 and reminders[0].to == [member.email]
    assert (
        "Look back on your decision about Storm Ltd"
        in browser.get(url("home:today", client_a.workspace)).content.decode()
    )


def test_cancelling_keeps_the_client_as_it_was(client_a, member, logged_in):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(url("reviews:review_cancel", client_a.workspace, code=review.code))
    review.refresh_from_db()
    client_a.refresh_from_db()
    assert review.status == ReviewStatus.CANCELLED and client_a.status == ClientStatus.ACTIVE
    assert start(browser, client_a).pk != review.pk  # a new review can begin


def test_they_ended_it_records_when_and_why_without_blame(client_a, member, logged_in):
    browser = logged_in(member)
    address = url("portfolio:client_departure", client_a.workspace, code=client_a.code)
    assert "outside your control" in browser.get(address).content.decode()
    today = client_a.workspace.today()
    future = browser.post(
        address,
        {"ended_on": (today + dt.timedelta(days=3)).isoformat(), "departure_reason": "budget"},
    )
    assert future.status_code == 422
    client_a.refresh_from_db()
    assert client_a.status == ClientStatus.ACTIVE
    browser.post(
        address,
        {
            "ended_on": today.isoformat(),
            "departure_reason": "other_provider",
            "end_reason": "Reply faster to quotes.",
        },
    )
    client_a.refresh_from_db()
    assert (client_a.status, client_a.ended_by, client_a.departure_reason) == (
        ClientStatus.ENDED,
        "they_ended",
        "other_provider",
    )
    assert client_a.end_reason == "Reply faster to quotes."
    portfolio = browser.get(url("home:portfolio", client_a.workspace)).content.decode()
    assert "Departures" in portfolio and "Chose another provider" in portfolio


def test_a_viewer_cannot_start_a_review(client_a, viewer, logged_in):
    response = logged_in(viewer).post(
        url("reviews:review_begin", client_a.workspace, code=client_a.code)
    )
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_a_viewer_who_opens_a_review_link_is_told_why_there_is_no_start(
    client_a, viewer, logged_in
):
    browser = logged_in(viewer)
    client_page = browser.get(
        url("portfolio:client_detail", client_a.workspace, code=client_a.code)
    )
    begin = url("reviews:review_begin", client_a.workspace, code=client_a.code)
    assert begin not in client_page.content.decode()  # no way in from the client page
    page = browser.get(begin).content.decode()
    assert "Start the review" not in page
    assert "you cannot start a review" in page
    assert url("reviews:decisions", client_a.workspace) in page


def test_a_teammate_added_later_does_not_see_the_review_steps(client_a, member, logged_in):
    review = start(logged_in(member), client_a)
    newcomer = MembershipFactory(
        workspace=client_a.workspace, role=Role.OWNER, user=UserFactory()
    ).user
    assert logged_in(newcomer).get(step_url(review, 1)).status_code == 403


def test_the_check_again_date_is_when_the_follow_up_asks(client_a, member, logged_in):
    browser = logged_in(member)
    review = start(browser, client_a)
    browser.post(step_url(review, 5), {"go": "decide", "decision": "renegotiate"})
    review.refresh_from_db()
    assert review.plan["terms"] == ["rate"] and review.plan["message"]  # drafted already
    later = client_a.workspace.today() + dt.timedelta(days=30)
    browser.post(
        url("reviews:review_plan", client_a.workspace, code=review.code),
        {"check_on": later.isoformat(), "terms_present": "1", "terms": ["rate", "bogus"]},
    )
    review.refresh_from_db()
    assert review.plan["terms"] == ["rate"]
    assert FollowUp.objects.get(review=review).due_on == later
    bad = browser.post(
        url("reviews:review_plan", client_a.workspace, code=review.code),
        {"check_on": "someday"},
        headers=HTMX,
    )
    assert bad.status_code == 422
    assert FollowUp.objects.get(review=review).due_on == later


def test_the_step_titles_speak_the_readers_language(client_a, owner, logged_in):
    owner.language = "es"
    owner.save()
    browser = logged_in(owner)
    browser.post(url("reviews:review_begin", client_a.workspace, code=client_a.code))
    review = Review.objects.get(client=client_a)
    page = browser.get(step_url(review, 1)).content.decode()
    assert "Los números" in page
    assert "Whose side it is" not in page
