"""manage.py import_portfolio and export_portfolio."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from accounts.models import Role
from portfolio.interchange import export_files
from portfolio.models import Client, ImportBatch, Interaction, Invoice
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "interchange"


def good(role: str) -> str:
    return str(DATA / "good" / f"{role}.csv")


def bad(role: str) -> str:
    return str(DATA / "errors" / f"{role}.csv")


def import_portfolio(*args: str) -> str:
    out = io.StringIO()
    call_command("import_portfolio", *args, stdout=out)
    return out.getvalue()


def export_portfolio(*args: str) -> str:
    out = io.StringIO()
    call_command("export_portfolio", *args, stdout=out)
    return out.getvalue()


def test_importing_prints_the_report_and_acts_as_the_first_owner(workspace, owner, member):
    later_owner = UserFactory(email="second-owner@example.com")
    MembershipFactory(workspace=workspace, user=later_owner, role=Role.OWNER)

    output = import_portfolio(
        "--workspace", "aurora", "--clients", good("clients"),
        "--interactions", good("interactions"), "--invoices", good("invoices"),
    )  # fmt: skip

    assert f"clients.csv ({good('clients')}): UTF-8, comma-separated" in output
    assert "3 to add, 0 to update, 0 unchanged" in output
    assert "Import done: 3 clients added, 5 interactions added, 3 invoices added." in output
    assert Client.objects.get(name="Padaria Estrela").owner == owner  # empty owner_email
    assert ImportBatch.objects.get().created_by == owner


def test_a_dry_run_reports_and_writes_nothing(workspace, owner, member):
    output = import_portfolio("--workspace", "aurora", "--clients", good("clients"), "--dry-run")

    assert "3 to add" in output and "Dry run: nothing was written." in output
    assert not Client.objects.exists() and not ImportBatch.objects.exists()


def test_errors_are_all_printed_and_nothing_is_imported(workspace, owner):
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "import_portfolio", "--workspace", "aurora", "--clients", bad("clients"),
            "--interactions", bad("interactions"), "--invoices", bad("invoices"), stdout=out,
        )  # fmt: skip

    output = out.getvalue()
    assert failed.value.returncode == 1
    assert "28 errors: nothing will be imported until they are fixed." in output
    assert "interactions.csv, line 2, column kind: “meting” is not a valid kind." in output
    assert "invoices.csv, line 9, column issued_on:" in output
    assert not any(m.objects.exists() for m in (Client, Interaction, Invoice, ImportBatch))


def test_the_exit_status_is_1_on_any_error(workspace, owner, capsys):
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(
            ["manage.py", "import_portfolio", "--workspace", "aurora", "--clients", bad("clients")]
        )
    assert exited.value.code == 1
    assert "clients.csv, line 3, column status:" in capsys.readouterr().out


def test_a_dry_run_with_errors_also_fails(workspace, owner):
    with pytest.raises(CommandError):
        import_portfolio("--workspace", "aurora", "--clients", bad("clients"), "--dry-run")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "nowhere", "--clients", "x.csv"], "No workspace has the address"),
        (["--workspace", "aurora"], "Give at least one of"),
        (["--workspace", "aurora", "--clients", "/no/such/file.csv"], "Cannot read"),
    ],
)
def test_bad_arguments_are_explained(workspace, owner, args, message):
    with pytest.raises(CommandError, match=message):
        import_portfolio(*args)


def test_exporting_writes_the_three_files_into_the_directory(workspace, owner, tmp_path):
    ClientFactory(workspace=workspace, name="Atlas", owner=owner)
    out = tmp_path / "export" / "today"

    export_portfolio("--workspace", "aurora", "--out", str(out))

    files = export_files(workspace=workspace)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == files
    assert b"Atlas" in files["clients.csv"]


def test_an_export_imports_back_with_the_commands(workspace, owner, tmp_path):
    ClientFactory(workspace=workspace, name="Atlas", owner=owner)
    export_portfolio("--workspace", "aurora", "--out", str(tmp_path))

    output = import_portfolio(
        "--workspace", "aurora", "--clients", str(tmp_path / "clients.csv"),
        "--interactions", str(tmp_path / "interactions.csv"),
        "--invoices", str(tmp_path / "invoices.csv"),
    )  # fmt: skip

    assert "Nothing to import: every row matches what is already here." in output
    assert "Import done" not in output
    assert not ImportBatch.objects.exists()  # no empty import to undo
