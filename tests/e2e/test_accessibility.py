"""axe-core's WCAG 2 A and AA rules on every page of the foundation, logged out and in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser

from accounts.models import Role
from accounts.services import user_sign_up
from assessments.models import Boundary
from assessments.services import history_rebuild
from portfolio.models import Client
from reviews.services import review_decide, review_start
from tests.factories import (
    ClientFactory,
    InteractionFactory,
    InvoiceFactory,
    MembershipFactory,
    UserFactory,
)
from tests.history import history

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text()

PUBLIC_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
WORKSPACE_PAGES = [
    "",
    "members/",
    "settings/",
    "leave/",
    "delete/",
    "clients/",
    "clients/new/",
    "clients/trash/",
    "imports/",
    "health/settings/",
    "boundaries/",
]
ACCOUNT_PAGES = ["/accounts/profile/", "/accounts/password/change/", "/workspaces/new/"]


def violations(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    return result


@pytest.fixture
def axe_page(browser: Browser, live_server):
    # axe is injected through the DevTools protocol, which our CSP would otherwise refuse.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_meet_wcag_aa(axe_page, width):
    page = axe_page
    page.set_viewport_size({"width": width, "height": 800})
    _user, workspace = user_sign_up(
        email="ana@example.com", password="long-passphrase-1", name="Ana"
    )
    MembershipFactory(workspace=workspace, role=Role.MEMBER, user=UserFactory(name="Bo"))
    client = ClientFactory(workspace=workspace, name="Atlas", owner=_user)
    entry = InteractionFactory(client=client, author=_user, feeling=-1, flag_distrust=True)
    invoice = InvoiceFactory(client=client)
    ClientFactory(workspace=workspace, name="Old one", deleted_at=timezone.now())
    # Enough history for scores, the map, sparklines and alerts on the dashboard.
    for name, feeling, flags in (("Dream", 2, ["gratitude"]), ("Storm", -2, ["disrespect"])):
        history(
            ClientFactory(workspace=workspace, name=name, owner=_user, status="active"),
            _user,
            feeling=feeling,
            flags=flags,
        )
    history_rebuild(workspace=workspace, since=timezone.localdate() - dt.timedelta(days=5))
    boundary = Boundary.objects.filter(workspace=workspace).first()
    storm = Client.objects.get(workspace=workspace, name="Storm")
    review = review_start(client=storm, author=_user)
    decided = review_start(client=client, author=_user)
    review_decide(review=decided, user=_user, decision="end")
    follow_up = decided.follow_ups.get()
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(page.base_url + path)
        found[path] = violations(page)
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "ana@example.com")
    page.fill("#id_password", "long-passphrase-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/w/**")
    pages = [
        *WORKSPACE_PAGES,
        f"clients/{client.code}/",
        f"clients/{client.code}/edit/",
        f"clients/{client.code}/hand-over/",
        f"clients/{client.code}/invoices/new/",
        f"interactions/{entry.code}/edit/",
        f"invoices/{invoice.code}/edit/",
        f"clients/{client.code}/health/",
        f"boundaries/{boundary.code}/",
        f"clients/{storm.code}/departure/",
        f"clients/{client.code}/review/",
        f"reviews/{review.code}/step/1/",
        f"reviews/{review.code}/step/2/",
        f"reviews/{review.code}/step/3/",
        f"reviews/{review.code}/step/4/",
        f"reviews/{review.code}/step/5/",
        f"reviews/{decided.code}/",
        f"follow-ups/{follow_up.code}/",
        "reviews/",
    ]
    paths = [*(f"/w/{workspace.slug}/{p}" for p in pages), *ACCOUNT_PAGES]
    for path in paths:
        page.goto(page.base_url + path)
        found[path] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(found, indent=1)
