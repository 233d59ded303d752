"""interactions.csv: matched by external id or, on a line without one, by its content (client,
occurred_at, kind, minutes, summary and author, as far as the file has those columns)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from ..models import Client, Flag, Interaction, flag_field, new_external_id
from ..rules import is_out_of_hours, noon_in
from .columns import CellError
from .context import Context, LineError, assign, assign_client, name_key
from .plan import FilePlan, RowError
from .sheets import Record, Sheet

STORED_AS_IS = ("minutes", "billable", "feeling", "summary")
FLAG_FIELDS = [(flag_field(flag), flag.value) for flag in Flag]
# The parts of the content key beyond client, occurred_at and kind, when their column is there.
OPTIONAL_KEY_PARTS = ("minutes", "summary", "author_email")


@dataclass(slots=True)  # one per line of the file: no dict of its own
class _Line:
    record: Record
    client: Client
    moment: dt.datetime
    date_only: bool
    stored: Interaction | None
    held_by: int | None  # the refused line of clients.csv that names this line's client


def plan_interactions(sheet: Sheet, ctx: Context, plan: FilePlan, errors: list[RowError]) -> None:
    stored = list(
        Interaction.objects.for_workspace(ctx.workspace)
        .annotate(author_email=F("author__email"))
        .order_by("pk")
    )
    by_external_id = {interaction.external_id: interaction for interaction in stored}
    parts = [part for part in OPTIONAL_KEY_PARTS if part in sheet.columns]
    index = _content_index(stored, ctx, parts)
    waiting: list[tuple[_Line, list[tuple]]] = []
    seen: dict[str, int] = {}
    claimed: set[int] = set()
    for record in sheet.records:
        try:
            line = _line(record, ctx, by_external_id, seen)
        except LineError as error:
            errors.append(RowError(sheet.file, record.line, error.column, error.message))
            continue
        if line is None:
            continue
        if record.values.get("external_id"):
            if line.stored is not None:
                claimed.add(line.stored.pk)
        else:
            keys = _keys_of_line(line, ctx, parts)
            if any(key in index for key in keys):
                # It may be a stored entry: which, once every line with an id took its own.
                waiting.append((line, keys))
                continue
        _plan_line(sheet, line, ctx, plan, errors)
    # Lines without an external id take the first stored entry with their content that no other
    # line took, so that two identical entries in the file match two stored ones.
    for entries in index.values():
        entries[:] = [entry for entry in entries if entry.pk not in claimed]
    for line, keys in waiting:
        line.stored = _take(index, keys)
        _plan_line(sheet, line, ctx, plan, errors)


def _plan_line(
    sheet: Sheet, line: _Line, ctx: Context, plan: FilePlan, errors: list[RowError]
) -> None:
    try:
        interaction, before = _planned(sheet, line, ctx)
    except LineError as error:
        errors.append(RowError(sheet.file, line.record.line, error.column, error.message))
        return
    if line.held_by is None:
        plan.add(interaction, before)
    else:
        plan.hold(line.record.line, client=line.client.name, client_line=line.held_by)


def _line(
    record: Record, ctx: Context, by_external_id: dict[str, Interaction], seen: dict[str, int]
) -> _Line | None:
    values = record.values
    external_id = values.get("external_id", "")
    stored = None
    if external_id:
        if external_id in seen:
            message = _("“%(value)s” is already on line %(line)s.")
            line = seen[external_id]
            raise LineError("external_id", message % {"value": external_id, "line": line})
        seen[external_id] = record.line
        stored = by_external_id.get(external_id)
        if stored is not None and not _usable(stored, ctx):
            raise LineError(
                "external_id",
                _("This interaction is in the trash. Restore it first, or remove this line."),
            )
    if not values.get("client"):
        return None  # reported: the client is required
    try:
        client = ctx.client_for(values["client"])
    except CellError as error:
        raise LineError("client", str(error)) from None
    if record.failed:
        return None
    moment = values["occurred_at"]
    date_only = not isinstance(moment, dt.datetime)
    if date_only:
        moment = noon_in(ctx.workspace, moment)
    return _Line(record, client, moment, date_only, stored, ctx.refused_line(client))


def _usable(stored: Interaction, ctx: Context) -> bool:
    """A stored entry a line may match: not in the trash, nor its client, unless an undone
    import put them there (this import brings them back)."""
    client = ctx.clients_by_pk[stored.client_id]
    if stored.deleted_at is not None and not ctx.restorable("interaction", stored):
        return False
    return not client.in_trash or ctx.restorable("client", client)


def _content_index(
    stored: list[Interaction], ctx: Context, parts: list[str]
) -> dict[tuple, list[Interaction]]:
    index: dict[tuple, list[Interaction]] = defaultdict(list)
    for interaction in stored:
        client = ctx.clients_by_pk[interaction.client_id]
        if not _usable(interaction, ctx):
            continue
        values = {
            "minutes": interaction.minutes,
            "summary": interaction.summary,
            "author_email": (interaction.author_email or "").lower(),
        }
        key = (
            name_key(client.name),
            interaction.occurred_at,
            interaction.kind,
            *(values[part] for part in parts),
        )
        index[key].append(interaction)
    return index


def _keys_of_line(line: _Line, ctx: Context, parts: list[str]) -> list[tuple]:
    values = line.record.values
    base = (name_key(line.client.name), line.moment, values["kind"])
    author = values.get("author_email", "").lower()
    # An empty author_email is the importing user, or nobody on an entry whose author is gone.
    authors = [author] if author else [ctx.user.email.lower(), ""]
    keys = []
    for candidate in authors:
        known = {"minutes": values.get("minutes"), "summary": values.get("summary")}
        known["author_email"] = candidate
        keys.append((*base, *(known[part] for part in parts)))
    return keys if "author_email" in parts else keys[:1]


def _take(index: dict[tuple, list[Interaction]], keys: list[tuple]) -> Interaction | None:
    for key in keys:
        if index.get(key):
            return index[key].pop(0)
    return None


def _planned(sheet: Sheet, line: _Line, ctx: Context) -> tuple[Interaction, dict[str, Any]]:
    values, stored = line.record.values, line.stored
    desired: dict[str, Any] = {
        "occurred_at": line.moment,
        "date_only": line.date_only,
        "kind": values["kind"],
    }
    desired |= {column: values[column] for column in STORED_AS_IS if column in sheet.columns}
    out_of_hours = flag_field(Flag.OUT_OF_HOURS)
    by_rule = is_out_of_hours(
        occurred_at=line.moment,
        kind=values["kind"],
        workspace=ctx.workspace,
        date_only=line.date_only,
    )
    if "flags" in sheet.columns:
        desired |= {field: code in values["flags"] for field, code in FLAG_FIELDS}
        if stored is None:
            # A flag that agrees with the working hours is taken as the rule's (as an export
            # of this app writes it), one that disagrees as a person's choice.
            desired["out_of_hours_by_rule"] = desired[out_of_hours] == by_rule
        elif getattr(stored, out_of_hours) != desired[out_of_hours]:
            desired["out_of_hours_by_rule"] = False  # the file changed it: a person's choice
    elif stored is None:
        desired[out_of_hours] = by_rule
        desired["out_of_hours_by_rule"] = True
    elif stored.out_of_hours_by_rule:
        desired[out_of_hours] = by_rule  # the entry may have moved: the rule follows it
    if "author_email" in sheet.columns or stored is None:
        try:
            desired["author_id"] = ctx.person(
                values.get("author_email", ""), stored=stored, attname="author_id"
            )
        except CellError as error:
            raise LineError("author_email", str(error)) from None
    if stored is not None and stored.deleted_at is not None:  # an undone import's, back
        desired["deleted_at"] = None
    interaction = stored or Interaction(
        workspace=ctx.workspace, external_id=values.get("external_id") or new_external_id()
    )
    before = assign_client(interaction, line.client)
    return interaction, before | assign(interaction, desired)
