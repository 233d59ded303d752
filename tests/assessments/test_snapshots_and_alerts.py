"""Snapshots, rescoring when data changes, history replay after imports, and the alert life
cycle: opened once, refreshed, resolved by itself, held after a manual resolve, snoozed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import scoring
from assessments.alerts import alert_reopen, alert_resolve, alert_snooze, alerts_sync
from assessments.models import Alert, AlertStatus, Boundary, HealthSnapshot
from assessments.portfolio_reads import portfolio_overview
from assessments.selectors import (
    latest_snapshots,
    overview,
    portfolio_row,
    portfolio_rows,
    scoring_settings,
    settings_record,
)
from assessments.services import (
    assess_clients,
    clients_rescore,
    history_rebuild,
    snapshots_write,
)
from portfolio import services as portfolio
from portfolio.models import Interaction
from portfolio.signals import ALL_HISTORY, announce_clients_changed
from tests.factories import ClientFactory, InteractionFactory, WorkspaceFactory
from tests.history import history


def test_every_new_workspace_starts_with_the_default_lines(db):
    workspace = WorkspaceFactory()
    kinds = set(Boundary.objects.filter(workspace=workspace).values_list("kind", flat=True))
    assert kinds == {
        "rate_below_target",
        "unbilled_share",
        "late_invoices",
        "disrespect",
        "low_feeling",
        "out_of_hours",
        "score_drop",
        "no_contact",
    }


def test_a_snapshot_records_the_formula_version_and_the_settings_it_used(good_and_bad):
    good, _bad = good_and_bad
    snapshots_write(workspace=good.workspace)
    snapshot = HealthSnapshot.objects.get(client=good)
    assert snapshot.as_of == good.workspace.today()
    assert snapshot.formula_version == scoring.FORMULA_VERSION
    assert snapshot.settings == {
        "weights": dict.fromkeys(scoring.DIMENSIONS, 1),
        "half_life_days": 45,
        "window_days": 180,
        "target_rate": "50.00",
    }


def test_a_past_days_snapshot_counts_only_what_had_happened_by_then(scored_workspace, owner):
    client = ClientFactory(workspace=scored_workspace, name="Turned sour")
    history(client, owner, days=60, feeling=2, invoices=3)
    now = timezone.now()
    for days_ago in (1, 2, 3, 4):  # the last few days: complaints and disrespect
        InteractionFactory(
            client=client,
            author=owner,
            kind="complaint",
            feeling=-2,
            flag_disrespect=True,
            occurred_at=now - dt.timedelta(days=days_ago, hours=2),
        )
    today = scored_workspace.today()
    day = today - dt.timedelta(days=20)
    snapshots_write(workspace=scored_workspace, as_of=day)
    snapshots_write(workspace=scored_workspace, as_of=today)
    then = HealthSnapshot.objects.get(client=client, as_of=day)
    now_ = HealthSnapshot.objects.get(client=client, as_of=today)
    entries_by_then = (
        Interaction.objects.filter(client=client)
        .filter(occurred_at__lt=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC))
        .count()
    )
    assert then.metrics["entries"] == entries_by_then
    assert then.metrics["flags"]["disrespect"] == 0
    assert now_.metrics["flags"]["disrespect"] == 4
    assert then.score > now_.score
    assert then.band in ("thriving", "healthy")


def test_scoring_twice_on_one_day_replaces_the_days_snapshot(good_and_bad):
    good, _bad = good_and_bad
    snapshots_write(workspace=good.workspace)
    snapshots_write(workspace=good.workspace)
    assert HealthSnapshot.objects.filter(client=good).count() == 1


def test_the_latest_snapshot_of_each_client_is_its_newest_day(
    good_and_bad, django_assert_num_queries
):
    """Whatever the days of history stored, and however far apart the clients' newest days
    are, one query finds each client's newest."""
    good, bad = good_and_bad
    today = good.workspace.today()
    for back in (40, 3, 1):
        snapshots_write(workspace=good.workspace, as_of=today - dt.timedelta(days=back))
    snapshots_write(workspace=good.workspace, as_of=today, client_ids=[good.pk])
    with django_assert_num_queries(1):
        latest = latest_snapshots(workspace=good.workspace)
    assert {client: snapshot.as_of for client, snapshot in latest.items()} == {
        good.pk: today,
        bad.pk: today - dt.timedelta(days=1),
    }
    with django_assert_num_queries(1):
        assert list(latest_snapshots(workspace=good.workspace, client_ids=[bad.pk])) == [bad.pk]


