from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from portfolio import services
from portfolio.models import Client, ClientStatus, Interaction, Invoice, InvoiceStatus
from portfolio.rules import is_out_of_hours
from portfolio.signals import clients_changed
from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory
from tests.portfolio.conftest import LISBON

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "when, kind, expected",
    [
        (dt.datetime(2026, 11, 24, 10, 0, tzinfo=LISBON), "call", False),  # Tuesday morning
        (dt.datetime(2026, 11, 24, 8, 59, tzinfo=LISBON), "call", True),  # before nine
        (dt.datetime(2026, 11, 24, 18, 0, tzinfo=LISBON), "message", True),  # the day has ended
        (dt.datetime(2026, 11, 28, 11, 0, tzinfo=LISBON), "meeting", True),  # Saturday
        (dt.datetime(2026, 11, 28, 23, 0, tzinfo=LISBON), "work_session", False),  # own work
        (dt.datetime(2026, 11, 28, 23, 0, tzinfo=LISBON), "deliverable", False),  # own work
        # 17:30 in Lisbon is 18:30 in Berlin: the workspace's zone decides.
        (dt.datetime(2026, 11, 24, 18, 30, tzinfo=ZoneInfo("Europe/Berlin")), "call", False),
    ],
)
def test_out_of_hours_follows_the_workspace_week_and_zone(lisbon, when, kind, expected):
    assert is_out_of_hours(occurred_at=when, kind=kind, workspace=lisbon) is expected


def test_logging_contact_at_night_flags_it_and_a_date_alone_never_does(lisbon, owner):
    client = ClientFactory(workspace=lisbon)
    night = services.interaction_log(
        client=client, author=owner, kind="message",
        occurred_at=dt.datetime(2026, 11, 24, 22, 15, tzinfo=LISBON),
    )  # fmt: skip
    dated = services.interaction_log(
        client=client, author=owner, kind="message", occurred_on=dt.date(2026, 11, 28)
    )
    assert night.flags == ["out_of_hours"]
    assert dated.flags == []
    assert dated.date_only
    assert dated.occurred_at == dt.datetime(2026, 11, 28, 12, 0, tzinfo=LISBON)


def test_a_cleared_out_of_hours_flag_stays_cleared(lisbon, owner):
    client = ClientFactory(workspace=lisbon)
    entry = services.interaction_log(
        client=client, author=owner, kind="call",
        occurred_at=dt.datetime(2026, 11, 24, 21, 0, tzinfo=LISBON),
    )  # fmt: skip
    services.interaction_update(interaction=entry, version=entry.version, flags=[], minutes=45)
    entry.refresh_from_db()
    assert entry.flags == []
    assert entry.minutes == 45


def test_an_interaction_keeps_its_clients_workspace(workspace, owner):
    client = ClientFactory(workspace=workspace)
    entry = services.interaction_log(client=client, author=owner, kind="call")
    assert entry.workspace_id == client.workspace_id
    other = ClientFactory(workspace=workspace)
    services.interaction_update(interaction=entry, version=entry.version, client=other)
    entry.refresh_from_db()
    assert (entry.client_id, entry.workspace_id) == (other.pk, workspace.pk)


def test_client_names_are_unique_ignoring_case_and_spaces(workspace, owner):
    services.client_create(workspace=workspace, by=owner, name="Padaria Estrela")
    with pytest.raises(ValidationError, match="already have a client"):
        services.client_create(workspace=workspace, by=owner, name="  padaria ESTRELA ")
    assert Client.objects.count() == 1


def test_a_name_in_the_trash_says_to_restore_it(workspace, owner):
    client = services.client_create(workspace=workspace, by=owner, name="Café Lua")
    services.client_trash(client=client)
    with pytest.raises(ValidationError, match="in the trash"):
        services.client_create(workspace=workspace, by=owner, name="café lua")


def test_the_same_name_is_fine_in_another_workspace(workspace, owner, other_workspace, outsider):
    services.client_create(workspace=workspace, by=owner, name="Atlas")
    services.client_create(workspace=other_workspace, by=outsider, name="Atlas")
    assert Client.objects.filter(name="Atlas").count() == 2


def test_the_owner_must_be_a_member(workspace, owner, outsider):
    with pytest.raises(ValidationError, match="must be a member"):
        services.client_create(workspace=workspace, by=owner, name="X", owner=outsider)


