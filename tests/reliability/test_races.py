"""Two people (or two tabs) changing the same record at the same moment, on real PostgreSQL
connections: one change wins, the other is told it lost the race; never a server error.

SQLite serialises writers, so the race these tests stage needs PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test import Client as Browser
from django.urls import reverse

from portfolio.models import Client, Invoice
from tests.factories import ClientFactory, InvoiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

AT_ONCE = 10


def together(user, posts: list[tuple[str, dict]], headers: dict | None = None) -> list:
    """Each `(path, data)` posted by `user`, released together, each on its own connection."""
    start = threading.Barrier(len(posts))
    answers: list = [None] * len(posts)

    def post(n: int) -> None:
        path, data = posts[n]
        browser = Browser(raise_request_exception=False)
        browser.force_login(user)
        start.wait()
        try:
            answers[n] = browser.post(
                path, data, HTTP_REFERER=f"http://testserver{path}", headers=headers
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def at_once(user, path: str, data_for) -> list:
    """`AT_ONCE` posts to `path`, released together, each on its own connection."""
    return together(user, [(path, data_for(n)) for n in range(AT_ONCE)])


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a race between connections needs PostgreSQL")


def url(name, workspace, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def test_ten_status_changes_at_once_are_answered_without_an_error(postgresql, workspace, member):
    client = ClientFactory(workspace=workspace, status="active")
    statuses = ["paused", "active", "offboarding", "prospect", "paused"] * 2
    answers = at_once(
        member,
        url("portfolio:client_status", workspace, code=client.code),
        lambda n: {"status": statuses[n]},
    )
    assert sorted({a.status_code for a in answers}) == [302]
    client.refresh_from_db()
    assert client.version > 1  # at least one change won
    assert client.status in statuses


@pytest.mark.parametrize("action", ["invoice_paid", "invoice_void"])
def test_ten_payments_or_voids_at_once_are_answered_without_an_error(
    postgresql, workspace, member, action
):
    invoice = InvoiceFactory(client=ClientFactory(workspace=workspace))
    answers = at_once(
        member,
        url(f"portfolio:{action}", workspace, code=invoice.code),
        lambda n: {"void": "1"} if action == "invoice_void" else {},
    )
    assert sorted({a.status_code for a in answers}) == [302]
    invoice.refresh_from_db()
    assert invoice.version > 1


def test_a_lost_race_is_told_and_changes_nothing(workspace, member, client):
    """The answer itself, on any database: a change refused because the record moved on."""
    from django.contrib.messages import get_messages

    from accounts.errors import ConflictError
    from accounts.middleware import ConflictMiddleware

    customer = ClientFactory(workspace=workspace, status="active")
    client.force_login(member)
    page = url("portfolio:client_detail", workspace, code=customer.code)
    request = client.post(page).wsgi_request  # a real request, with its session and messages

    def answer(**meta):
        request.META.update(meta)
        request.__dict__.pop("headers", None)  # read again from META
        return ConflictMiddleware(lambda r: None).process_exception(request, ConflictError())

    refused = answer(HTTP_REFERER=f"http://testserver{page}")
    assert (refused.status_code, refused.url) == (302, f"http://testserver{page}")
    assert "Someone else changed this at the same moment" in " ".join(
        str(m) for m in get_messages(request)
    )
    assert answer(HTTP_REFERER="https://evil.example/phish").url == "/"  # never another site
    assert answer(HTTP_HX_REQUEST="true").status_code == 409
    assert Client.objects.get(pk=customer.pk).version == 1
    assert Invoice.objects.count() == 0


def test_one_quick_log_sent_ten_times_at_once_logs_one_entry(postgresql, workspace, member):
    from portfolio.models import Interaction

    ClientFactory(workspace=workspace, name="Atlas")
    key = "8b0c7c1e-7d43-4f0e-9a53-0d6f3f1f2a10"
    answers = at_once(
        member,
        url("portfolio:interaction_create", workspace),
        lambda n: {"client": "Atlas", "kind": "call", "minutes": "20", "request_key": key},
    )
    assert {a.status_code for a in answers} == {302}
    assert Interaction.objects.filter(request_key=key).count() == 1


def test_ten_edits_of_a_line_from_one_version_at_once_one_wins(postgresql):
    from accounts.services import user_sign_up
    from assessments.models import Boundary

    owner, workspace = user_sign_up(email="ana@example.com", password="long-passphrase-1")
    customer = ClientFactory(workspace=workspace)
    line = Boundary.objects.filter(workspace=workspace, kind="disrespect").get()
    answers = at_once(
        owner,
        url("assessments:boundary_edit", workspace, code=line.code),
        lambda n: {"enabled": "on", "threshold": str(n + 1), "span": "30", "version": "1",
                   "severity": "warning", "muted_clients": [str(customer.pk)] if n % 2 else []},
    )  # fmt: skip
    assert sorted(a.status_code for a in answers) == [302] + [422] * (AT_ONCE - 1)
    lost = [a.content.decode() for a in answers if a.status_code == 422]
    assert all("Someone else changed this line while you were editing." in p for p in lost)
    won = answers.index(next(a for a in answers if a.status_code == 302))
    line.refresh_from_db()
    assert (line.threshold, line.version) == (won + 1, 2)  # the winner's edit, whole
    assert list(line.muted_clients.all()) == ([customer] if won % 2 else [])


@pytest.fixture
def review(postgresql, workspace, owner):
    from reviews.services import review_start

    return review_start(client=ClientFactory(workspace=workspace, owner=owner), author=owner)


def test_ten_decisions_at_once_take_the_first_and_tell_the_others(review, workspace, owner):
    from reviews.models import FollowUp, Review

    path = url("reviews:review_step", workspace, code=review.code, step=5)
    choices = ["end", "keep", "set_boundaries"]
    answers = at_once(owner, path, lambda n: {"go": "decide", "decision": choices[n % 3]})
    assert sorted(a.status_code for a in answers) == [302] + [422] * (AT_ONCE - 1)
    assert all(
        "This review is already decided" in a.content.decode()
        for a in answers
        if a.status_code == 422
    )
    assert Review.objects.get(pk=review.pk).decision in choices
    assert FollowUp.objects.filter(review=review).count() == 1


def test_answers_of_different_steps_sent_at_once_are_all_kept(review, workspace, owner):
    """Two tabs of the author's, each on its own step: a save merges into the answers as
    saved, so neither step's answers are lost."""
    from reviews.models import Review

    steps = [2, 3, 4] * 3 + [2]
    sent = {2: {"dread": "4", "feel_notes": "Calls drain me."},
            3: {"trust": "no", "side_notes": "They doubt every choice."},
            4: {"energy_drain": "5", "cost_notes": "A day a week."}}  # fmt: skip
    answers = together(
        owner,
        [(url("reviews:review_step", workspace, code=review.code, step=s), sent[s]) for s in steps],
        headers={"HX-Request": "true"},
    )
    assert {a.status_code for a in answers} == {200}
    kept = Review.objects.get(pk=review.pk).answers
    assert kept == {code: value for step in sent.values() for code, value in step.items()} | {
        "dread": 4, "energy_drain": 5
    }  # fmt: skip


