"""Applying an import atomically with visible progress, and undoing it as a whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections

from portfolio.interchange import import_apply, import_plan, import_undo
from portfolio.models import Client, ImportBatch, ImportChange, Interaction, Invoice
from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

CLIENTS = "name,company,rate\nAtlas,Atlas Lda,60\nNova,,\n"
INTERACTIONS = (
    "client,occurred_at,kind,minutes,summary,external_id\n"
    "Atlas,2026-03-02T10:00,meeting,45,Kick-off,x1\n"
    "Nova,2026-03-03T10:00,call,10,Hello,n1\n"
)
INVOICES = "client,number,issued_on,amount,paid_on\nAtlas,F-1,2026-01-01,120.00,2026-01-20\n"


@pytest.fixture
def stored(lisbon, owner):
    atlas = ClientFactory(
        workspace=lisbon, name="Atlas", company="Old Lda", rate=Decimal("50"), owner=owner
    )
    entry = InteractionFactory(
        client=atlas, external_id="x1", kind="call", minutes=30, summary="Old",
        occurred_at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), author=owner,
    )  # fmt: skip
    invoice = InvoiceFactory(client=atlas, number="F-1", amount=Decimal("100"))
    return atlas, entry, invoice


def run(workspace, user, **options):
    files = {"clients": CLIENTS, "interactions": INTERACTIONS, "invoices": INVOICES}
    checked = import_plan(
        workspace=workspace, user=user, files={k: v.encode() for k, v in files.items()}
    )
    assert checked.errors == []
    return import_apply(plan=checked, **options)


def snapshot() -> dict:
    fields = {
        Client: ["name", "company", "rate", "owner_id"],
        Interaction: ["client_id", "occurred_at", "kind", "minutes", "summary", "author_id"],
        Invoice: ["client_id", "amount", "paid_on", "paid_amount", "issued_on"],
    }
    return {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", *names))
        for model, names in fields.items()
    }


def test_undoing_an_import_deletes_what_it_added_and_puts_back_what_it_changed(
    lisbon, owner, stored
):
    before = snapshot()
    batch = run(lisbon, owner)
    assert batch.summary == {
        "client": {"created": 1, "updated": 1},
        "interaction": {"created": 1, "updated": 1},
        "invoice": {"created": 0, "updated": 1},
    }
    assert snapshot() != before

    undone = import_undo(batch=batch)

    assert snapshot() == before
    assert (undone.status, undone.undone_at is not None) == ("undone", True)
    atlas, entry, invoice = stored
    for row in (atlas, entry, invoice):
        row.refresh_from_db()
        assert row.version == 3  # changed by the import, then by the undo
    assert not Client.objects.filter(name="Nova").exists()


def test_an_import_can_be_undone_only_once_and_only_when_done(lisbon, owner, stored):
    batch = run(lisbon, owner)
    import_undo(batch=batch)
    with pytest.raises(ValidationError):
        import_undo(batch=batch)


def test_undo_is_refused_when_a_client_it_added_has_entries_logged_since(lisbon, owner):
    batch = run(lisbon, owner)
    InteractionFactory(client=Client.objects.get(name="Nova"), summary="Logged by hand")

    with pytest.raises(ValidationError) as refused:
        import_undo(batch=batch)

    assert "Nova" in refused.value.messages[0]
    assert Client.objects.filter(name="Nova").exists()
    assert ImportBatch.objects.get().status == "done"


def test_progress_is_reported_as_the_rows_are_written(lisbon, owner, stored):
    heard = []
    batch = run(lisbon, owner, on_progress=lambda done, total: heard.append((done, total)))

    assert heard[-1] == (5, 5)
    assert [done for done, _total in heard] == sorted(done for done, _total in heard)
    assert (batch.progress_done, batch.progress_total) == (5, 5)
    assert ImportChange.objects.filter(batch=batch).count() == 5


def test_a_failed_import_writes_nothing_and_says_why(lisbon, owner, stored):
    before = snapshot()

    def fail(done: int, total: int) -> None:
        if done > 1:
            raise RuntimeError("the worker was stopped")

    with pytest.raises(RuntimeError):
        run(lisbon, owner, on_progress=fail)

    assert snapshot() == before
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.error) == ("failed", "the worker was stopped")
    assert not batch.changes.exists()


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite has one writer: progress shows at the end"
)
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_another_connection_while_the_import_runs(lisbon, owner):
    seen = []
    other = connections.create_connection(DEFAULT_DB_ALIAS)

    def look(done: int, total: int) -> None:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT progress_done, progress_total, status FROM portfolio_importbatch"
            )
            seen.append(cursor.fetchone())
        with other.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM portfolio_client")
            seen.append(cursor.fetchone())

    try:
        run(lisbon, owner, on_progress=look)
    finally:
        other.close()

    # The other connection sees the batch move, and none of the rows until the commit.
    assert seen[0] == (2, 5, "running") and seen[1] == (0,)
    assert seen[-2] == (5, 5, "running") and seen[-1] == (0,)
