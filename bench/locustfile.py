"""The load test bench/serve.py runs (`--load`): people using one workspace at once, 80 % page
views and 20 % quick logs, 1–3 s between two actions. Runs in .venv-bench, which has locust.

The figures start once everyone has logged in: a login hashes a password (slow on purpose), and
twenty of them in the first seconds would hold both workers and put their wait on the pages of
whoever logged in first.

The server sits behind no proxy here: each request says it came through HTTPS, as the proxy
would, and the session's cookies (secure ones) are sent by hand.
"""

from __future__ import annotations

import html
import os
import random
import re
import uuid

import requests
from locust import HttpUser, between, task

EMAIL = os.environ.get("BENCH_EMAIL", "member0@bench.bench.example")
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-passphrase")
WS = "/w/" + os.environ.get("BENCH_SLUG", "bench")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_logged_in = 0  # people who have logged in (greenlets of one process)
CLIENT = re.compile(r'class="fw-semibold" href="/w/[^/]+/clients/([0-9a-f-]{36})/">([^<]+)</a>')


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        """Log in through the form, outside the figures: what is measured is the use of the
        app by people who are logged in (a login hashes a password: slow on purpose)."""
        self.headers = {"X-Forwarded-Proto": "https"}
        self.cookies: dict[str, str] = {}
        with requests.Session() as plain:
            page = plain.get(f"{self.host}/accounts/login/", headers=self.headers, timeout=60)
            self._keep_cookies(page)
            answer = plain.post(
                f"{self.host}/accounts/login/",
                {"username": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": _token(page.text)},
                headers=self._posting("/accounts/login/"),
                allow_redirects=False,
                timeout=60,
            )
            self._keep_cookies(answer)
            today = plain.get(f"{self.host}{WS}/", headers=self._sending(), timeout=60)
            self.token = _token(today.text)
            listed = plain.get(f"{self.host}{WS}/clients/", headers=self._sending(), timeout=60)
        # (code, name) of the first page's clients: the quick log names its client.
        self.clients = [(code, html.unescape(name)) for code, name in CLIENT.findall(listed.text)]
        global _logged_in
        _logged_in += 1
        if _logged_in == self.environment.runner.target_user_count:
            self.environment.stats.reset_all()

    @task(2)
    def today(self) -> None:
        self.client.get(f"{WS}/", headers=self._sending(), name="today")

    @task(2)
    def client_page(self) -> None:
        code, _name = random.choice(self.clients)
        self.client.get(f"{WS}/clients/{code}/", headers=self._sending(), name="client page")
        self.client.get(
            f"{WS}/clients/{code}/health/",
            headers=self._sending() | {"HX-Request": "true"},
            name="health panel",
        )

    @task(1)
    def client_list(self) -> None:
        self.client.get(
            f"{WS}/clients/?status=active&sort=-last_contact",
            headers=self._sending(),
            name="client list",
        )

    @task(1)
    def portfolio(self) -> None:
        self.client.get(f"{WS}/portfolio/", headers=self._sending(), name="portfolio")

    @task(1)
    def alerts(self) -> None:
        self.client.get(f"{WS}/alerts/", headers=self._sending(), name="alerts")

    @task(2)  # with the client page's two requests: 20 % of the requests
    def quick_log(self) -> None:
        code, name = random.choice(self.clients)
        self.client.post(
            f"{WS}/interactions/new/",
            {
                "csrfmiddlewaretoken": self.token,
                "client_code": code,
                "client": name,
                "kind": "call",
                "minutes": "15",
                "summary": "A call, from the load test",
                "request_key": str(uuid.uuid4()),
            },
            headers=self._posting(f"{WS}/clients/{code}/") | {"HX-Request": "true"},
            name="quick-log POST",
        )

    def _keep_cookies(self, response) -> None:
        self.cookies |= dict(response.cookies.items())

    def _sending(self) -> dict[str, str]:
        cookies = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return self.headers | {"Cookie": cookies}

    def _posting(self, page: str) -> dict[str, str]:
        host = self.host.split("://", 1)[1]
        return self._sending() | {"Origin": f"https://{host}", "Referer": f"https://{host}{page}"}


def _token(html: str) -> str:
    match = TOKEN.search(html)
    return match.group(1) if match else ""
