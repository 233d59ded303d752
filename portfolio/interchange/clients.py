"""clients.csv: one line per client, matched by name (case and surrounding spaces ignored)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ..models import Client
from .columns import CellError
from .context import Context, LineError, assign, in_trash, name_key
from .plan import FilePlan, RowError
from .sheets import Record, Sheet

# Columns stored as they read. An empty cell clears the field, except for these three, which
# cannot be empty: there it means the default for a new client and no change for another.
FIELDS = (
    "name", "company", "email", "phone", "status", "billing_model", "rate", "started_on",
    "ended_on", "ended_by", "end_reason", "departure_reason", "language", "notes",
)  # fmt: skip
NEVER_EMPTY = frozenset({"status", "billing_model", "language"})


def plan_clients(sheet: Sheet, ctx: Context, plan: FilePlan, errors: list[RowError]) -> None:
    lines: dict[str, int] = {}
    for record in sheet.records:
        name = record.values.get("name")
        if not name:
            continue  # reported: the name is required
        key = name_key(name)
        try:
            if key in lines:
                message = _("“%(value)s” is already on line %(line)s.")
                raise LineError("name", message % {"value": name, "line": lines[key]})
            lines[key] = record.line
            stored = ctx.clients.get(key)
            if stored is not None and stored.in_trash and not ctx.restorable("client", stored):
                raise LineError("name", in_trash(stored.name))
            if record.failed:
                ctx.refuse(name, record.line)
                continue
            client, desired = _planned(sheet, record, ctx, stored)
        except LineError as error:
            errors.append(RowError(sheet.file, record.line, error.column, error.message))
            ctx.refuse(name, record.line)
            continue
        plan.add(client, assign(client, desired))
        ctx.planned[key] = client


def _planned(
    sheet: Sheet, record: Record, ctx: Context, stored: Client | None
) -> tuple[Client, dict[str, Any]]:
    values = record.values
    desired = {
        column: values[column]
        for column in FIELDS
        if column in sheet.columns and not (column in NEVER_EMPTY and values[column] == "")
    }
    if "owner_email" in sheet.columns or stored is None:
        try:
            desired["owner_id"] = ctx.person(
                values.get("owner_email", ""), stored=stored, attname="owner_id"
            )
        except CellError as error:
            raise LineError("owner_email", str(error)) from None
    if stored is not None and stored.in_trash:  # an undone import's, brought back
        desired["deleted_at"] = None
    client = stored or Client(workspace=ctx.workspace)
    started = desired.get("started_on", client.started_on)
    ended = desired.get("ended_on", client.ended_on)
    if started and ended and ended < started:
        column = "ended_on" if "ended_on" in desired else "started_on"
        message = _("The end, %(ended)s, is before the start, %(started)s.")
        raise LineError(column, message % {"ended": ended, "started": started})
    return client, desired