def _marked(client) -> list[dt.date]:
    return list(
        HealthSnapshot.objects.filter(client=client, is_latest=True).values_list("as_of", flat=True)
    )


def test_each_client_has_one_latest_mark_on_its_newest_day_whatever_order_days_are_written(
    good_and_bad,
):
    good, bad = good_and_bad
    today = good.workspace.today()
    snapshots_write(workspace=good.workspace, as_of=today - dt.timedelta(days=5))
    assert _marked(good) == _marked(bad) == [today - dt.timedelta(days=5)]
    # A replay writes the past day by day, then today: only today ends marked.
    history_rebuild(
        workspace=good.workspace, client_ids=[good.pk], since=today - dt.timedelta(days=9)
    )
    assert _marked(good) == [today]
    assert _marked(bad) == [today - dt.timedelta(days=5)]
    # An earlier day written again (an import of the past) leaves the newest marked.
    snapshots_write(workspace=good.workspace, as_of=today - dt.timedelta(days=20))
    assert _marked(good) == [today] and _marked(bad) == [today - dt.timedelta(days=5)]
    # A snapshot saved on its own follows the same rule.
    HealthSnapshot.objects.create(
        workspace=bad.workspace,
        client=bad,
        as_of=today - dt.timedelta(days=1),
        score=40,
        band="watch",
        confidence="high",
        suggestion="keep",
        formula_version=scoring.FORMULA_VERSION,
    )
    assert _marked(bad) == [today - dt.timedelta(days=1)]
    assert latest_snapshots(workspace=bad.workspace)[bad.pk].score == 40


