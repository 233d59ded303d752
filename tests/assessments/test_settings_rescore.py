"""A change of the workspace's settings that scores depend on rescores the clients by itself:
the settings page saves through a service, and assessments follows once it commits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.services import workspace_settings_update
from assessments.models import Alert, HealthSnapshot
from assessments.services import clients_rescore
from portfolio import services as portfolio
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _targets(snapshots) -> dict:
    return {s.client_id: s.settings["target_rate"] for s in snapshots}


def test_a_new_target_rate_rescores_every_client(good_and_bad, django_capture_on_commit_callbacks):
    good, bad = good_and_bad
    workspace = good.workspace
    clients_rescore(workspace=workspace)
    assert _targets(HealthSnapshot.objects.all()) == {good.pk: "50.00", bad.pk: "50.00"}

    with django_capture_on_commit_callbacks(execute=True):
        workspace_settings_update(workspace=workspace, target_hourly_rate=Decimal("400"))

    snapshots = HealthSnapshot.objects.filter(as_of=workspace.today())
    assert _targets(snapshots) == {good.pk: "400.00", bad.pk: "400.00"}
    good_now = snapshots.get(client=good)
    assert good_now.dimensions["profitability"]["score"] < 100


def test_a_change_of_name_or_language_rescores_nothing(
    good_and_bad, django_capture_on_commit_callbacks
):
    good, _bad = good_and_bad
    workspace = good.workspace
    clients_rescore(workspace=workspace)
    HealthSnapshot.objects.update(score=1)  # a rescore would overwrite this
    with django_capture_on_commit_callbacks(execute=True):
        workspace_settings_update(workspace=workspace, name="Renamed", language="es")
    assert set(HealthSnapshot.objects.values_list("score", flat=True)) == {1}


def test_longer_working_hours_resolve_an_out_of_hours_alert_the_rule_raised(
    workspace, owner, django_capture_on_commit_callbacks
):
    client = ClientFactory(workspace=workspace, name="Night Owl")
    evening = timezone.now().replace(hour=19, minute=0, second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        for days in range(1, 13):
            when = evening - dt.timedelta(days=days)
            if when.isoweekday() <= 5:
                portfolio.interaction_log(
                    client=client, author=owner, kind="message", occurred_at=when
                )
    assert Alert.objects.filter(client=client, boundary__kind="out_of_hours").exists()

    with django_capture_on_commit_callbacks(execute=True):
        workspace_settings_update(workspace=workspace, work_ends_at=dt.time(21, 0))

    assert not Alert.objects.filter(
        client=client, boundary__kind="out_of_hours", status="open"
    ).exists()
