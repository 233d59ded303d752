"""A bad file gets every error by file, line and column, and the database stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from portfolio.interchange import import_apply, import_plan
from portfolio.models import Client, ImportBatch, ImportChange, Interaction, Invoice
from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "interchange"
ROLES = ("clients", "interactions", "invoices")


def check(workspace, user, **files: str | bytes):
    return import_plan(
        workspace=workspace,
        user=user,
        files={k: v.encode() if isinstance(v, str) else v for k, v in files.items()},
    )


def where(errors) -> list[tuple[str, int, str]]:
    return [(e.file, e.line, e.column) for e in errors]


def nothing_written() -> bool:
    return not any(
        model.objects.exists()
        for model in (Client, Interaction, Invoice, ImportBatch, ImportChange)
    )


def test_every_error_of_the_files_is_reported_by_file_line_and_column(workspace, owner):
    files = {role: (DATA / "errors" / f"{role}.csv").read_bytes() for role in ROLES}
    checked = import_plan(workspace=workspace, user=owner, files=files)

    assert where(checked.errors) == [
        ("clients.csv", 2, "email"),
        ("clients.csv", 3, "status"),
        ("clients.csv", 4, "rate"),
        ("clients.csv", 5, "ended_on"),
        ("clients.csv", 6, "started_on"),
        ("clients.csv", 7, "language"),
        ("clients.csv", 8, "owner_email"),
        ("clients.csv", 9, "name"),
        ("clients.csv", 10, "name"),
        ("interactions.csv", 2, "kind"),
        ("interactions.csv", 3, "occurred_at"),
        ("interactions.csv", 4, "client"),
        ("interactions.csv", 5, "minutes"),
        ("interactions.csv", 6, "billable"),
        ("interactions.csv", 7, "feeling"),
        ("interactions.csv", 8, "flags"),
        ("interactions.csv", 9, "author_email"),
        ("interactions.csv", 11, "external_id"),
        ("interactions.csv", 12, "occurred_at"),
        ("interactions.csv", 13, ""),
        ("invoices.csv", 2, "due_on"),
        ("invoices.csv", 3, "amount"),
        ("invoices.csv", 4, "paid_amount"),
        ("invoices.csv", 5, "number"),
        ("invoices.csv", 6, "number"),
        ("invoices.csv", 7, "void"),
        ("invoices.csv", 8, "client"),
        ("invoices.csv", 9, "issued_on"),
    ]
    with pytest.raises(ValueError):
        import_apply(plan=checked)
    assert nothing_written()


def test_the_messages_say_what_is_wrong_and_how_to_put_it_right(workspace, owner):
    files = {role: (DATA / "errors" / f"{role}.csv").read_bytes() for role in ROLES}
    messages = {
        (e.file[:-4], e.line): e.message
        for e in import_plan(workspace=workspace, user=owner, files=files).errors
    }

    assert messages["interactions", 2] == (
        "“meting” is not a valid kind. Did you mean “meeting”? Use one of: meeting, call, "
        "message, work_session, deliverable, revision_request, scope_change, support_request, "
        "complaint, praise, dispute, payment_chase, other."
    )
    assert messages["clients", 2] == "“not-an-email” is not an email address."
    assert messages["clients", 4] == "“12.345” has more than two decimals."
    assert messages["clients", 5] == "The end, 2025-12-31, is before the start, 2026-01-10."
    assert messages["clients", 6] == (
        "“31/02/2026” is not a date. Write it as 2026-03-25 or 25/03/2026."
    )
    assert messages["clients", 8] == "stranger@example.com is not a member of this workspace."
    assert messages["clients", 9] == "A value is required here."
    assert messages["clients", 10] == "“atlas logistics” is already on line 2."
    assert messages["interactions", 4] == "“Nobody Ltd” is not in clients.csv or in this workspace."
    assert messages["interactions", 5] == (
        "“2000” is not a number of minutes from 0 to 1440 (a day)."
    )
    assert messages["interactions", 6] == "“maybe” is not yes or no."
    assert messages["interactions", 8].startswith("“rude” is not a flag. Use one of: disrespect,")
    assert messages["interactions", 13] == (
        "This line has a value in a column the header does not name (column 11)."
    )
    assert messages["invoices", 2] == (
        "The due date, 2026-01-15, is before the issue date, 2026-02-01."
    )
    assert messages["invoices", 4] == "The amount paid, 150.00, is more than the invoice, 100.00."


def test_an_error_reads_as_one_line_of_the_report(workspace, owner):
    checked = check(workspace, owner, interactions="client,occurred_at,kind\nX,2026-01-01,meting\n")
    assert str(checked.errors[0]).startswith(
        "interactions.csv, line 2, column kind: “meting” is not a valid kind."
    )
    assert checked.report()[1] == "2 errors: nothing will be imported until they are fixed."


def test_unknown_duplicated_and_missing_columns_are_reported_on_the_header_line(workspace, owner):
    checked = check(
        workspace, owner,
        clients="name,compnay,colour,Name\nAtlas,A,red,B\n",
        invoices="client,number,amount\nAtlas,F-1,100\n",
    )  # fmt: skip

    assert where(checked.errors) == [
        ("clients.csv", 1, "compnay"),
        ("clients.csv", 1, "colour"),
        ("clients.csv", 1, "name"),
        ("invoices.csv", 1, "issued_on"),
    ]
    messages = [e.message for e in checked.errors]
    assert messages[0].startswith(
        "“compnay” is not a column of clients.csv. Did you mean “company”? The columns are: name,"
    )
    assert messages[2] == "This column appears twice."
    assert messages[3] == "This column is missing; it is required."
    assert nothing_written()


def test_a_file_that_is_not_csv_says_so(workspace, owner):
    checked = check(
        workspace, owner,
        clients=b"PK\x03\x04\x14\x00\x06\x00",
        interactions=b"",
        invoices=b"\x00\x01\x02binary",
    )  # fmt: skip

    assert [(e.file, e.line, e.message) for e in checked.errors] == [
        (
            "clients.csv",
            1,
            "This is a spreadsheet workbook, not a CSV file. Save it as CSV and try again.",
        ),
        ("interactions.csv", 1, "The file is empty."),
        ("invoices.csv", 1, "This is not a CSV file."),
    ]


def test_lines_about_the_trash_are_refused(workspace, owner):
    trashed = ClientFactory(workspace=workspace, name="Gone", deleted_at=timezone.now())
    alive = ClientFactory(workspace=workspace, name="Alive")
    InvoiceFactory(client=trashed, number="F-9")
    deleted = InteractionFactory(client=alive, external_id="x-deleted", deleted_at=timezone.now())
    checked = check(
        workspace, owner,
        clients="name\ngone\n",
        interactions="client,occurred_at,kind,external_id\n"
        f"Alive,{deleted.occurred_at.isoformat()},call,x-deleted\n",
        invoices="client,number,issued_on,amount\nAlive,F-9,2026-01-01,10\n",
    )  # fmt: skip

    gone = "“Gone” is in the trash. Restore it first, or remove this line."
    assert [(e.file, e.line, e.column, e.message) for e in checked.errors] == [
        ("clients.csv", 2, "name", gone),
        (
            "interactions.csv",
            2,
            "external_id",
            "This interaction is in the trash. Restore it first, or remove this line.",
        ),
        ("invoices.csv", 2, "number", gone),
    ]
    interactions_only = check(
        workspace, owner, interactions="client,occurred_at,kind\nGone,2026-01-01,call\n"
    )
    assert where(interactions_only.errors) == [("interactions.csv", 2, "client")]


def test_one_bad_file_keeps_the_good_ones_from_being_written(workspace, owner):
    checked = check(
        workspace, owner,
        clients="name\nAtlas\n",
        interactions="client,occurred_at,kind\nAtlas,2026-01-01,meting\n",
    )  # fmt: skip

    assert checked.files["clients"].counts["created"] == 1
    assert not checked.is_valid
    with pytest.raises(ValueError):
        import_apply(plan=checked)
    assert nothing_written()


def test_a_line_of_clients_csv_with_an_error_does_not_repeat_it_on_the_lines_naming_it(
    workspace, owner
):
    checked = check(
        workspace, owner,
        clients="name,status\nAtlas,actve\n",
        interactions="client,occurred_at,kind,author_email\nAtlas,2026-01-01,call,x@example.com\n",
    )  # fmt: skip

    assert where(checked.errors) == [
        ("clients.csv", 2, "status"),
        ("interactions.csv", 2, "author_email"),
    ]


def held_back(checked, role: str) -> list[tuple[str, int, list[int]]]:
    return [(h.client, h.client_line, h.lines) for h in checked.files[role].held_back]


def test_lines_whose_client_line_is_refused_are_held_back_not_counted_as_changes(workspace, owner):
    atlas = ClientFactory(workspace=workspace, name="Atlas")
    stored = InteractionFactory(client=atlas, author=owner, external_id="x-1", kind="call")
    InvoiceFactory(client=atlas, number="F-1", amount=100)
    checked = check(
        workspace, owner,
        clients="name,status\nAtlas,actve\nBeta,active\n",
        interactions="client,occurred_at,kind,external_id\n"
        f"atlas,{stored.occurred_at.isoformat()},call,x-1\n"
        "Atlas,2026-01-01,call,\n"
        "Beta,2026-01-02,call,\n",
        invoices="client,number,issued_on,amount\nAtlas,F-1,2026-01-01,100\nBeta,F-2,2026-01-01,50\n",
    )  # fmt: skip

    assert where(checked.errors) == [("clients.csv", 2, "status")]
    assert {role: file_plan.counts for role, file_plan in checked.files.items()} == {
        "clients": {"created": 1, "updated": 0, "unchanged": 0},
        "interactions": {"created": 1, "updated": 0, "unchanged": 0},
        "invoices": {"created": 1, "updated": 0, "unchanged": 0},
    }
    assert held_back(checked, "interactions") == [("Atlas", 2, [2, 3])]
    assert held_back(checked, "invoices") == [("Atlas", 2, [2])]
    assert checked.total == 3
    assert (
        "interactions.csv: 2 lines are held back: their client, “Atlas”, has an error on "
        "line 2 of clients.csv." in checked.report()
    )
    with pytest.raises(ValueError):
        import_apply(plan=checked)
    assert Interaction.objects.get() == stored and Invoice.objects.count() == 1


def test_a_held_back_line_still_gets_its_own_errors(workspace, owner):
    ClientFactory(workspace=workspace, name="Gone", deleted_at=timezone.now())
    checked = check(
        workspace, owner,
        clients="name\nGone\n",
        interactions="client,occurred_at,kind,author_email\n"
        "Gone,2026-01-01,call,x@example.com\nGone,2026-01-02,call,\n",
    )  # fmt: skip

    assert where(checked.errors) == [
        ("clients.csv", 2, "name"),
        ("interactions.csv", 2, "author_email"),
    ]
    assert held_back(checked, "interactions") == [("Gone", 2, [3])]
    assert checked.files["interactions"].counts["created"] == 0


def test_a_duplicated_client_line_holds_back_nothing_the_first_line_plans(workspace, owner):
    checked = check(
        workspace, owner,
        clients="name\nAtlas\natlas\n",
        interactions="client,occurred_at,kind\nAtlas,2026-01-01,call\n",
    )  # fmt: skip

    assert where(checked.errors) == [("clients.csv", 3, "name")]
    assert held_back(checked, "interactions") == []
    assert checked.files["interactions"].counts["created"] == 1