def test_logging_an_interaction_rescores_the_client_on_commit(
    good_and_bad, owner, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    snapshots_write(workspace=good.workspace)
    before = HealthSnapshot.objects.get(client=good).metrics["entries"]
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.interaction_log(client=good, author=owner, kind="praise", minutes=5, feeling=2)
    snapshot = HealthSnapshot.objects.get(client=good)
    assert snapshot.metrics["entries"] == before + 1
    assert HealthSnapshot.objects.filter(client=good).count() == 1


def test_an_import_of_past_history_replays_the_trend_and_the_chart_at_once(
    good_and_bad, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    with django_capture_on_commit_callbacks(execute=True):
        announce_clients_changed(
            workspace_id=good.workspace_id, client_ids=[good.pk], since=ALL_HISTORY
        )
    days = HealthSnapshot.objects.filter(client=good).values_list("as_of", flat=True)
    today = good.workspace.today()
    assert len(days) == 91
    assert min(days) == today - dt.timedelta(days=90)
    stored = HealthSnapshot.objects.get(client=good, as_of=today)
    live = assess_clients(workspace=good.workspace, as_of=today, client_ids=[good.pk])[good.pk]
    assert stored.trend_30d is not None
    assert (stored.score, stored.trend_30d) == (live.health.score, live.trend_30d)


def test_a_replay_never_trusts_a_snapshot_older_than_the_change(
    good_and_bad, django_capture_on_commit_callbacks
):
    """Stale history from before an import of the past must not feed the replayed trends."""
    good, _bad = good_and_bad
    today = good.workspace.today()
    long_ago = today - dt.timedelta(days=100)
    HealthSnapshot.objects.create(
        workspace=good.workspace,
        client=good,
        as_of=long_ago + dt.timedelta(days=-20),
        score=1,
        band="critical",
        confidence="high",
        evidence_count=50,
        suggestion="end",
        formula_version=scoring.FORMULA_VERSION,
        settings=settings_record(good.workspace, scoring_settings(good.workspace)),
    )
    history_rebuild(workspace=good.workspace, client_ids=[good.pk], since=ALL_HISTORY)
    first = HealthSnapshot.objects.filter(client=good).order_by("as_of")[1]
    live = assess_clients(workspace=good.workspace, as_of=first.as_of, client_ids=[good.pk])
    assert first.trend_30d == live[good.pk].trend_30d


def test_the_history_replay_writes_only_the_changed_clients(good_and_bad):
    good, bad = good_and_bad
    history_rebuild(
        workspace=good.workspace,
        client_ids=[good.pk],
        since=good.workspace.today() - dt.timedelta(days=3),
    )
    assert HealthSnapshot.objects.filter(client=good).count() == 4
    assert not HealthSnapshot.objects.filter(client=bad).exists()


def test_a_crossed_line_opens_one_alert_however_often_it_is_checked(good_and_bad):
    good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    clients_rescore(workspace=bad.workspace)
    kinds = sorted(Alert.objects.filter(client=bad).values_list("boundary__kind", flat=True))
    assert "disrespect" in kinds and "low_feeling" in kinds
    assert len(kinds) == len(set(kinds))
    assert not Alert.objects.filter(client=good).exists()


def test_an_alert_resolves_itself_when_the_condition_clears(good_and_bad):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    disrespect = Boundary.objects.get(workspace=bad.workspace, kind="disrespect")
    disrespect.muted_clients.add(bad)  # the line no longer applies to this client
    clients_rescore(workspace=bad.workspace)
    alert = Alert.objects.get(client=bad, boundary=disrespect)
    assert alert.status == AlertStatus.RESOLVED
    assert alert.resolved_automatically


def test_resolved_by_hand_an_alert_stays_quiet_until_the_condition_clears_once(good_and_bad, owner):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    boundary = Boundary.objects.get(workspace=bad.workspace, kind="disrespect")
    alert = Alert.objects.get(client=bad, boundary=boundary)
    alert_resolve(alert=alert, by=owner)
    clients_rescore(workspace=bad.workspace)
    assert Alert.objects.filter(client=bad, boundary=boundary).count() == 1  # still quiet
    boundary.muted_clients.add(bad)
    clients_rescore(workspace=bad.workspace)  # the condition clears...
    boundary.muted_clients.remove(bad)
    clients_rescore(workspace=bad.workspace)  # ...and is crossed again: a new alert
    statuses = sorted(
        Alert.objects.filter(client=bad, boundary=boundary).values_list("status", flat=True)
    )
    assert statuses == ["open", "resolved"]


def test_a_snoozed_alert_hides_until_its_day_and_reopening_undoes_it(good_and_bad, owner):
    _good, bad = good_and_bad
    clients_rescore(workspace=bad.workspace)
    alert = Alert.objects.filter(client=bad).first()
    today = bad.workspace.today()
    alert_snooze(alert=alert, by=owner, until=today + dt.timedelta(days=3))
    showing = Alert.objects.for_workspace(bad.workspace).showing(today)
    assert alert not in showing
    assert alert in Alert.objects.for_workspace(bad.workspace).showing(today + dt.timedelta(days=3))
    alert_reopen(alert=alert, by=owner)
    alert.refresh_from_db()
    assert (alert.status, alert.snoozed_until) == (AlertStatus.OPEN, None)


def test_alerts_are_not_raised_for_ended_clients(good_and_bad):
    _good, bad = good_and_bad
    bad.status = "ended"
    bad.save()
    assessments = assess_clients(
        workspace=bad.workspace, as_of=timezone.localdate(), client_ids=[bad.pk]
    )
    assert alerts_sync(
        workspace=bad.workspace, as_of=timezone.localdate(), assessments=assessments
    ) == (0, 0)


def test_the_interaction_table_keeps_its_workspace_equal_to_the_clients(
    workspace, other_workspace, owner
):
    """The aggregates filter interactions by their own workspace column: services keep it
    equal to the client's, even when an entry moves to another client."""
    first = ClientFactory(workspace=workspace)
    second = ClientFactory(workspace=workspace)
    entry = portfolio.interaction_log(client=first, author=owner, kind="call", minutes=5)
    portfolio.interaction_update(interaction=entry, version=entry.version, client=second)
    entry.refresh_from_db()
    assert entry.workspace_id == entry.client.workspace_id == workspace.pk


def test_the_daily_pass_is_safe_to_run_twice(
    good_and_bad, owner, mailoutbox, django_capture_on_commit_callbacks
):
    good, bad = good_and_bad
    membership = owner.memberships.get(workspace=good.workspace)
    membership.weekly_digest = True
    membership.save()
    with django_capture_on_commit_callbacks(execute=True):  # the digest leaves on commit
        call_command("assessments_daily")
        call_command("assessments_daily")
    assert HealthSnapshot.objects.filter(workspace=good.workspace).count() == 2
    alerts = list(Alert.objects.filter(client=bad).values_list("boundary__kind", flat=True))
    assert len(alerts) == len(set(alerts)) > 0
    assert len(mailoutbox) == 1
    assert "Bad Co" in mailoutbox[0].body
    assert mailoutbox[0].to == [owner.email]


def test_the_rescore_task_reports_success_and_how_many_snapshots_it_wrote(good_and_bad):
    """The immediate backend swallows a task's exception: check the result, not just effects."""
    from django.tasks import TaskResultStatus

    from assessments.tasks import rescore_clients

    good, bad = good_and_bad
    result = rescore_clients.enqueue(workspace_id=good.workspace_id, client_ids=[good.pk, bad.pk])
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2
    since = (good.workspace.today() - dt.timedelta(days=2)).isoformat()
    result = rescore_clients.enqueue(
        workspace_id=good.workspace_id, client_ids=[good.pk], since=since
    )
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3


def test_one_clients_shares_are_those_the_portfolio_shows(good_and_bad, django_assert_num_queries):
    """The health panel weighs one client against the portfolio without listing it."""
    good, bad = good_and_bad
    clients_rescore(workspace=good.workspace)
    ended = ClientFactory(workspace=good.workspace, name="Gone", status="ended")
    listed = {row.client.pk: row for row in portfolio_rows(workspace=good.workspace)}
    latest = latest_snapshots(workspace=good.workspace)
    for client in (good, bad):
        with django_assert_num_queries(1):
            row = portfolio_row(workspace=good.workspace, client=client, snapshot=latest[client.pk])
        assert 0 < row.revenue_share < 1
        assert (row.revenue_share, row.hours_share) == pytest.approx(
            (listed[client.pk].revenue_share, listed[client.pk].hours_share)
        )
    assert portfolio_row(workspace=good.workspace, client=ended, snapshot=None) is None


def test_todays_overview_is_the_one_of_the_portfolio_list(good_and_bad, django_assert_num_queries):
    good, _bad = good_and_bad
    ClientFactory(workspace=good.workspace, name="Maybe", status="prospect")
    clients_rescore(workspace=good.workspace)
    ClientFactory(workspace=good.workspace, name="New")  # not scored yet
    ClientFactory(workspace=good.workspace, name="Gone", status="ended")
    listed = overview(portfolio_rows(workspace=good.workspace))
    with django_assert_num_queries(1):
        summary, clients = portfolio_overview(workspace=good.workspace)
    assert clients == 4
    assert summary.band_counts == listed.band_counts
    assert (summary.unscored, summary.prospects, summary.not_enough_data) == (1, 1, 0)
    assert [count for _band, _label, count in summary.band_counts if count] == [1, 1]


def test_a_client_keeps_one_latest_snapshot_and_the_database_refuses_a_second(good_and_bad):
    """The pages read a client's health by its one "latest" mark: writing an earlier day
    after a later one leaves the mark where it is, and a second mark is refused outright."""
    good, _bad = good_and_bad
    workspace = good.workspace
    today = workspace.today()
    clients_rescore(workspace=workspace)
    snapshots_write(workspace=workspace, as_of=today - dt.timedelta(days=1))
    marked = HealthSnapshot.objects.filter(client=good, is_latest=True)
    assert [s.as_of for s in marked] == [today]

    yesterday = HealthSnapshot.objects.get(client=good, as_of=today - dt.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        HealthSnapshot.objects.filter(pk=yesterday.pk).update(is_latest=True)
    assert [s.as_of for s in marked] == [today]


def test_a_large_batch_of_snapshots_is_stored_the_same_by_copy_on_postgresql(
    good_and_bad, monkeypatch
):
    """The nightly pass's batches go through COPY on PostgreSQL: the rows are those the
    bulk upsert writes, a second pass replaces them, and the latest marks follow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    good, bad = good_and_bad
    workspace = good.workspace
    today = workspace.today()
    snapshots_write(workspace=workspace, as_of=today - dt.timedelta(days=1))
    by_insert = {
        s.client_id: s for s in HealthSnapshot.objects.filter(as_of=today - dt.timedelta(days=1))
    }
    HealthSnapshot.objects.filter(client=good).update(stale_since=timezone.now())

    monkeypatch.setattr("assessments.models.COPY_FROM", 1)
    with CaptureQueriesContext(connection) as queries:
        snapshots_write(workspace=workspace, as_of=today - dt.timedelta(days=1))
        snapshots_write(workspace=workspace, as_of=today)
    copied = any("snapshot_upsert" in q["sql"] for q in queries.captured_queries)
    assert copied == (connection.vendor == "postgresql")

    assert HealthSnapshot.objects.count() == 4
    for snapshot in HealthSnapshot.objects.filter(as_of=today - dt.timedelta(days=1)):
        before = by_insert[snapshot.client_id]
        for name in ("score", "band", "confidence", "dimensions", "metrics", "revenue",
                     "minutes", "suggestion", "suggestion_reason", "settings"):  # fmt: skip
            assert getattr(snapshot, name) == getattr(before, name), name
        assert snapshot.pk == before.pk and snapshot.stale_since is None
        assert not snapshot.is_latest
    assert _marked(good) == _marked(bad) == [today]
