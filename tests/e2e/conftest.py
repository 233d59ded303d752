"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium (apt package
`chromium`). Without it these tests are skipped locally, and fail in CI (CI=true).

A failed test keeps, under artifacts/playwright/<test id>/, pytest-playwright's screenshot of
every page and, from the hook below, every open page's HTML.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer
from slugify import slugify

# Playwright's sync API runs an event loop in the test thread; the live server's database
# access from that thread is safe here (tests are single-threaded).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    if not os.path.exists(CHROMIUM) and not IN_CI:
        skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt install chromium)")
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is required in CI and was not found at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# Held while the live server answers a request on SQLite (below); a test that writes to the
# database from its own thread while the page is open (a worker's task run by hand) holds it.
SERVER_TURN = threading.Lock()


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server's threads, each request answered whole before the next begins."""

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with SERVER_TURN:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time on SQLite.

    There each of the server's threads opens its own connection to the test database, which
    lives in memory in SQLite's shared cache. That cache locks whole tables and does not wait
    for them. So two requests at once failed with "database table is locked": the client
    field's suggestions fetched while the quick log is sent. PostgreSQL, like a real server
    with a database file, waits, so there the threads answer together."""
    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    if connection.vendor == "sqlite":
        server.thread.server_class = _OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(page, live_server):
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    return page


# A failed browser test keeps, next to pytest-playwright's screenshots, the HTML of every page
# still open (the screenshot shows what went wrong; the HTML says why: ids, attributes, the
# hidden parts). Written while the pages are still open, before the fixtures' teardown.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        _keep_pages_html(item)
    return report


def _keep_pages_html(item) -> None:
    funcargs = getattr(item, "funcargs", {})
    browser = funcargs.get("browser")
    if browser is None:
        return
    folder = Path(funcargs.get("output_path") or _output_path(item))
    pages = [page for context in browser.contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        try:
            html = page.content()
        except PlaywrightError as error:  # closed, or in the middle of a navigation
            html = f"<!-- the page's HTML could not be read: {error} -->"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page-{number}.html").write_text(f"<!-- {page.url} -->\n{html}", "utf-8")


def _output_path(item) -> str:
    """pytest-playwright's folder for this test (when its `output_path` fixture was not used)."""
    name = slugify(item.nodeid)
    if len(name) >= 256:
        digest = hashlib.sha256(name.encode()).hexdigest()[:7]
        name = f"{name[:100]}-{digest}-{name[-100:]}"
    return str(Path(item.config.getoption("--output")).absolute() / name)
