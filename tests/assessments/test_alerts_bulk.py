"""Acknowledging several alerts in one go, from the alerts page: the workspace's own alerts that
still wait for a decision, and nothing else; with HTMX and without; never by a viewer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.alerts import alerts_acknowledge
from assessments.forms import ACKNOWLEDGE_AT_ONCE
from assessments.models import Alert, AlertStatus, Boundary, BoundaryKind
from tests.factories import ClientFactory

HTMX = {"HX-Request": "true"}


def page_url(workspace, query=""):
    return reverse("home:alerts", kwargs={"ws": workspace.slug}) + query


def make_alert(workspace, *, kind="disrespect", client=None, **fields) -> Alert:
    return Alert.objects.create(
        workspace=workspace,
        client=client or ClientFactory(workspace=workspace),
        boundary=Boundary.objects.get(workspace=workspace, kind=kind),
        severity=fields.pop("severity", "warning"),
        **fields,
    )


def states():
    return sorted(Alert.objects.values_list("code", "status", "snoozed_until", "handled_by"))


def codes(*alerts) -> list[str]:
    return [str(alert.code) for alert in alerts]


def test_acknowledging_several_alerts_at_once_says_how_many(workspace, member, logged_in):
    first, second, left = (make_alert(workspace) for _ in range(3))
    response = logged_in(member).post(page_url(workspace), {"alerts": codes(first, second)})
    assert (response.status_code, response.url) == (302, page_url(workspace))
    for alert in (first, second):
        alert.refresh_from_db()
        assert (alert.status, alert.handled_by) == (AlertStatus.ACKNOWLEDGED, member)
        assert alert.handled_at is not None
    left.refresh_from_db()
    assert left.status == AlertStatus.OPEN
    page = logged_in(member).get(response.url).content.decode()
    assert "2 alerts acknowledged." in page


def test_with_htmx_the_list_comes_back_with_the_alerts_acknowledged(workspace, member, logged_in):
    alert = make_alert(workspace)
    response = logged_in(member).post(page_url(workspace), {"alerts": codes(alert)}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="alert-results">')
    assert "Acknowledged by" in html
    assert 'id="messages" aria-live="polite" hx-swap-oob="true"' in html
    assert "1 alert acknowledged." in html


def test_the_filters_and_the_page_are_kept(workspace, member, logged_in):
    alert = make_alert(workspace, severity="critical")
    query = "?severity=critical&page=1"
    response = logged_in(member).post(page_url(workspace, query), {"alerts": codes(alert)})
    assert response.url == page_url(workspace, query)
    htmx = logged_in(member).post(
        page_url(workspace, "?severity=info"), {"alerts": codes(alert)}, headers=HTMX
    )
    assert "No alert matches these filters." in htmx.content.decode()


def test_another_workspaces_alert_is_ignored_and_left_untouched(
    workspace, member, other_workspace, logged_in
):
    """Ignored, not 404: a foreign code and one that does not exist look the same, and the
    workspace's own alerts of the same request are still acknowledged."""
    mine = make_alert(workspace)
    foreign = make_alert(other_workspace)
    response = logged_in(member).post(
        page_url(workspace), {"alerts": codes(mine, foreign)}, headers=HTMX
    )
    assert response.status_code == 200
    assert "1 alert acknowledged." in response.content.decode()
    foreign.refresh_from_db()
    assert (foreign.status, foreign.handled_by) == (AlertStatus.OPEN, None)
    mine.refresh_from_db()
    assert mine.status == AlertStatus.ACKNOWLEDGED


def test_only_foreign_codes_change_nothing_and_say_so(
    workspace, member, other_workspace, logged_in
):
    foreign = make_alert(other_workspace)
    before = states()
    response = logged_in(member).post(page_url(workspace), {"alerts": codes(foreign)}, headers=HTMX)
    assert "Nothing changed" in response.content.decode()
    assert states() == before


