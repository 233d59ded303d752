from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.models import Interaction
from portfolio.selectors import TimelineCursor, client_list, client_timeline, client_totals
from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory
from tests.index_reads import columns_read, covered_by

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


def at(days_ago: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(hour), dt.UTC)


def test_totals_over_30_and_90_days_and_all_time(workspace):
    client = ClientFactory(workspace=workspace)
    InteractionFactory(client=client, occurred_at=at(5), minutes=120, billable=True)
    InteractionFactory(client=client, occurred_at=at(5), minutes=60, billable=False)
    InteractionFactory(client=client, occurred_at=at(60), minutes=180, billable=True)
    InteractionFactory(client=client, occurred_at=at(200), minutes=600, billable=True)
    InteractionFactory(client=client, occurred_at=at(2), minutes=999, deleted_at=timezone.now())
    InvoiceFactory(client=client, issued_on=TODAY - dt.timedelta(days=10), amount=Decimal("300"))
    InvoiceFactory(client=client, issued_on=TODAY - dt.timedelta(days=80), amount=Decimal("600"))
    InvoiceFactory(client=client, issued_on=TODAY - dt.timedelta(days=9), amount=9, void=True)

    totals = client_totals(client=client, today=TODAY)

    assert (totals["30"].billable_minutes, totals["30"].unbilled_minutes) == (120, 60)
    assert totals["30"].revenue == Decimal("300")
    assert totals["30"].effective_rate == Decimal("100.00")  # 300 over 3 hours, billed or not
    assert totals["90"].billable_minutes == 300
    assert totals["90"].revenue == Decimal("900")
    assert totals["all"].billable_minutes == 900
    assert totals["all"].effective_rate == Decimal("56.25")  # 900 over 16 hours


def test_no_time_means_no_effective_rate(workspace):
    totals = client_totals(client=ClientFactory(workspace=workspace), today=TODAY)
    assert totals["all"].effective_rate is None


def test_the_timeline_merges_entries_and_invoices_newest_first_across_pages(workspace):
    client = ClientFactory(workspace=workspace)
    entries = [InteractionFactory(client=client, occurred_at=at(days)) for days in range(0, 30, 2)]
    invoices = [
        InvoiceFactory(client=client, issued_on=TODAY - dt.timedelta(days=days))
        for days in range(1, 30, 6)
    ]
    seen, cursor = [], None
    while True:
        page, cursor = client_timeline(client=client, cursor=cursor, size=4)
        seen += [item.interaction or item.invoice for item in page]
        if cursor is None:
            break
        cursor = TimelineCursor.decode(cursor.encode())  # as it travels in the URL
    assert len(seen) == len(entries) + len(invoices)
    assert len(set(seen)) == len(seen)
    moments = [
        getattr(x, "occurred_at", None) or at(TODAY.toordinal() - x.issued_on.toordinal())
        for x in seen
    ]
    assert moments == sorted(moments, reverse=True)


def test_a_garbled_cursor_starts_from_the_top(workspace):
    assert TimelineCursor.decode("i=yesterday~x|v=nope") == TimelineCursor()


def test_the_client_list_filters_and_sorts(workspace, owner, manager):
    ClientFactory(workspace=workspace, name="Beta", status="active", owner=owner, company="Zeta")
    ClientFactory(workspace=workspace, name="alpha", status="paused", owner=manager)
    ClientFactory(workspace=workspace, name="Gamma", status="active", billing_model="retainer")
    ClientFactory(workspace=workspace, name="Trashed", deleted_at=timezone.now())
    names = lambda **kw: [c.name for c in client_list(workspace=workspace, **kw)]  # noqa: E731
    assert names() == ["alpha", "Beta", "Gamma"]
    assert names(sort="-name") == ["Gamma", "Beta", "alpha"]
    assert names(search="zeta") == ["Beta"]
    assert names(status="active") == ["Beta", "Gamma"]
    assert names(owner=manager) == ["alpha"]
    assert names(billing_model="retainer") == ["Gamma"]
    assert names(trash=True) == ["Trashed"]


def test_sorting_by_last_contact_puts_never_contacted_last(workspace):
    old = ClientFactory(workspace=workspace, name="Old")
    new = ClientFactory(workspace=workspace, name="New")
    ClientFactory(workspace=workspace, name="Never")
    InteractionFactory(client=old, occurred_at=at(50))
    InteractionFactory(client=new, occurred_at=at(1))
    assert [c.name for c in client_list(workspace=workspace, sort="last_contact")] == [
        "New", "Old", "Never",
    ]  # fmt: skip


def test_the_last_contact_leaves_out_deleted_entries(workspace):
    client = ClientFactory(workspace=workspace, name="Atlas")
    InteractionFactory(client=client, occurred_at=at(30))
    InteractionFactory(client=client, occurred_at=at(1), deleted_at=timezone.now())
    assert client_list(workspace=workspace).get().last_contact == at(30)


@pytest.mark.parametrize("sort", ["name", "last_contact", "-last_contact"])
def test_the_client_list_is_counted_without_reading_any_entry(workspace, sort):
    """The pages' count reads the clients alone, however the list is sorted: counting over a
    join with every entry cost most of the page at a thousand clients."""
    for number in range(3):
        InteractionFactory(client=ClientFactory(workspace=workspace, name=f"C{number}"))
    with CaptureQueriesContext(connection) as queries:
        assert Paginator(client_list(workspace=workspace, sort=sort), 25).count == 3
    (count,) = queries.captured_queries
    assert Interaction._meta.db_table not in count["sql"]


def test_a_clients_totals_read_nothing_of_its_entries_but_the_timeline_index(db):
    """A client's page sums all its entries (hours of all time): PostgreSQL answers from the
    index alone, not from rows spread over years of entries."""
    client = ClientFactory()
    InteractionFactory(client=client, workspace=client.workspace, minutes=30)
    today = client.workspace.today()
    read = columns_read(lambda: client_totals(client=client, today=today), Interaction)
    index = covered_by(Interaction, "interaction_timeline_idx")
    assert {"minutes", "billable"} <= read
    assert read <= index, read - index
