"""The live server the browser tests use answers requests that arrive together as a real server
does. On SQLite its test database lives in memory, in a shared cache that refuses a locked
table instead of waiting for it, so the server answers one request at a time there."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.test import Client

from accounts.services import user_sign_up
from tests.factories import ClientFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_quick_logs_and_suggestions_sent_together_are_each_answered_whole(live_server):
    """As when the client field fetches its suggestions while the quick log is sent."""
    user, workspace = user_sign_up(email="ana@example.com", password="long-passphrase-1")
    clients = ClientFactory.create_batch(3, workspace=workspace)
    browser = Client()
    browser.force_login(user)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    home = f"{live_server.url}/w/{workspace.slug}/"
    opening = urllib.request.Request(
        home, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    )
    with urllib.request.urlopen(opening) as first:
        csrf = next(
            value.split("=", 1)[1].split(";", 1)[0]
            for name, value in first.headers.items()
            if name.lower() == "set-cookie" and value.startswith(settings.CSRF_COOKIE_NAME)
        )
        token = TOKEN.search(first.read().decode()).group(1)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"

    def send(n: int) -> int:
        if n % 2:
            url, data = f"{home}clients/suggestions/?client={clients[0].name[:3]}", None
        else:
            form = {
                "csrfmiddlewaretoken": token,
                "client": clients[n % 3].name,
                "kind": "call",
                "minutes": "15",
                "flags": "disrespect",
                "summary": f"Call {n}",
                "request_key": str(uuid.uuid4()),
            }
            url, data = f"{home}interactions/new/", urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(
            url, data=data, headers={"Cookie": cookie, "HX-Request": "true", "Referer": home}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(send, range(60)))
    assert statuses == [200] * len(statuses)