def test_only_alerts_that_wait_for_a_decision_are_acknowledged(workspace, owner, member):
    today = workspace.today()
    client = ClientFactory(workspace=workspace)
    kinds = iter(BoundaryKind.values)

    def alert(**fields):
        return make_alert(workspace, client=client, kind=next(kinds), **fields)

    waiting = alert()
    back_from_snooze = alert(status=AlertStatus.SNOOZED, snoozed_until=today)
    already = alert(status=AlertStatus.ACKNOWLEDGED, handled_by=owner)
    snoozed = alert(status=AlertStatus.SNOOZED, snoozed_until=today + dt.timedelta(days=3))
    resolved = alert(status=AlertStatus.RESOLVED)
    trashed = make_alert(workspace, client=ClientFactory(workspace=workspace))
    trashed.client.deleted_at = timezone.now()
    trashed.client.save()
    everything = [waiting, back_from_snooze, already, snoozed, resolved, trashed]
    count = alerts_acknowledge(workspace=workspace, codes=[a.code for a in everything], by=member)
    assert count == 2
    for alert_ in everything:
        alert_.refresh_from_db()
    assert {a.pk for a in everything if a.handled_by == member} == {
        waiting.pk,
        back_from_snooze.pk,
    }
    assert back_from_snooze.snoozed_until is None
    assert (already.handled_by, snoozed.status, resolved.status, trashed.status) == (
        owner,
        AlertStatus.SNOOZED,
        AlertStatus.RESOLVED,
        AlertStatus.OPEN,
    )


def test_acknowledging_twice_changes_nothing_the_second_time(workspace, member, logged_in):
    alert = make_alert(workspace)
    browser = logged_in(member)
    browser.post(page_url(workspace), {"alerts": codes(alert)}, headers=HTMX)
    again = browser.post(page_url(workspace), {"alerts": codes(alert)}, headers=HTMX)
    assert "Nothing changed" in again.content.decode()


@pytest.mark.parametrize(
    "data, says",
    [
        ({}, "Choose at least one alert to acknowledge."),
        ({"alerts": ["not-a-code"]}, "Choose the alerts to acknowledge from the list."),
    ],
)
def test_a_request_without_valid_codes_is_refused_and_changes_nothing(
    workspace, member, logged_in, data, says
):
    make_alert(workspace)
    before = states()
    browser = logged_in(member)
    response = browser.post(page_url(workspace), data, headers=HTMX)
    assert response.status_code == 422
    assert says in response.content.decode()
    assert browser.post(page_url(workspace), data).status_code == 302  # without JavaScript
    assert says in browser.get(page_url(workspace)).content.decode()
    assert states() == before


def test_more_than_a_page_can_send_is_refused(workspace, member, logged_in):
    alert = make_alert(workspace)
    many = codes(alert) + [f"00000000-0000-4000-8000-{n:012}" for n in range(ACKNOWLEDGE_AT_ONCE)]
    response = logged_in(member).post(page_url(workspace), {"alerts": many}, headers=HTMX)
    assert response.status_code == 422
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_a_viewer_cannot_acknowledge(workspace, viewer, logged_in):
    alert = make_alert(workspace)
    before = states()
    assert logged_in(viewer).post(page_url(workspace), {"alerts": codes(alert)}).status_code == 403
    with pytest.raises(PermissionDenied):
        alerts_acknowledge(workspace=workspace, codes=[alert.code], by=viewer)
    assert states() == before


def test_the_service_refuses_someone_outside_the_workspace(workspace, outsider):
    alert = make_alert(workspace)
    with pytest.raises(PermissionDenied):
        alerts_acknowledge(workspace=workspace, codes=[alert.code], by=outsider)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_an_outsider_gets_404_and_changes_nothing(workspace, outsider, logged_in):
    alert = make_alert(workspace)
    before = states()
    response = logged_in(outsider).post(page_url(workspace), {"alerts": codes(alert)})
    assert response.status_code == 404
    assert states() == before


def test_acknowledging_2_or_20_alerts_costs_the_same_queries(workspace, member):
    few = [make_alert(workspace) for _ in range(2)]
    many = [make_alert(workspace) for _ in range(20)]
    with CaptureQueriesContext(connection) as two:
        assert alerts_acknowledge(workspace=workspace, codes=[a.code for a in few], by=member) == 2
    with CaptureQueriesContext(connection) as twenty:
        count = alerts_acknowledge(workspace=workspace, codes=[a.code for a in many], by=member)
    assert count == 20
    assert len(two) == len(twenty)
