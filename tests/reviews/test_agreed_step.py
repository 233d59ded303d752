"""A review's agreed step reaches the advice: set boundaries or renegotiate, with the day to
check whether it worked; until then the panel gives it its chance, after it a dimension that
has not recovered points to ending, saying when the step was agreed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import AgreedStep
from assessments.selectors import latest_snapshots
from assessments.services import clients_rescore
from reviews.models import Review
from reviews.services import review_facts
from tests.factories import ClientFactory, InvoiceFactory
from tests.history import history


def url(name, workspace, **kwargs):
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


@pytest.fixture
def rude(scored_workspace, member):
    client = ClientFactory(workspace=scored_workspace, name="Storm Ltd", owner=member)
    history(client, member, feeling=-1, flags=["unreasonable_demand"], kind="call")
    # The rest of the portfolio brings far more: ending Storm would not cost much.
    rest = ClientFactory(workspace=scored_workspace, name="The rest", owner=member)
    history(rest, member, invoices=3)
    InvoiceFactory(client=rest, issued_on=scored_workspace.today(), amount=Decimal("90000"))
    clients_rescore(workspace=scored_workspace)
    return client


def decide(browser, client, decision):
    browser.post(url("reviews:review_begin", client.workspace, code=client.code))
    review = Review.objects.filter(client=client, status="in_progress").get()
    browser.post(
        url("reviews:review_step", client.workspace, code=review.code, step=5),
        {"go": "decide", "decision": decision},
    )
    review.refresh_from_db()
    return review


def advice(client):
    snapshot = latest_snapshots(workspace=client.workspace, client_ids=[client.pk])[client.pk]
    return snapshot.suggestion, snapshot.suggestion_reason


def test_deciding_to_set_boundaries_records_the_step_and_the_panel_gives_it_its_chance(
    rude, member, logged_in
):
    browser = logged_in(member)
    review = decide(browser, rude, "set_boundaries")
    agreed = AgreedStep.objects.get(client=rude)
    today = rude.workspace.today()
    assert (agreed.step, agreed.agreed_on) == ("set_boundaries", today)
    assert agreed.check_on == dt.date.fromisoformat(review.plan["check_on"])
    facts = review_facts(review)
    assert agreed.dimension == facts.weakest
    assert agreed.dimension_score == facts.dimensions[facts.weakest]
    suggestion, (code, params) = advice(rude)
    assert (suggestion, code) == ("set_boundaries", "step_in_progress")
    assert params["check_on"] == review.plan["check_on"]

    # Moving the check-again day moves it for the advice too.
    later = today + dt.timedelta(days=30)
    browser.post(
        url("reviews:review_plan", rude.workspace, code=review.code),
        {"check_on": later.isoformat(), "terms_present": "1", "terms": ["revision_rounds"]},
    )
    assert AgreedStep.objects.get(client=rude).check_on == later
    assert advice(rude)[1][1]["check_on"] == later.isoformat()


def test_after_the_check_day_a_step_that_did_not_work_points_to_ending(rude, member, logged_in):
    decide(logged_in(member), rude, "set_boundaries")
    agreed = AgreedStep.objects.get(client=rude)
    agreed.agreed_on -= dt.timedelta(days=20)
    agreed.check_on = rude.workspace.today() - dt.timedelta(days=1)
    agreed.save()
    clients_rescore(workspace=rude.workspace, client_ids=[rude.pk])
    suggestion, (code, params) = advice(rude)
    assert (suggestion, code) == ("end", "step_not_working")
    assert params["step"] == "set_boundaries" and params["dimension"] == agreed.dimension
    assert params["agreed_on"] == agreed.agreed_on.isoformat()


def test_a_later_decision_to_keep_replaces_the_agreed_step(rude, member, logged_in):
    browser = logged_in(member)
    decide(browser, rude, "renegotiate")
    assert AgreedStep.objects.filter(client=rude, step="renegotiate").exists()
    decide(browser, rude, "keep")  # a new review, later
    assert not AgreedStep.objects.filter(client=rude).exists()
    assert advice(rude)[1][0] != "step_in_progress"


def test_editing_an_older_reviews_plan_does_not_bring_back_its_step(rude, member, logged_in):
    browser = logged_in(member)
    first = decide(browser, rude, "set_boundaries")
    decide(browser, rude, "keep")
    assert not AgreedStep.objects.filter(client=rude).exists()
    later = rude.workspace.today() + dt.timedelta(days=20)
    browser.post(
        url("reviews:review_plan", rude.workspace, code=first.code),
        {"check_on": later.isoformat(), "terms_present": "1", "terms": ["revision_rounds"]},
    )
    assert not AgreedStep.objects.filter(client=rude).exists()
