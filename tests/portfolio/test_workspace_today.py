"""A workspace's "today" is its own time zone's date, wherever the server is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from portfolio import services
from portfolio.forms import InvoiceForm
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

# 20:00 in UTC is already the next morning on Kiritimati (UTC+14).
SERVER_NOW = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
KIRITIMATI_TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def far_east(workspace, monkeypatch):
    workspace.time_zone = "Pacific/Kiritimati"
    workspace.save()
    monkeypatch.setattr(timezone, "now", lambda: SERVER_NOW)
    return workspace


def test_the_workspace_today_is_its_own_zones_date(far_east):
    assert far_east.today() == KIRITIMATI_TODAY


def test_a_client_ended_today_ends_on_the_workspaces_date(far_east):
    client = ClientFactory(workspace=far_east, status="active")
    services.client_change_status(client=client, status="ended")
    client.refresh_from_db()
    assert client.ended_on == KIRITIMATI_TODAY


def test_a_new_invoice_is_issued_today_in_the_workspace(far_east):
    assert InvoiceForm(workspace=far_east).fields["issued_on"].initial == KIRITIMATI_TODAY


def test_the_new_client_form_starts_today_in_the_workspace(far_east, owner, logged_in):
    page = logged_in(owner).get(f"/w/{far_east.slug}/clients/new/").content.decode()
    assert 'value="2026-12-02"' in page


def test_times_on_the_workspace_pages_read_in_its_zone(workspace, owner, logged_in):
    workspace.time_zone = "Asia/Tokyo"
    workspace.save()
    client = ClientFactory(workspace=workspace)
    services.interaction_log(
        client=client,
        author=owner,
        kind="call",
        occurred_at=dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC),  # 08:30 on the 25th there
    )
    page = logged_in(owner).get(f"/w/{workspace.slug}/clients/{client.code}/").content.decode()
    assert "Nov. 25, 2026, 8:30 a.m." in page
    assert "Nov. 24, 2026" not in page
    assert timezone.get_current_timezone_name() == "UTC"  # not left active after the request
