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
    assert "<header>" in html and "<nav " in html and "<footer" in html
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
