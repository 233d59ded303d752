"""Export a workspace as the three interchange files, byte for byte the same for the same data.

UTF-8 without a byte-order mark, "\\n" line ends, the columns in the order of `columns.FILES`,
rows sorted (clients by name; interactions by client, occurred_at, external id; invoices by
client, number), money with two decimals, yes/no, datetimes in ISO 8601 with the workspace's
UTC offset. An interaction logged with a date only is written as that date, which imports back
as the same date-only entry. Text that a spreadsheet would run as a formula gets a leading '.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from accounts.models import Workspace

from ..models import Client, Flag, Interaction, Invoice, flag_field
from .columns import FILES, guard


def export_files(*, workspace: Workspace) -> dict[str, bytes]:
    """{"clients.csv": …, "interactions.csv": …, "invoices.csv": …}: everything not in the trash."""
    tzinfo = workspace.tzinfo
    return {
        "clients.csv": _csv("clients", _client_rows(workspace)),
        "interactions.csv": _csv("interactions", _interaction_rows(workspace, tzinfo)),
        "invoices.csv": _csv("invoices", _invoice_rows(workspace)),
    }


def export_zip(*, workspace: Workspace) -> bytes:
    buffer = io.BytesIO()
    stamp = timezone.localtime(timezone.now(), workspace.tzinfo).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in export_files(workspace=workspace).items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def sort_name(name: str) -> tuple[str, str]:
    """Names in the order people expect (accents and case aside), ties broken exactly."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)), name


def _csv(role: str, rows: Iterable[dict[str, str]]) -> bytes:
    columns = FILES[role]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    for row in rows:
        writer.writerow([guard(row[c.name]) if c.is_text else row[c.name] for c in columns])
    return out.getvalue().encode("utf-8")


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _date(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _client_rows(workspace: Workspace) -> list[dict[str, str]]:
    clients = (
        Client.objects.for_workspace(workspace).alive().annotate(owner_email=F("owner__email"))
    )
    return [
        {
            "name": c.name,
            "company": c.company,
            "email": c.email,
            "phone": c.phone,
            "status": c.status,
            "billing_model": c.billing_model,
            "rate": _money(c.rate),
            "started_on": _date(c.started_on),
            "ended_on": _date(c.ended_on),
            "ended_by": c.ended_by,
            "end_reason": c.end_reason,
            "departure_reason": c.departure_reason,
            "language": c.language,
            "owner_email": c.owner_email or "",
            "notes": c.notes,
        }
        for c in sorted(clients, key=lambda c: sort_name(c.name))
    ]


def _interaction_rows(workspace: Workspace, tzinfo: dt.tzinfo) -> Iterator[dict[str, str]]:
    flags = [(flag_field(flag), flag.value) for flag in Flag]
    rows = (
        Interaction.objects.for_workspace(workspace)
        .alive()
        .values(
            "occurred_at", "date_only", "kind", "minutes", "billable", "feeling", "summary",
            "external_id", *(field for field, _code in flags),
            client_name=F("client__name"), author_email=F("author__email"),
        )
    )  # fmt: skip
    ordered = sorted(
        rows.iterator(chunk_size=5000),
        key=lambda r: (sort_name(r["client_name"]), r["occurred_at"], r["external_id"]),
    )
    for row in ordered:
        local = row["occurred_at"].astimezone(tzinfo)
        yield {
            "client": row["client_name"],
            "occurred_at": local.date().isoformat() if row["date_only"] else local.isoformat(),
            "kind": row["kind"],
            "minutes": str(row["minutes"]),
            "billable": _yes_no(row["billable"]),
            "feeling": "" if row["feeling"] is None else str(row["feeling"]),
            "flags": ";".join(code for field, code in flags if row[field]),
            "summary": row["summary"],
            "author_email": row["author_email"] or "",
            "external_id": row["external_id"],
        }


def _invoice_rows(workspace: Workspace) -> list[dict[str, str]]:
    invoices = (
        Invoice.objects.for_workspace(workspace).alive().annotate(client_name=F("client__name"))
    )
    return [
        {
            "client": i.client_name,
            "number": i.number,
            "issued_on": _date(i.issued_on),
            "due_on": _date(i.due_on),
            "amount": _money(i.amount),
            "paid_on": _date(i.paid_on),
            "paid_amount": _money(i.paid_amount) if i.paid_on else "",
            "void": _yes_no(i.void),
        }
        for i in sorted(invoices, key=lambda i: (sort_name(i.client_name), i.number))
    ]
