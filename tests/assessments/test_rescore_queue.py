"""With a task queue (a worker runs), a change to a client's data is rescored by the worker a
moment later, once for entries logged one after another; the client's own health panel says
meanwhile that its score is about to change, and asks again until the rescore has run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.tasks import default_task_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import HealthSnapshot
from assessments.services import RESCORE_DELAY, clients_rescore

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def queue(settings):
    """A backend that keeps what is queued (as the database's does, until a worker runs it)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


def _log(browser, client, **data):
    form = {"client": client.name, "kind": "complaint", "minutes": "20", "feeling": "-2"}
    return browser.post(
        reverse("portfolio:interaction_create", kwargs={"ws": client.workspace.slug}),
        form | data,
        **HTMX,
    )


def _panel(browser, client) -> str:
    url = reverse("home:client_health", kwargs={"ws": client.workspace.slug, "code": client.code})
    return browser.get(url, **HTMX).content.decode()


def _run(queued) -> None:
    for result in queued:
        result.task.call(*result.args, **result.kwargs)


def test_a_logged_entry_is_rescored_by_the_worker_a_moment_later(
    good_and_bad, owner, logged_in, queue, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    before = HealthSnapshot.objects.get(client=good)
    browser = logged_in(owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert _log(browser, good).status_code == 200

    [queued] = queue.results
    assert queued.task.name == "rescore_clients"
    expected = {"workspace_id": good.workspace_id, "client_ids": [good.pk], "since": None}
    assert queued.kwargs == expected
    assert queued.task.run_after >= timezone.now() + RESCORE_DELAY
    waiting = HealthSnapshot.objects.get(client=good)
    assert waiting.stale_since is not None
    assert waiting.metrics["entries"] == before.metrics["entries"]  # not scored in the request

    _run(queue.results)
    scored = HealthSnapshot.objects.get(client=good)
    assert scored.stale_since is None
    assert scored.metrics["entries"] == before.metrics["entries"] + 1


def test_a_change_made_while_a_rescore_runs_stays_marked_for_its_own(good_and_bad, queue):
    from assessments.services import snapshots_write

    good, bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    later = timezone.now() + dt.timedelta(seconds=30)  # marked after the rescore began
    HealthSnapshot.objects.filter(client=good).update(stale_since=later)
    HealthSnapshot.objects.filter(client=bad).update(stale_since=timezone.now())
    snapshots_write(workspace=good.workspace)
    assert HealthSnapshot.objects.get(client=good).stale_since == later
    assert HealthSnapshot.objects.get(client=bad).stale_since is None


def test_entries_logged_one_after_another_are_rescored_once(
    good_and_bad, owner, logged_in, queue, django_capture_on_commit_callbacks
):
    good, bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    browser = logged_in(owner)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _log(browser, good)
        _log(browser, bad)
    assert [result.kwargs["client_ids"] for result in queue.results] == [[good.pk], [bad.pk]]


def test_a_change_to_the_past_is_queued_every_time_with_its_day(
    good_and_bad, owner, logged_in, queue, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    browser = logged_in(owner)
    days = [good.workspace.today() - dt.timedelta(days=n) for n in (10, 3)]
    with django_capture_on_commit_callbacks(execute=True):
        for day in days:
            _log(browser, good, occurred_on=day.isoformat(), time_of_day="")
    assert [result.kwargs["since"] for result in queue.results] == [day.isoformat() for day in days]


def test_while_the_rescore_waits_the_health_panel_says_so_and_asks_again(
    good_and_bad, owner, logged_in, queue, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    stored = HealthSnapshot.objects.get(client=good)
    browser = logged_in(owner)
    quiet = _panel(browser, good)
    assert "load delay" not in quiet and "rescore-queued" not in quiet

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            _log(browser, good)

    with CaptureQueriesContext(connection) as queries:
        waiting = _panel(browser, good)
    assert "load delay:2s" in waiting
    assert "the new one follows in a moment" in waiting
    assert f">{stored.score}<span>/100" in waiting  # the stored one, not scored here again
    assert len(queries) <= 16

    _run(queue.results)
    scored = HealthSnapshot.objects.get(client=good)
    assert scored.score < stored.score  # six complaints
    after = _panel(browser, good)
    assert "load delay" not in after and "rescore-queued" not in after
    assert f">{scored.score}<span>/100" in after


def test_a_worker_that_never_comes_leaves_the_panel_quiet_after_a_while(
    good_and_bad, owner, logged_in, queue, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    HealthSnapshot.objects.filter(client=good).update(
        stale_since=timezone.now() - dt.timedelta(minutes=5)
    )
    panel = _panel(logged_in(owner), good)
    assert "load delay" not in panel and "rescore-queued" not in panel


def test_without_a_queue_the_change_is_scored_before_the_answer(
    good_and_bad, owner, logged_in, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    before = HealthSnapshot.objects.get(client=good).metrics["entries"]
    with django_capture_on_commit_callbacks(execute=True):
        _log(logged_in(owner), good)
    snapshot = HealthSnapshot.objects.get(client=good)
    assert snapshot.metrics["entries"] == before + 1 and snapshot.stale_since is None


def test_the_quick_log_asks_the_database_no_check_its_fields_made_already(
    good_and_bad, owner, logged_in, queue
):
    good, _bad = good_and_bad
    browser = logged_in(owner)
    with CaptureQueriesContext(connection) as queries:
        assert _log(browser, good).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if '"_check"' in q["sql"]]
    # What those checks guarded is still refused, with the field's message.
    for field, value in (("minutes", "1441"), ("feeling", "3"), ("kind", "poem")):
        refused = _log(browser, good, **{field: value})
        assert refused.status_code == 422, field


def test_a_review_begun_while_the_rescore_waits_starts_from_the_score_with_the_change(
    good_and_bad, owner, logged_in, queue, django_capture_on_commit_callbacks
):
    from reviews.services import review_start

    good, _bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    before = HealthSnapshot.objects.get(client=good).metrics["entries"]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            _log(logged_in(owner), good)
    review = review_start(client=good, author=owner)
    snapshot = HealthSnapshot.objects.get(client=good)
    assert snapshot.stale_since is None and snapshot.metrics["entries"] == before + 6
    assert review.facts["score"] == snapshot.score