def test_a_plan_saved_ten_times_from_one_version_keeps_one_whole(review, workspace, owner):
    from reviews.models import Review
    from reviews.services import review_decide

    review_decide(review=review, user=owner, decision="end")
    version = str(Review.objects.get(pk=review.pk).version)
    plan = url("reviews:review_plan", workspace, code=review.code)
    answers = at_once(
        owner,
        plan,
        lambda n: {"message": f"m{n}", "tone": "warm", "language": "en", "version": version},
    )
    assert sorted(a.status_code for a in answers) == [302] + [422] * (AT_ONCE - 1)
    won = answers.index(next(a for a in answers if a.status_code == 302))
    assert Review.objects.get(pk=review.pk).plan["message"] == f"m{won}"


def test_every_step_of_the_checklist_ticked_at_once_stays_ticked(review, workspace, owner):
    from portfolio.models import Client as Customer
    from reviews.models import Review
    from reviews.services import review_decide

    review_decide(review=review, user=owner, decision="end")
    steps = list(Review.objects.get(pk=review.pk).plan["checklist"])
    answers = together(
        owner,
        [
            (url("reviews:review_check", workspace, code=review.code, item=step), {"done": "on"})
            for step in steps
        ],
    )
    assert {a.status_code for a in answers} == {302}
    done = Review.objects.get(pk=review.pk)
    assert all(done.plan["checklist"].values())
    assert done.status == "done"
    assert Customer.objects.get(pk=review.client_id).status == "ended"


def test_two_writers_of_one_clients_health_at_once_leave_it_one_latest_mark(postgresql, workspace):
    """Today's rescore and a replay of yesterday for the same client, at the same moment: the
    replay waits for the rescore's transaction, then sees today's snapshot and leaves the
    mark on it (without waiting, it marked yesterday's too, which the database refuses)."""
    from assessments.models import HealthSnapshot
    from assessments.services import snapshots_write

    client = ClientFactory(workspace=workspace, status="active")
    today = workspace.today()
    written, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def rescore_today() -> None:
        try:
            with transaction.atomic():
                snapshots_write(workspace=workspace, as_of=today, client_ids=[client.pk])
                written.set()
                release.wait(timeout=10)
        except BaseException as error:
            failures.append(error)
        finally:
            written.set()
            connection.close()

    def replay_yesterday() -> None:
        written.wait(timeout=10)
        try:
            snapshots_write(
                workspace=workspace, as_of=today - dt.timedelta(days=1), client_ids=[client.pk]
            )
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rescore_today), threading.Thread(target=replay_yesterday)]
    for thread in threads:
        thread.start()
    written.wait(timeout=10)
    threads[1].join(timeout=0.5)  # the replay is waiting for the rescore's turn to end
    waited = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join()

    assert failures == []
    assert waited
    marks = HealthSnapshot.objects.filter(client=client, is_latest=True)
    assert [snapshot.as_of for snapshot in marks] == [today]
    assert HealthSnapshot.objects.filter(client=client).count() == 2