def test_a_second_save_from_an_old_version_is_refused(workspace, owner):
    client = services.client_create(workspace=workspace, by=owner, name="Atlas")
    loaded_by_a = Client.objects.get(pk=client.pk)
    loaded_by_b = Client.objects.get(pk=client.pk)
    services.client_update(client=loaded_by_a, version=loaded_by_a.version, notes="from A")
    with pytest.raises(services.ConflictError):
        services.client_update(client=loaded_by_b, version=loaded_by_b.version, notes="from B")
    assert Client.objects.get(pk=client.pk).notes == "from A"


def test_trash_restore_and_permanent_delete_only_from_the_trash(workspace, owner):
    client = ClientFactory(workspace=workspace)
    InteractionFactory(client=client)
    with pytest.raises(ValidationError):
        services.client_delete_permanently(client=client)
    services.client_trash(client=client)
    assert not Client.objects.alive().exists()
    services.client_restore(client=client)
    assert Client.objects.alive().count() == 1
    services.client_trash(client=client)
    services.client_delete_permanently(client=client)
    assert not Client.objects.exists()
    assert not Interaction.objects.exists()


def test_ending_a_client_dates_it_and_reopening_clears_the_ending(workspace, owner):
    client = ClientFactory(workspace=workspace, ended_by="")
    services.client_change_status(client=client, status=ClientStatus.ENDED)
    client.refresh_from_db()
    assert client.ended_on is not None
    services.client_update(
        client=client, version=client.version, ended_by="they_ended", departure_reason="budget"
    )
    services.client_change_status(client=client, status=ClientStatus.ACTIVE)
    client.refresh_from_db()
    assert (client.ended_on, client.ended_by, client.departure_reason) == (None, "", "")


def test_changes_are_announced_after_commit_with_the_client_only(
    workspace, owner, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, workspace_id, client_ids, **kwargs):
        received.append((workspace_id, client_ids))

    clients_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client = services.client_create(workspace=workspace, by=owner, name="Atlas")
            services.interaction_log(client=client, author=owner, kind="call")
    finally:
        clients_changed.disconnect(receiver)
    assert received == [(workspace.pk, frozenset({client.pk}))] * 2


TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    "fields, status",
    [
        ({}, InvoiceStatus.OPEN),
        ({"due_on": dt.date(2026, 11, 1)}, InvoiceStatus.OVERDUE),
        (
            {"paid_on": dt.date(2026, 11, 10), "paid_amount": Decimal("400")},
            InvoiceStatus.PARTLY_PAID,
        ),
        ({"paid_on": dt.date(2026, 11, 10), "paid_amount": Decimal("1000")}, InvoiceStatus.PAID),
        (
            {"due_on": dt.date(2026, 11, 1), "paid_on": dt.date(2026, 11, 10),
             "paid_amount": Decimal("1000")},
            InvoiceStatus.PAID_LATE,
        ),
        ({"void": True, "due_on": dt.date(2026, 11, 1)}, InvoiceStatus.VOID),
    ],
)  # fmt: skip
def test_invoice_status_is_derived(fields, status):
    defaults = {"number": "1", "issued_on": dt.date(2026, 10, 1), "due_on": dt.date(2026, 12, 1)}
    invoice = Invoice(amount=Decimal("1000"), **(defaults | fields))
    assert invoice.status_on(TODAY) == status


def test_marking_paid_without_an_amount_pays_in_full_and_overpaying_is_refused(workspace):
    invoice = InvoiceFactory(client=ClientFactory(workspace=workspace), amount=Decimal("500"))
    services.invoice_mark_paid(invoice=invoice, paid_on=TODAY)
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("500")
    with pytest.raises(ValidationError, match="cannot exceed"):
        services.invoice_mark_paid(invoice=invoice, paid_on=TODAY, amount=Decimal("501"))


def test_invoice_numbers_are_unique_per_workspace(workspace, other_workspace):
    services.invoice_create(
        client=ClientFactory(workspace=workspace), number="2026-001", issued_on=TODAY,
        amount=Decimal("10"),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="already has this number"):
        services.invoice_create(
            client=ClientFactory(workspace=workspace), number="2026-001", issued_on=TODAY,
            amount=Decimal("10"),
        )  # fmt: skip
    services.invoice_create(
        client=ClientFactory(workspace=other_workspace), number="2026-001", issued_on=TODAY,
        amount=Decimal("10"),
    )  # fmt: skip
    assert Invoice.objects.count() == 2
