"""The nightly pass (`manage.py assessments_daily`) over every workspace: one that fails does
not stop the others, and the command says which failed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from assessments import services
from assessments.models import HealthSnapshot
from tests.factories import ClientFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(monkeypatch):
    """A client of the workspace "later", whose pass runs after that of "broken", which fails."""
    broken = WorkspaceFactory(slug="broken")
    later = WorkspaceFactory(slug="later")
    ClientFactory(workspace=broken)
    real = services.clients_rescore

    def rescore(*, workspace, client_ids=None):
        if workspace.slug == "broken":
            raise RuntimeError("disk full")
        return real(workspace=workspace, client_ids=client_ids)

    monkeypatch.setattr("home.nightly.clients_rescore", rescore)
    return ClientFactory(workspace=later)


def test_a_failing_workspace_does_not_stop_the_workspaces_after_it(scored):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("assessments_daily", "--no-digests", stdout=out, stderr=err)
    assert HealthSnapshot.objects.filter(client=scored).exists()
    assert "later: 1 clients scored" in out.getvalue()
    assert "broken: failed (RuntimeError: disk full)" in err.getvalue()


def test_an_unknown_workspace_is_refused():
    with pytest.raises(CommandError, match="nowhere"):
        call_command("assessments_daily", "--workspace", "nowhere")


# The scheduler that runs it (`manage.py scheduler`, the `scheduler` service of docker-compose)


def test_the_scheduler_runs_the_pass_at_its_crontab_line(settings):
    settings.NIGHTLY_PASS_CRON = "30 4 * * 1"  # Mondays at 04:30 UTC
    out = io.StringIO()
    call_command("scheduler", "--list", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("nightly_pass: "))
    when = dt.datetime.strptime(line.removeprefix("nightly_pass: next run "), "%Y-%m-%d %H:%M UTC")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert (when.weekday(), when.hour, when.minute) == (0, 4, 30)
    assert now < when <= now + dt.timedelta(days=7)


def test_the_scheduler_refuses_a_line_that_is_not_crontab(settings):
    settings.NIGHTLY_PASS_CRON = "every night"
    with pytest.raises(CommandError, match="NIGHTLY_PASS_CRON='every night'"):
        call_command("scheduler", "--list")


@pytest.mark.django_db(transaction=True)  # the job closes stale connections, as a process does
def test_the_scheduled_job_queues_a_task_per_workspace_and_survives_a_failing_one(scored, caplog):
    from home.management.commands.scheduler import nightly_pass

    nightly_pass()  # never raises: the scheduler must run tomorrow too
    assert HealthSnapshot.objects.filter(client=scored).exists()  # its own task, after "broken"
    assert "The nightly pass failed for workspace broken" in caplog.text


def test_queued_passes_are_one_task_per_workspace(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    WorkspaceFactory(slug="one")
    WorkspaceFactory(slug="two")
    out = io.StringIO()
    call_command("assessments_daily", "--queue", stdout=out)
    queued = default_task_backend.results
    assert [result.task.name for result in queued] == ["nightly_workspace"] * 2
    assert not HealthSnapshot.objects.exists()  # for the workers, not this process
    assert "2 workspace(s) is queued" in out.getvalue()


def test_a_workspace_deleted_before_its_task_ran_is_skipped():
    from home.nightly import nightly_workspace

    assert nightly_workspace.call(workspace_id=987654) == ""


@pytest.mark.parametrize(
    "weekday, days",
    [
        ("0", {6}),
        ("7", {6}),
        ("1-5", {0, 1, 2, 3, 4}),
        ("sat,sun", {5, 6}),
        ("*/3", {6, 2, 5}),
        ("mon-fri/2", {0, 2, 4}),
        ("5-7", {4, 5, 6}),
    ],
)
def test_crontab_weekdays_are_read_as_cron_reads_them(weekday, days):
    from home.management.commands.scheduler import crontab_trigger

    trigger = crontab_trigger(f"0 3 * * {weekday}")
    start = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)  # a Monday
    runs, moment = set(), start
    while (moment := trigger.get_next_fire_time(None, moment + dt.timedelta(minutes=1))) < (
        start + dt.timedelta(days=7)
    ):
        runs.add(moment.weekday())
    assert runs == days


@pytest.mark.parametrize("line", ["0 3 * * 8", "0 3 * * mon/0", "0 3 * *", "61 3 * * *"])
def test_a_crontab_line_out_of_range_is_refused(settings, line):
    settings.NIGHTLY_PASS_CRON = line
    with pytest.raises(CommandError, match="is not a crontab line"):
        call_command("scheduler", "--list")
