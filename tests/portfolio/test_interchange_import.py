"""Importing the interchange files: what is created and updated, and what is left alone.

One module (over 400 lines) for one behaviour, the import of the three files together."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from portfolio.interchange import import_apply, import_plan
from portfolio.models import Client, ImportBatch, ImportChange, Interaction, Invoice
from portfolio.signals import clients_changed
from tests.factories import (
    ClientFactory,
    InteractionFactory,
    InvoiceFactory,
    MembershipFactory,
    UserFactory,
)
from tests.portfolio.conftest import LISBON

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "interchange"
ROLES = ("clients", "interactions", "invoices")


def files_in(folder: str, *roles: str) -> dict[str, bytes]:
    return {role: (DATA / folder / f"{role}.csv").read_bytes() for role in roles or ROLES}


def plan(workspace, user, **files: str | bytes):
    return import_plan(
        workspace=workspace,
        user=user,
        files={k: v.encode() if isinstance(v, str) else v for k, v in files.items()},
    )


def apply(workspace, user, **files: str | bytes):
    checked = plan(workspace, user, **files)
    assert checked.errors == []
    return import_apply(plan=checked)


def counts(checked) -> dict[str, dict[str, int]]:
    return {role: file_plan.counts for role, file_plan in checked.files.items()}


def test_the_good_files_create_clients_interactions_and_invoices(lisbon, owner, member):
    checked = import_plan(workspace=lisbon, user=owner, files=files_in("good"))

    assert checked.errors == []
    assert counts(checked) == {
        "clients": {"created": 3, "updated": 0, "unchanged": 0},
        "interactions": {"created": 5, "updated": 0, "unchanged": 0},
        "invoices": {"created": 3, "updated": 0, "unchanged": 0},
    }
    assert checked.read_as["clients"] == "UTF-8, comma-separated, decimal point, dates YYYY-MM-DD"
    assert checked.read_as["interactions"] == "UTF-8, comma-separated, dates YYYY-MM-DD"

    batch = import_apply(plan=checked)

    atlas = Client.objects.get(name="Atlas Logistics")
    assert (atlas.workspace, atlas.owner, atlas.billing_model, atlas.rate) == (
        lisbon, owner, "retainer", Decimal("1500.00")
    )  # fmt: skip
    assert (atlas.phone, atlas.language, atlas.started_on) == (
        "+351 912 345 678", "pt-BR", dt.date(2025, 9, 1)
    )  # fmt: skip
    ended = Client.objects.get(name="Casa Verde")
    assert (ended.status, ended.ended_by, ended.departure_reason, ended.owner) == (
        "ended", "ran_its_course", "project_finished", member
    )  # fmt: skip
    assert Client.objects.get(name="Padaria Estrela").notes == "Pays on time.\nPrefers WhatsApp."

    night_call = Interaction.objects.get(external_id="atlas-002")
    assert night_call.occurred_at == dt.datetime(2026, 3, 3, 21, 30, tzinfo=LISBON)
    assert night_call.flags == ["unreasonable_demand", "out_of_hours"]
    assert (night_call.feeling, night_call.billable, night_call.author) == (-2, False, owner)
    assert night_call.workspace == lisbon
    session = Interaction.objects.get(kind="work_session")
    assert session.date_only and session.occurred_at == dt.datetime(2026, 3, 4, 12, tzinfo=LISBON)
    assert len(session.external_id) == 32 and session.author == member
    praise = Interaction.objects.get(kind="praise")
    assert praise.occurred_at == dt.datetime(2025, 6, 20, 13, tzinfo=dt.UTC)
    assert praise.author == owner  # empty author_email: the importing user

    assert Invoice.objects.get(number="2026-001").paid_amount == Decimal("1500.00")
    unpaid = Invoice.objects.get(number="2026-002")
    assert (unpaid.paid_on, unpaid.paid_amount, unpaid.void) == (None, None, False)
    assert Invoice.objects.get(number="2025-014").paid_amount == Decimal("2000.00")

    assert batch.status == "done" and batch.progress_done == batch.progress_total == 11
    assert batch.summary == {
        "client": {"created": 3, "updated": 0},
        "interaction": {"created": 5, "updated": 0},
        "invoice": {"created": 3, "updated": 0},
    }
    assert batch.changes.filter(action="created").count() == 11


def test_reimporting_the_same_files_changes_nothing(lisbon, owner, member):
    import_apply(plan=import_plan(workspace=lisbon, user=owner, files=files_in("good")))
    stamps = {
        model: list(model.objects.order_by("pk").values_list("pk", "updated_at", "version"))
        for model in (Client, Interaction, Invoice)
    }

    again = import_plan(workspace=lisbon, user=owner, files=files_in("good"))

    assert counts(again) == {
        "clients": {"created": 0, "updated": 0, "unchanged": 3},
        "interactions": {"created": 0, "updated": 0, "unchanged": 5},
        "invoices": {"created": 0, "updated": 0, "unchanged": 3},
    }
    import_apply(plan=again)
    for model, before in stamps.items():
        assert list(model.objects.order_by("pk").values_list("pk", "updated_at", "version")) == (
            before
        )
    assert ImportChange.objects.filter(batch=ImportBatch.objects.latest("pk")).count() == 0


def test_a_changed_line_updates_only_what_changed(lisbon, owner, member):
    client = ClientFactory(workspace=lisbon, name="Atlas", company="Old", rate=Decimal("50"))
    checked = plan(lisbon, owner, clients="name,company,rate\natlas ,New,50.00\n")

    assert counts(checked)["clients"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert checked.files["clients"].to_update[0].before == {"name": "Atlas", "company": "Old"}
    batch = import_apply(plan=checked)

    client.refresh_from_db()
    assert (client.name, client.company, client.rate, client.version) == (
        "atlas", "New", Decimal("50.00"), 2
    )  # fmt: skip
    change = batch.changes.get()
    assert (change.action, change.object_id, change.before) == (
        "updated", client.pk, {"name": "Atlas", "company": "Old"}
    )  # fmt: skip


def test_a_column_left_out_keeps_its_value_and_an_empty_cell_clears_it(lisbon, owner):
    client = ClientFactory(
        workspace=lisbon, name="Atlas", company="Atlas Lda", notes="Keep me", status="paused"
    )
    apply(lisbon, owner, clients="name,company,status\nAtlas,,\n")

    client.refresh_from_db()
    assert client.company == ""  # present and empty: cleared
    assert client.notes == "Keep me"  # column left out: kept
    assert client.status == "paused"  # a field that cannot be empty keeps its value
    assert client.owner is None  # owner_email left out: kept


def test_a_new_client_gets_the_defaults_and_the_importing_user_as_owner(lisbon, owner, member):
    apply(lisbon, member, clients="name\nNova\n")

    nova = Client.objects.get(name="Nova")
    assert (nova.status, nova.billing_model, nova.language, nova.owner) == (
        "active", "hourly", "en", member
    )  # fmt: skip


def test_a_date_is_noon_in_the_workspace_time_zone_and_a_time_without_offset_is_local(
    lisbon, owner
):
    ClientFactory(workspace=lisbon, name="Atlas")
    apply(
        lisbon, owner,
        interactions="client,occurred_at,kind,external_id\n"
        "Atlas,2026-07-01,call,a\nAtlas,2026-07-01 08:15,call,b\nAtlas,2026-07-01T08:15Z,call,c\n",
    )  # fmt: skip

    moments = dict(Interaction.objects.values_list("external_id", "occurred_at"))
    assert moments["a"] == dt.datetime(2026, 7, 1, 12, tzinfo=LISBON)
    assert moments["b"] == dt.datetime(2026, 7, 1, 8, 15, tzinfo=LISBON)
    assert moments["c"] == dt.datetime(2026, 7, 1, 8, 15, tzinfo=dt.UTC)
    assert dict(Interaction.objects.values_list("external_id", "date_only")) == {
        "a": True, "b": False, "c": False
    }  # fmt: skip


def test_times_around_the_daylight_saving_changes_match_again_on_reimport(lisbon, owner):
    ClientFactory(workspace=lisbon, name="Atlas")
    # 01:30 does not exist in Lisbon on 29 March 2026 and happens twice on 25 October.
    content = "client,occurred_at,kind\nAtlas,2026-03-29T01:30,call\nAtlas,2026-10-25T01:30,call\n"
    apply(lisbon, owner, interactions=content)

    assert counts(plan(lisbon, owner, interactions=content))["interactions"]["unchanged"] == 2


def test_without_a_flags_column_contact_out_of_hours_is_flagged_but_never_a_date_only_entry(
    lisbon, owner
):
    ClientFactory(workspace=lisbon, name="Atlas")
    apply(
        lisbon, owner,
        interactions="client,occurred_at,kind,external_id\n"
        "Atlas,2026-07-01T22:00,call,late\n"  # a Wednesday, after hours
        "Atlas,2026-07-04,call,saturday\n"  # a Saturday, but only a date
        "Atlas,2026-07-01T22:00,work_session,own-work\n"
        "Atlas,2026-07-01T10:00,call,daytime\n",
    )  # fmt: skip

    flagged = set(
        Interaction.objects.filter(flag_out_of_hours=True).values_list("external_id", flat=True)
    )
    assert flagged == {"late"}


def test_with_a_flags_column_the_flags_are_exactly_what_the_file_says(lisbon, owner):
    client = ClientFactory(workspace=lisbon, name="Atlas")
    entry = InteractionFactory(
        client=client, external_id="x1", flag_out_of_hours=True, flag_distrust=True
    )
    apply(
        lisbon, owner,
        interactions="client,occurred_at,kind,flags,external_id\n"
        f"Atlas,{entry.occurred_at.isoformat()},meeting,gratitude,x1\n"
        "Atlas,2026-07-01T22:00,call,,x2\n",
    )  # fmt: skip

    entry.refresh_from_db()
    assert entry.flags == ["gratitude"]
    assert Interaction.objects.get(external_id="x2").flags == []


def test_without_a_flags_column_an_updated_entry_keeps_its_flags(lisbon, owner):
    client = ClientFactory(workspace=lisbon, name="Atlas")
    entry = InteractionFactory(client=client, external_id="x1", flag_disrespect=True)
    apply(
        lisbon, owner,
        interactions="client,occurred_at,kind,summary,external_id\n"
        f"Atlas,{entry.occurred_at.isoformat()},meeting,Renamed,x1\n",
    )  # fmt: skip

    entry.refresh_from_db()
    assert (entry.summary, entry.flags) == ("Renamed", ["disrespect"])


def test_lines_without_external_id_match_stored_entries_by_their_content(lisbon, owner):
    ClientFactory(workspace=lisbon, name="Atlas")
    twice = "Atlas,2026-07-01T10:00,call,15,Same call\n"
    content = "client,occurred_at,kind,minutes,summary\n" + twice + twice
    apply(lisbon, owner, interactions=content)
    assert Interaction.objects.count() == 2  # two identical calls are two calls

    again = plan(lisbon, owner, interactions=content)
    assert counts(again)["interactions"] == {"created": 0, "updated": 0, "unchanged": 2}

    changed = plan(lisbon, owner, interactions=content.replace("15", "20", 1))
    assert counts(changed)["interactions"] == {"created": 1, "updated": 0, "unchanged": 1}


def test_an_entry_can_move_to_a_client_the_same_import_creates(lisbon, owner):
    old = ClientFactory(workspace=lisbon, name="Atlas")
    entry = InteractionFactory(client=old, external_id="x1")
    invoice = InvoiceFactory(client=old, number="F-1")
    apply(
        lisbon, owner,
        clients="name\nBrand New\n",
        interactions="client,occurred_at,kind,external_id\n"
        f"Brand New,{entry.occurred_at.isoformat()},meeting,x1\n",
        invoices=f"client,number,issued_on,amount\nBrand New,F-1,{invoice.issued_on},1000\n",
    )  # fmt: skip

    new = Client.objects.get(name="Brand New")
    entry.refresh_from_db()
    invoice.refresh_from_db()
    assert entry.client == new and invoice.client == new


def test_invoice_payments_follow_the_paid_date(lisbon, owner):
    ClientFactory(workspace=lisbon, name="Atlas")
    apply(
        lisbon, owner,
        invoices="client,number,issued_on,amount,paid_on,paid_amount\n"
        "Atlas,F-1,2026-01-01,100,,80\n"  # unpaid: the amount paid is ignored
        "Atlas,F-2,2026-01-01,100,2026-01-20,\n"  # paid, no amount: paid in full
        "Atlas,F-3,2026-01-01,100,2026-01-20,40\n",
    )  # fmt: skip

    paid = dict(Invoice.objects.values_list("number", "paid_amount"))
    assert paid == {"F-1": None, "F-2": Decimal("100.00"), "F-3": Decimal("40.00")}


def test_owner_and_author_must_be_members_but_a_former_member_stays_on_their_rows(lisbon, owner):
    former = UserFactory(email="former@example.com")
    client = ClientFactory(workspace=lisbon, name="Atlas", owner=former)
    entry = InteractionFactory(client=client, author=former, external_id="x1")
    checked = plan(
        lisbon, owner,
        clients="name,owner_email\nAtlas,former@example.com\nBeta,former@example.com\n",
        interactions="client,occurred_at,kind,author_email,external_id\n"
        f"Atlas,{entry.occurred_at.isoformat()},meeting,former@example.com,x1\n",
    )  # fmt: skip

    assert [(e.file, e.line, e.column) for e in checked.errors] == [
        ("clients.csv", 3, "owner_email")
    ]
    assert "former@example.com is not a member of this workspace." in checked.errors[0].message


def test_emails_of_members_are_matched_whatever_their_case(lisbon, owner, member):
    apply(lisbon, owner, clients="name,owner_email\nAtlas, Member@Example.COM \n")
    assert Client.objects.get(name="Atlas").owner == member


def test_an_import_never_matches_or_touches_another_workspace(lisbon, owner, other_workspace):
    theirs = ClientFactory(workspace=other_workspace, name="Atlas Logistics", company="Theirs")
    their_entry = InteractionFactory(client=theirs, external_id="atlas-001")
    their_invoice = InvoiceFactory(client=theirs, number="2026-001")
    MembershipFactory(workspace=other_workspace, user__email="stranger@example.com")
    ClientFactory(workspace=other_workspace, name="Only Theirs")

    only_theirs = plan(
        lisbon, owner, invoices="client,number,issued_on,amount\nOnly Theirs,X,2026-01-01,1\n"
    )
    stranger = plan(lisbon, owner, clients="name,owner_email\nX,stranger@example.com\n")
    assert [e.column for e in only_theirs.errors + stranger.errors] == ["client", "owner_email"]

    MembershipFactory(workspace=lisbon, user__email="member@example.com", role=Role.MEMBER)
    checked = import_plan(workspace=lisbon, user=owner, files=files_in("good"))
    assert counts(checked)["clients"]["created"] == 3
    import_apply(plan=checked)

    assert Client.objects.filter(workspace=lisbon).count() == 3
    theirs.refresh_from_db()
    their_entry.refresh_from_db()
    their_invoice.refresh_from_db()
    assert (theirs.company, theirs.version) == ("Theirs", 1)
    assert their_entry.client == theirs and their_entry.version == 1
    assert their_invoice.client == theirs and their_invoice.amount == Decimal("1000.00")
    assert Interaction.objects.filter(external_id="atlas-001").count() == 2


def test_the_import_announces_every_client_it_touched(
    lisbon, owner, django_capture_on_commit_callbacks
):
    untouched = ClientFactory(workspace=lisbon, name="Untouched")
    atlas = ClientFactory(workspace=lisbon, name="Atlas")
    heard = []

    def receiver(sender, workspace_id, client_ids, **kwargs):
        heard.append((workspace_id, client_ids))

    clients_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            apply(
                lisbon, owner,
                clients="name\nNova\n",
                invoices="client,number,issued_on,amount\nAtlas,F-1,2026-01-01,100\n",
            )  # fmt: skip
    finally:
        clients_changed.disconnect(receiver)

    nova = Client.objects.get(name="Nova")
    assert heard == [(lisbon.pk, frozenset({nova.pk, atlas.pk}))]
    assert untouched.pk not in heard[0][1]


def _interactions_file(count: int) -> bytes:
    lines = ["client,occurred_at,kind,minutes,billable,feeling,flags,summary,author_email"]
    lines += [
        f"Client {i % 7},2026-03-{i % 28 + 1:02d}T10:{i % 60:02d},call,{i % 90},yes,1,"
        f"out_of_scope,Call {i},owner@example.com"
        for i in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


def _invoices_file(count: int) -> bytes:
    lines = ["client,number,issued_on,amount,paid_on"]
    lines += [f"Client {i % 7},F-{i},2026-01-01,100.00,2026-01-15" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def _clients_file(count: int) -> bytes:
    lines = ["name,owner_email,rate"] + [f"Client {i},owner@example.com,50" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def test_validation_takes_the_same_few_queries_for_10_lines_or_200(lisbon, owner, member):
    for i in range(7):
        client = ClientFactory(workspace=lisbon, name=f"Client {i}", owner=member)
        InteractionFactory.create_batch(3, client=client)
        InvoiceFactory(client=client)

    def queries(count: int) -> int:
        files = {
            "clients": _clients_file(count),
            "interactions": _interactions_file(count),
            "invoices": _invoices_file(count),
        }
        with CaptureQueriesContext(connection) as captured:
            checked = import_plan(workspace=lisbon, user=owner, files=files)
        assert checked.errors == []
        assert checked.files["interactions"].counts["created"] == count
        return len(captured)

    assert queries(10) == queries(200) == 4  # members, clients, interactions, invoices
