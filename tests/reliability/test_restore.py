"""Restoring one workspace's clients, interactions and invoices from `export_portfolio`, as
docs/operations.md describes: the demo workspace (29 clients, over a thousand entries) is
exported, imported into a new workspace with `import_portfolio`, and every value the CSV bundle
carries is compared row by row in the database (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import Membership, Role, Workspace
from portfolio.models import Client, Flag, Interaction, Invoice

pytestmark = pytest.mark.django_db

CLIENT_FIELDS = (
    "name", "company", "email", "phone", "status", "billing_model", "rate", "started_on",
    "ended_on", "ended_by", "end_reason", "departure_reason", "language", "owner__email", "notes",
)  # fmt: skip
INTERACTION_FIELDS = (
    "client__name", "occurred_at", "date_only", "kind", "minutes", "billable", "feeling",
    *(f"flag_{flag}" for flag in Flag.values), "summary", "author__email", "external_id",
)  # fmt: skip
INVOICE_FIELDS = (
    "client__name", "number", "issued_on", "due_on", "amount", "paid_on", "paid_amount", "void",
)  # fmt: skip


def carried(workspace: Workspace) -> dict[str, list[tuple]]:
    """What the bundle carries of a workspace, everything outside the trash, in one order."""
    clients = Client.objects.for_workspace(workspace).filter(deleted_at=None)
    interactions = Interaction.objects.for_workspace(workspace).filter(
        deleted_at=None, client__deleted_at=None
    )
    invoices = Invoice.objects.filter(client__workspace=workspace, client__deleted_at=None)
    return {
        "clients": sorted(clients.values_list(*CLIENT_FIELDS)),
        "interactions": sorted(interactions.values_list(*INTERACTION_FIELDS), key=repr),
        "invoices": sorted(invoices.values_list(*INVOICE_FIELDS), key=repr),
    }


def test_a_workspace_restored_from_its_export_holds_everything_the_export_carries(tmp_path):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    demo = Workspace.objects.get(slug="demo")
    call_command(
        "export_portfolio", "--workspace", "demo", "--out", str(tmp_path), stdout=io.StringIO()
    )

    # A new workspace with the same people (owners and authors are matched by email).
    copy = Workspace.objects.create(
        name="Restored", slug="restored", time_zone=demo.time_zone, currency=demo.currency
    )
    for membership in Membership.objects.filter(workspace=demo):
        Membership.objects.create(workspace=copy, user=membership.user, role=membership.role)
    assert Membership.objects.filter(workspace=copy, role=Role.OWNER).exists()
    call_command(
        "import_portfolio",
        "--workspace", "restored",
        "--clients", str(tmp_path / "clients.csv"),
        "--interactions", str(tmp_path / "interactions.csv"),
        "--invoices", str(tmp_path / "invoices.csv"),
        stdout=io.StringIO(),
    )  # fmt: skip

    before, after = carried(demo), carried(copy)
    assert len(before["clients"]) == 29 and len(before["interactions"]) > 1000
    for part in ("clients", "interactions", "invoices"):
        assert after[part] == before[part], part
