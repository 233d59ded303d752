"""The base layout every page relies on: HTMX set-up, CSP, accessibility landmarks."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(logged_in, owner, workspace):
    return logged_in(owner).get(reverse("workspace:members", kwargs={"ws": workspace.slug}))


def htmx_config(html: str) -> dict:
    return json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html).group(1))


def test_htmx_swaps_validation_errors_and_reports_other_failures(page):
    config = htmx_config(page.content.decode())
    rules = {rule["code"]: rule for rule in config["responseHandling"]}
    assert rules["422"]["swap"] is True
    assert rules["[45].."]["error"] is True
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0


def test_the_csrf_token_travels_with_every_htmx_request_and_history_is_not_stored(page):
    html = page.content.decode()
    body = re.search(r"<body([^>]*)>", html).group(1)
    headers = json.loads(re.search(r"hx-headers='([^']+)'", body).group(1))
    assert len(headers["X-CSRFToken"]) >= 32
    assert 'hx-history="false"' in body


def test_scripts_are_nonced_and_nothing_inline_needs_unsafe_inline(page):
    html = page.content.decode()
    csp = page["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)
    assert "htmx-2" in html  # django-htmx's vendored htmx 2
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\shx-on", html)


def test_a_history_restore_request_gets_the_whole_page(logged_in, owner, workspace):
    response = logged_in(owner).get(
        reverse("workspace:members", kwargs={"ws": workspace.slug}),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_the_page_has_landmarks_a_skip_link_and_a_translated_error_region(page):
    html = page.content.decode()
    assert '<main id="main"' in html
    assert "<header " in html and "<nav " in html and "<footer" in html
    assert 'href="#main"' in html
    error = re.search(r'<div id="request-error"[^>]*>', html, re.S).group(0)
    assert "data-network=" in error and "data-server=" in error


def test_private_pages_are_not_kept_in_the_browser_cache(page):
    assert "no-store" in page["Cache-Control"]


def test_an_expired_form_gets_a_friendly_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {})
    assert response.status_code == 403
    assert "This form had expired" in response.content.decode()


def test_an_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_no_template_has_a_comment_that_django_would_print():
    """`{# … #}` ends on its own line: one spanning lines reaches the page as text."""
    from pathlib import Path

    from django.conf import settings

    printed = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(folder).rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                start = line.find("{#")
                if start >= 0 and "#}" not in line[start:]:
                    printed.append(f"{path}:{number}")
    assert not printed, printed


# ---- The look and the navigation -------------------------------------------------------------

STATIC = __import__("pathlib").Path(__file__).resolve().parent.parent / "static"
SPRITE = "vendor/bootstrap-icons-1.13.2/sprite.svg"


def navs(html: str) -> list[str]:
    return re.findall(r"<nav\b[^>]*>", html)


def main_nav(html: str) -> str:
    return re.search(r'<nav class="cw-sections"[^>]*>.*?</nav>', html, re.S).group(0)


def test_the_theme_follows_the_system_and_the_design_system_is_linked(page):
    html = page.content.decode()
    assert '<meta name="color-scheme" content="light dark">' in html
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert [link.rsplit("/", 1)[-1] for link in links] == [
        "bootstrap.min.css",
        "index.css",  # the vendored typeface
        "tokens.css",
        "app.css",
    ]
    tokens = (STATIC / "css" / "tokens.css").read_text()
    assert "@media (prefers-color-scheme: dark)" in tokens


def test_the_navigation_reaches_every_section_of_the_workspace(logged_in, owner, workspace):
    from django.urls import NoReverseMatch

    html = logged_in(owner).get(reverse("home:today", kwargs={"ws": workspace.slug}))
    nav = main_nav(html.content.decode())
    names = [
        "home:today",
        "home:portfolio",
        "home:alerts",
        "portfolio:client_list",
        "reviews:decisions",
        "assessments:boundaries",
        "portfolio:import_list",
        "workspace:members",
        "workspace:settings",
    ]
    for name in names:
        try:
            href = reverse(name, kwargs={"ws": workspace.slug})
        except NoReverseMatch:  # a page another change brings: the nav renders without it
            continue
        assert f'href="{href}"' in nav, name
    assert nav.count('aria-current="page"') == 1


def test_a_viewer_is_not_offered_the_import_they_may_not_open(logged_in, viewer, workspace):
    html = logged_in(viewer).get(reverse("workspace:members", kwargs={"ws": workspace.slug}))
    assert reverse("portfolio:import_list", kwargs={"ws": workspace.slug}) not in main_nav(
        html.content.decode()
    )


def test_the_section_of_a_deeper_page_is_marked_current(logged_in, owner, workspace):
    from tests.factories import ClientFactory

    atlas = ClientFactory(workspace=workspace, name="Atlas")
    html = logged_in(owner).get(
        reverse("portfolio:client_detail", kwargs={"ws": workspace.slug, "code": atlas.code})
    )
    nav = main_nav(html.content.decode())
    clients = reverse("portfolio:client_list", kwargs={"ws": workspace.slug})
    assert re.search(rf'class="cw-section active" aria-current="true" href="{clients}"', nav)


def test_every_nav_landmark_of_a_page_has_a_label_of_its_own(logged_in, owner, workspace):
    from tests.factories import ClientFactory

    atlas = ClientFactory(workspace=workspace, name="Atlas")
    html = (
        logged_in(owner)
        .get(reverse("portfolio:client_detail", kwargs={"ws": workspace.slug, "code": atlas.code}))
        .content.decode()
    )
    labels = [re.search(r'aria-label="([^"]+)"', tag).group(1) for tag in navs(html)]
    assert len(labels) >= 2 and len(set(labels)) == len(labels)


def test_every_icon_a_template_uses_is_in_the_vendored_sprite():
    from django.conf import settings

    sprite = (STATIC / SPRITE).read_text()
    symbols = set(re.findall(r'<symbol[^>]* id="([^"]+)"', sprite))
    used = set()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in __import__("pathlib").Path(folder).rglob("*.html"):
            used |= set(re.findall(r'<use href="[^"#]*#([a-z0-9-]+)"', path.read_text()))
    assert used and used <= symbols, used - symbols
    assert (STATIC / SPRITE).with_name("LICENSE").exists()


def test_the_client_page_has_one_heading_one_and_one_way_into_a_review(logged_in, owner, workspace):
    from tests.factories import ClientFactory

    atlas = ClientFactory(workspace=workspace, name="Atlas", status="active")
    http = logged_in(owner)
    page_html = http.get(
        reverse("portfolio:client_detail", kwargs={"ws": workspace.slug, "code": atlas.code})
    ).content.decode()
    panel_html = http.get(
        reverse("home:client_health", kwargs={"ws": workspace.slug, "code": atlas.code}),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    review = reverse("reviews:review_begin", kwargs={"ws": workspace.slug, "code": atlas.code})
    assert page_html.count("<h1") == 1
    assert (page_html + panel_html).count(f'href="{review}"') == 1
    assert '<th scope="col"></th>' not in page_html  # every column header says what it is


def test_the_health_page_of_its_own_has_a_heading_one(logged_in, owner, workspace):
    from tests.factories import ClientFactory

    atlas = ClientFactory(workspace=workspace, name="Atlas", status="active")
    html = (
        logged_in(owner)
        .get(reverse("home:client_health", kwargs={"ws": workspace.slug, "code": atlas.code}))
        .content.decode()
    )
    assert html.count("<h1") == 1
    assert "Health of Atlas" in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_the_client_page_keeps_the_health_panel_loading_and_following_changes(
    logged_in, owner, workspace
):
    from tests.factories import ClientFactory

    atlas = ClientFactory(workspace=workspace, name="Atlas", status="active")
    http = logged_in(owner)
    health = reverse("home:client_health", kwargs={"ws": workspace.slug, "code": atlas.code})
    page_html = http.get(
        reverse("portfolio:client_detail", kwargs={"ws": workspace.slug, "code": atlas.code})
    ).content.decode()
    assert (
        f'<div id="health-panel" hx-get="{health}" hx-trigger="load, clientChanged from:body" '
        'hx-sync="this:replace" hx-swap="outerHTML">'
    ) in page_html
    panel = http.get(health, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(
        rf'<section id="health-panel"[^>]* hx-get="{health}" hx-trigger="clientChanged from:body" '
        r'hx-sync="this:replace" hx-swap="outerHTML" hx-disinherit="hx-swap">',
        panel,
    )


def test_the_log_confirmation_appears_under_the_quick_log_with_one_undo(
    logged_in, member, workspace
):
    from tests.factories import ClientFactory

    atlas = ClientFactory(workspace=workspace, name="Atlas", status="active")
    http = logged_in(member)
    page_html = http.get(
        reverse("portfolio:client_detail", kwargs={"ws": workspace.slug, "code": atlas.code})
    ).content.decode()
    region = '<div id="quick-log-status" class="quick-log-status" aria-live="polite"></div>'
    assert page_html.count(region) == 1
    assert page_html.index('id="quick-log"') < page_html.index(region)

    answer = http.post(
        reverse("portfolio:interaction_create", kwargs={"ws": workspace.slug}),
        {"client": "Atlas", "client_code": str(atlas.code), "kind": "call", "minutes": "30"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert '<div id="quick-log-status" hx-swap-oob="innerHTML">' in answer
    assert 'id="messages"' not in answer
    assert answer.count(">Undo</button>") == 1
    assert 'class="quick-log-status"' not in answer  # the form comes back without a second one

    refused = http.post(
        reverse("portfolio:interaction_create", kwargs={"ws": workspace.slug}),
        {"client": "Atlas", "client_code": str(atlas.code), "kind": "call", "minutes": "-5"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422
    assert 'id="quick-log-status"' not in refused.content.decode()
