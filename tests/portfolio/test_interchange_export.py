"""Exporting the interchange files: deterministic bytes, and a round trip that loses nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from portfolio import services
from portfolio.interchange import export_files, export_zip, import_apply, import_plan
from portfolio.models import Client, Interaction
from tests.factories import (
    ClientFactory,
    InteractionFactory,
    InvoiceFactory,
    MembershipFactory,
    WorkspaceFactory,
)
from tests.portfolio.conftest import LISBON

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "interchange"
ROLES = ("clients", "interactions", "invoices")


@pytest.fixture
def portfolio(lisbon, owner, member):
    """A small workspace with a bit of everything, the trash included."""
    atlas = ClientFactory(
        workspace=lisbon, name="Atlas", company="Atlas Lda", email="ops@atlas.example",
        phone="+351 912 345 678", status="active", billing_model="retainer",
        rate=Decimal("1500"), started_on=dt.date(2025, 9, 1), language="pt-BR", owner=owner,
        notes="=HYPERLINK(\"http://evil.example\")\nsecond line",
    )  # fmt: skip
    beta = ClientFactory(
        workspace=lisbon, name="beta", company="", status="ended", billing_model="fixed",
        started_on=dt.date(2025, 1, 1), ended_on=dt.date(2025, 6, 30), ended_by="they_ended",
        end_reason="Budget cut", departure_reason="budget", language="es", owner=member,
    )  # fmt: skip
    ClientFactory(workspace=lisbon, name="Álvares", company="", owner=owner)
    zombie = ClientFactory(workspace=lisbon, name="Zombie", deleted_at=timezone.now())
    InteractionFactory(client=zombie, external_id="in-trashed-client")
    InvoiceFactory(client=zombie, number="Z-1")
    InteractionFactory(
        client=atlas, external_id="b", occurred_at=dt.datetime(2026, 7, 1, 21, 30, tzinfo=LISBON),
        kind="call", minutes=15, billable=False, feeling=-2, author=owner, summary="-5 stars",
        flag_out_of_hours=True, flag_unreasonable_demand=True,
    )  # fmt: skip
    InteractionFactory(
        client=atlas, external_id="a", occurred_at=dt.datetime(2026, 7, 1, 21, 30, tzinfo=LISBON),
        kind="meeting", minutes=60, billable=True, feeling=None, author=member, summary="Review",
    )  # fmt: skip
    services.interaction_log(
        client=atlas, author=owner, kind="work_session", occurred_on=dt.date(2026, 1, 5),
        minutes=240, billable=True, summary="Tracking page", external_id="c",
    )  # fmt: skip
    InteractionFactory(client=beta, external_id="gone", deleted_at=timezone.now())
    InvoiceFactory(
        client=beta, number="B-2", issued_on=dt.date(2025, 6, 30), due_on=None,
        amount=Decimal("4000"), paid_on=dt.date(2025, 7, 15), paid_amount=Decimal("2000.5"),
    )  # fmt: skip
    InvoiceFactory(
        client=atlas, number="A-10", issued_on=dt.date(2026, 2, 1),
        due_on=dt.date(2026, 3, 3), amount=Decimal("1500"), void=True,
    )  # fmt: skip
    InvoiceFactory(
        client=atlas, number="A-9", issued_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 1, 31), amount=Decimal("99.9"),
    )  # fmt: skip
    return lisbon


def test_the_export_is_deterministic_and_in_the_documented_format(portfolio):
    files = export_files(workspace=portfolio)

    assert list(files) == ["clients.csv", "interactions.csv", "invoices.csv"]
    assert files["clients.csv"].decode() == (
        "name,company,email,phone,status,billing_model,rate,started_on,ended_on,ended_by,"
        "end_reason,departure_reason,language,owner_email,notes\n"
        "Álvares,,,,active,hourly,,,,,,,en,owner@example.com,\n"
        "Atlas,Atlas Lda,ops@atlas.example,'+351 912 345 678,active,retainer,1500.00,2025-09-01,"
        ',,,,pt-BR,owner@example.com,"\'=HYPERLINK(""http://evil.example"")\nsecond line"\n'
        "beta,,,,ended,fixed,,2025-01-01,2025-06-30,they_ended,Budget cut,budget,es,"
        "member@example.com,\n"
    )
    assert files["interactions.csv"].decode() == (
        "client,occurred_at,kind,minutes,billable,feeling,flags,summary,author_email,external_id\n"
        "Atlas,2026-01-05,work_session,240,yes,,,Tracking page,owner@example.com,c\n"
        "Atlas,2026-07-01T21:30:00+01:00,meeting,60,yes,,,Review,member@example.com,a\n"
        "Atlas,2026-07-01T21:30:00+01:00,call,15,no,-2,unreasonable_demand;out_of_hours,"
        "'-5 stars,owner@example.com,b\n"
    )
    assert files["invoices.csv"].decode() == (
        "client,number,issued_on,due_on,amount,paid_on,paid_amount,void\n"
        "Atlas,A-10,2026-02-01,2026-03-03,1500.00,,,yes\n"
        "Atlas,A-9,2026-01-01,2026-01-31,99.90,,,no\n"
        "beta,B-2,2025-06-30,,4000.00,2025-07-15,2000.50,no\n"
    )
    assert export_files(workspace=portfolio) == files


def test_the_export_has_no_byte_order_mark_and_only_newline_line_ends(portfolio):
    for content in export_files(workspace=portfolio).values():
        assert not content.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in content and content.endswith(b"\n")


def test_export_then_import_into_an_empty_workspace_then_export_gives_the_same_files(
    portfolio, owner, member
):
    first = export_files(workspace=portfolio)
    empty = WorkspaceFactory(name="Copy", slug="copy", time_zone="Europe/Lisbon")
    MembershipFactory(workspace=empty, user=owner, role=Role.OWNER)
    MembershipFactory(workspace=empty, user=member, role=Role.MEMBER)

    checked = import_plan(
        workspace=empty, user=owner, files={name[:-4]: data for name, data in first.items()}
    )
    assert checked.errors == []
    import_apply(plan=checked)

    assert export_files(workspace=empty) == first
    copied = Client.objects.get(workspace=empty, name="Atlas")
    assert copied.notes == '=HYPERLINK("http://evil.example")\nsecond line'
    assert copied.phone == "+351 912 345 678"
    assert Interaction.objects.get(workspace=empty, external_id="c").date_only


def test_reimporting_an_export_into_its_own_workspace_changes_nothing(portfolio, owner):
    files = {name[:-4]: data for name, data in export_files(workspace=portfolio).items()}
    checked = import_plan(workspace=portfolio, user=owner, files=files)

    assert checked.errors == []
    assert checked.total == 0
    assert [p.unchanged for p in checked.files.values()] == [3, 3, 3]


def test_the_good_sample_files_round_trip_through_an_export(lisbon, owner, member):
    files = {role: (DATA / "good" / f"{role}.csv").read_bytes() for role in ROLES}
    import_apply(plan=import_plan(workspace=lisbon, user=owner, files=files))
    exported = export_files(workspace=lisbon)

    again = import_plan(
        workspace=lisbon, user=owner, files={k[:-4]: v for k, v in exported.items()}
    )
    assert again.total == 0
    praise = b"Casa Verde,2025-06-20T14:00:00+01:00,praise,0,no,2,gratitude,"
    assert praise in exported["interactions.csv"]


def test_text_a_spreadsheet_would_run_as_a_formula_round_trips_unchanged(lisbon, owner):
    risky = ["=1+1", "+44 20 7946 0958", "-minus", "@mention", "\ttabbed", "'=quoted", "'Tis"]
    client = ClientFactory(workspace=lisbon, name="=cmd|' /C calc'!A0", owner=owner)
    for index, text in enumerate(risky):
        InteractionFactory(client=client, external_id=f"r{index}", summary=text, author=owner)
    exported = export_files(workspace=lisbon)
    text = exported["interactions.csv"].decode()
    assert text.startswith("client,") and "\n'=cmd|' /C calc'!A0," in text
    assert "\n=" not in text and ",=" not in text and ",+" not in text and ",@" not in text

    empty = WorkspaceFactory(name="Copy", slug="copy", time_zone="Europe/Lisbon")
    MembershipFactory(workspace=empty, user=owner, role=Role.OWNER)
    files = {name[:-4]: data for name, data in exported.items()}
    import_apply(plan=import_plan(workspace=empty, user=owner, files=files))

    assert Client.objects.get(workspace=empty).name == "=cmd|' /C calc'!A0"
    summaries = Interaction.objects.filter(workspace=empty).order_by("external_id")
    assert [i.summary for i in summaries] == risky


def test_the_zip_holds_the_three_files(portfolio):
    archive = zipfile.ZipFile(io.BytesIO(export_zip(workspace=portfolio)))
    assert {name: archive.read(name) for name in archive.namelist()} == export_files(
        workspace=portfolio
    )


def test_the_export_holds_nothing_of_another_workspace(portfolio, other_workspace):
    theirs = ClientFactory(workspace=other_workspace, name="Theirs")
    InteractionFactory(client=theirs, summary="their secret")
    InvoiceFactory(client=theirs, number="THEIRS-1")
    content = b"".join(export_files(workspace=portfolio).values())
    assert b"Theirs" not in content and b"their secret" not in content
    assert b"THEIRS-1" not in content
