"""A form opened before someone else saved the same record: the later save is refused with a
message, what was typed stays on the screen, and saving again wins. Lines (boundaries) and a
review's plan carry the version they were drawn at, as clients and invoices do."""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser
from django.urls import reverse

from accounts.services import user_sign_up
from assessments.models import Boundary, BoundaryKind
from reviews.models import Review
from reviews.services import review_decide, review_start
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def drawn_version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


@pytest.fixture
def line():
    owner, workspace = user_sign_up(email="ana@example.com", password="long-passphrase-1")
    return Boundary.objects.get(workspace=workspace, kind=BoundaryKind.DISRESPECT), owner


def test_a_line_saved_by_someone_else_meanwhile_is_not_overwritten(line):
    line, owner = line
    workspace = line.workspace
    teammate = MembershipFactory(workspace=workspace, role="manager", user=UserFactory()).user
    path = reverse("assessments:boundary_edit", kwargs={"ws": workspace.slug, "code": line.code})
    mine, theirs = signed_in(owner), signed_in(teammate)
    version = drawn_version(mine.get(path).content.decode())
    form = {"enabled": "on", "span": "30", "severity": "warning", "version": version}

    assert theirs.post(path, {**form, "threshold": "7"}).status_code == 302
    refused = mine.post(path, {**form, "threshold": "21"})

    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Someone else changed this line while you were editing." in page
    assert 'value="21"' in page  # what I typed is still there
    line.refresh_from_db()
    assert line.threshold == 7
    again = mine.post(path, {**form, "threshold": "21", "version": drawn_version(page)})
    assert again.status_code == 302
    line.refresh_from_db()
    assert (line.threshold, line.version) == (21, 3)


def test_a_tampered_line_version_is_refused_with_a_message(line):
    line, owner = line
    path = reverse(
        "assessments:boundary_edit", kwargs={"ws": line.workspace.slug, "code": line.code}
    )
    form = {"enabled": "on", "span": "30", "severity": "warning", "threshold": "9"}
    refused = signed_in(owner).post(path, {**form, "version": "not-a-number"})
    assert refused.status_code == 422
    assert "This form is out of date" in refused.content.decode()
    line.refresh_from_db()
    assert line.version == 1


@pytest.fixture
def ending(workspace, owner, manager):
    """A review that decided to end, written by the owner; the manager may edit its plan."""
    review = review_start(client=ClientFactory(workspace=workspace, owner=owner), author=owner)
    review_decide(review=review, user=owner, decision="end")
    return review


def test_a_plan_saved_by_someone_else_meanwhile_is_not_overwritten(ending, owner, manager):
    path = reverse("reviews:review_plan", kwargs={"ws": ending.workspace.slug, "code": ending.code})
    detail = reverse(
        "reviews:review_detail", kwargs={"ws": ending.workspace.slug, "code": ending.code}
    )
    mine, theirs = signed_in(owner), signed_in(manager)
    version = drawn_version(mine.get(detail).content.decode())
    form = {"reason": "other", "tone": "warm", "language": "en", "version": version}

    assert theirs.post(path, {**form, "message": "Their words"}).status_code == 302
    for headers in (HTMX, {}):
        refused = mine.post(path, {**form, "message": "My words"}, headers=headers)
        assert refused.status_code == 422
        page = refused.content.decode()
        assert "Someone else changed this plan while you were editing." in page
        assert "My words</textarea>" in page
    assert Review.objects.get(pk=ending.pk).plan["message"] == "Their words"

    again = mine.post(path, {**form, "message": "My words", "version": drawn_version(page)})
    assert again.status_code == 302
    assert Review.objects.get(pk=ending.pk).plan["message"] == "My words"


def test_ticking_a_step_does_not_outdate_an_open_plan_form(ending, owner):
    workspace = ending.workspace
    detail = reverse("reviews:review_detail", kwargs={"ws": workspace.slug, "code": ending.code})
    browser = signed_in(owner)
    version = drawn_version(browser.get(detail).content.decode())
    step = next(iter(ending.plan["checklist"]))
    tick = reverse(
        "reviews:review_check", kwargs={"ws": workspace.slug, "code": ending.code, "item": step}
    )
    browser.post(tick, {"done": "on"})

    path = reverse("reviews:review_plan", kwargs={"ws": workspace.slug, "code": ending.code})
    form = {"reason": "other", "tone": "warm", "language": "en", "message": "Bye"}
    assert browser.post(path, {**form, "version": version}).status_code == 302
    plan = Review.objects.get(pk=ending.pk).plan
    assert (plan["message"], plan["checklist"][step]) == ("Bye", True)
