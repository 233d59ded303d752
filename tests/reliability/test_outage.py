"""The database going away and coming back: a plain, translated 503 page and /healthz saying
why while it is gone, and the app answering again by itself once it is back.

The outage is real: the app talks to PostgreSQL through a TCP relay that the test cuts and
restores, so every failure is the driver's own."""

from __future__ import annotations

import contextlib
import json
import socket
import threading

import pytest
from django.db import connection
from django.test import Client as Browser
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


class Relay:
    """A TCP relay from a local port to the database; `cut()` closes it and every connection
    through it, `restore()` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                inside, _ = listener.accept()
            except OSError:
                return  # cut
            outside = socket.create_connection(self.target)
            self.sockets += [inside, outside]
            for source, sink in ((inside, outside), (outside, inside)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):  # the other side closed it already
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self.listener is not None:
            # shutdown() wakes the thread waiting in accept(); close() alone would not, and
            # the socket would accept one more connection.
            self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for end in self.sockets:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
        self.sockets = []


@pytest.fixture
def relay():
    if connection.vendor != "postgresql":
        pytest.skip("the relay stands between the app and a PostgreSQL server")
    original = dict(connection.settings_dict)
    relay = Relay((original["HOST"] or "127.0.0.1", int(original["PORT"] or 5432)))
    relay.restore()
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(relay.port))
    yield relay
    relay.cut()
    connection.close()
    connection.settings_dict.update(HOST=original["HOST"], PORT=original["PORT"])


def test_while_the_database_is_gone_pages_say_so_calmly_and_come_back_by_themselves(
    relay, owner, workspace
):
    browser = Browser(raise_request_exception=False)
    browser.force_login(owner)
    today = reverse("home:today", kwargs={"ws": workspace.slug})
    assert browser.get(today).status_code == 200

    relay.cut()
    for language, words in (
        ("pt-BR", "O Clientwise volta em instantes"),
        ("es", "Clientwise vuelve en un momento"),
        ("en", "Clientwise is back in a moment"),
    ):
        page = browser.get(today, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 503
        assert page["Retry-After"] == "30"
        assert words in page.content.decode()
    posted = browser.post(
        reverse("portfolio:interaction_create", kwargs={"ws": workspace.slug}), {"summary": "x"}
    )
    assert posted.status_code == 503
    balancer = Browser(raise_request_exception=False)  # a load balancer has no session
    health = balancer.get("/healthz")
    assert health.status_code == 503
    assert json.loads(health.content) == {
        "status": "unavailable",
        "checks": {"database": "unreachable", "cache": "ok"},
    }

    relay.restore()
    assert browser.get(today).status_code == 200
    assert balancer.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_names_each_service_it_checked(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }


@pytest.mark.django_db
def test_a_failure_that_is_not_an_outage_keeps_the_usual_500(rf):
    from django.db import DatabaseError, transaction

    from accounts.views import server_error

    for failing_query in (True, False):
        try:
            if failing_query:  # a bug of ours, with the database answering
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT * FROM no_such_table")
            raise ValueError("a bug of ours")
        except (DatabaseError, ValueError):
            response = server_error(rf.get("/"))
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.content.decode()
