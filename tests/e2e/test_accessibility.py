"""axe-core on every page, logged out and in: every rule (WCAG 2 A and AA and the best
practices), no violation of any impact, at 1,280 and 375 px, in the three languages, in the
light and the dark theme. At 375 px every page is also a phone's: it does not scroll sideways,
and every link and button is a target of 24 × 24 px at least.

The whole matrix runs once (on SQLite in CI); with AXE_MATRIX=reduced (the PostgreSQL run) only
English in the light theme at both widths, so the matrix is not paid for twice."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser

from accounts.models import Role
from accounts.services import user_sign_up
from assessments.models import Boundary
from assessments.services import history_rebuild
from portfolio.models import Client
from reviews.services import review_decide, review_start
from tests.e2e.measure import sideways_overflow, small_targets
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
    return page.evaluate(
        """async () => (await axe.run(document)).violations.map(
            v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', ')
        )"""
    )


WIDTHS = (1280, 375)
LANGUAGES = ("en", "pt-BR", "es")
SCHEMES = ("light", "dark")
REDUCED = os.environ.get("AXE_MATRIX", "").lower() == "reduced"
MATRIX = [
    (width, language, scheme)
    for width in WIDTHS
    for language in LANGUAGES
    for scheme in SCHEMES
    if not REDUCED or (language, scheme) == ("en", "light")
]


@pytest.fixture
def axe_context(browser: Browser, live_server, request):
    width, language, scheme = request.param
    # axe is injected through the DevTools protocol, which our CSP would otherwise refuse.
    context = browser.new_context(
        bypass_csp=True,
        viewport={"width": width, "height": 800},
        locale=language,
        color_scheme=scheme,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.mark.parametrize(
    "axe_context", MATRIX, ids=[f"{w}-{lang}-{s}" for w, lang, s in MATRIX], indirect=True
)
def test_every_page_has_no_axe_violation(axe_context):
    page = axe_context
    phone = page.viewport_size["width"] < 576
    user, workspace = user_sign_up(
        email="ana@example.com", password="long-passphrase-1", name="Ana"
    )
    MembershipFactory(workspace=workspace, role=Role.MEMBER, user=UserFactory(name="Bo"))
    client = ClientFactory(workspace=workspace, name="Atlas", owner=user)
    entry = InteractionFactory(client=client, author=user, feeling=-1, flag_distrust=True)
    invoice = InvoiceFactory(client=client)
    ClientFactory(workspace=workspace, name="Old one", deleted_at=timezone.now())
    # Enough history for scores, the map, sparklines and alerts on the pages.
    for name, feeling, flags in (("Dream", 2, ["gratitude"]), ("Storm", -2, ["disrespect"])):
        history(
            ClientFactory(workspace=workspace, name=name, owner=user, status="active"),
            user,
            feeling=feeling,
            flags=flags,
        )
    history_rebuild(workspace=workspace, since=timezone.localdate() - dt.timedelta(days=5))
    boundary = Boundary.objects.filter(workspace=workspace).first()
    storm = Client.objects.get(workspace=workspace, name="Storm")
    review = review_start(client=storm, author=user)
    decided = review_start(client=client, author=user)
    review_decide(review=decided, user=user, decision="end")
    follow_up = decided.follow_ups.get()
    found = {}

    def check(path: str) -> None:
        found[path] = violations(page)
        if phone:
            if (overflow := sideways_overflow(page)) > 0:
                found[path].append(f"the page scrolls sideways by {overflow} px")
            found[path] += [f"small target {t}" for t in small_targets(page)]

    for path in PUBLIC_PAGES:
        page.goto(page.base_url + path)
        check(path)
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "ana@example.com")
    page.fill("#id_password", "long-passphrase-1")
    page.locator("#id_password").press("Enter")
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
        f"clients/{client.code}/changes/",
        "activity/",
    ]
    paths = [
        *(f"/w/{workspace.slug}/{p}" for p in pages),
        reverse("home:portfolio", kwargs={"ws": workspace.slug}),
        reverse("home:alerts", kwargs={"ws": workspace.slug}),
        *ACCOUNT_PAGES,
    ]
    for path in paths:
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")  # panels loaded by HTMX are checked too
        check(path)
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(found, indent=1)
