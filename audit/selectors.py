"""Reads of the audit trail: one feed, newest first, over the event tables of several kinds, and
the lines of a page of it (who, when, what changed from what to what).

A page costs a constant number of queries: the feed's page, then for each kind on it its rows
and the rows before them (for the "before" of each change), then the people and clients named.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField as CharValue
from django.db.models import OuterRef, QuerySet, Subquery, Value

from accounts.models import User, Workspace
from portfolio.models import Client

from .kinds import (
    BASELINE,
    CLIENT_KINDS,
    KINDS,
    TRASH_FIELD,
    Kind,
    choice_label,
    field_label,
    subject,
    value_type,
)


@dataclass
class Change:
    label: str
    type: str
    before: Any
    after: Any


@dataclass
class Line:
    kind: Kind
    action: str  # created, changed, trashed, restored, deleted
    at: dt.datetime
    actor: User | None
    event: Any
    client: Client | None = None
    person: User | None = None  # the member a membership event is about
    subject: str = ""
    changes: list[Change] = field(default_factory=list)
    # False for the first change recorded of a row older than the trail: what it was is unknown.
    before_known: bool = True


def feed(
    *,
    workspace: Workspace,
    kinds: list[str],
    person_id: int | None = None,
    client: Client | None = None,
) -> QuerySet:
    """(created_at, event id, kind code) of every event of these kinds in the workspace, newest
    first; only the client's own (and its entries' and invoices') when a client is given, only
    those made by one person when `person_id` is."""
    parts = [_events(workspace, code, person_id=person_id, client=client) for code in kinds]
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    # Changes of one transaction share their moment, and two kinds can share an id.
    return combined.order_by(*NEWEST_FIRST, "-audit_kind")


NEWEST_FIRST = ("-pgh_created_at", "-pgh_id")


def _events(workspace: Workspace, code: str, *, person_id=None, client=None) -> QuerySet:
    """The rows of `feed` of one kind."""
    events = KINDS[code].event_model.objects.for_workspace(workspace).exclude(pgh_label=BASELINE)
    if client is not None and code == "client":
        events = events.filter(pgh_obj_id=client.pk)
    elif client is not None:
        events = events.filter(client_id=client.pk)
    if person_id is not None:
        events = events.filter(pgh_context__user=person_id)
    return events.annotate(audit_kind=Value(code, output_field=CharValue())).values_list(
        "pgh_created_at", "pgh_id", "audit_kind"
    )


RECENT = 8  # the changes the client page shows; the rest is one link away


def recent_changes(*, workspace: Workspace, client: Client) -> dict[str, Any]:
    """The client's latest changes as lines, and whether there are more.

    The newest of `feed`, read kind by kind (each kind's newest few, one step down its index)
    and merged here: PostgreSQL sorts the whole union first, every entry a busy client has."""
    newest = []
    for code in CLIENT_KINDS:
        newest += _events(workspace, code, client=client).order_by(*NEWEST_FIRST)[: RECENT + 1]
    newest.sort(reverse=True)  # (moment, id, kind), as `feed` orders them
    shown = newest[: RECENT + 1]
    lines_shown = lines(workspace=workspace, page=shown[:RECENT], clients={client.pk: client})
    return {"lines": lines_shown, "more": len(shown) > RECENT}


def lines(*, workspace: Workspace, page, clients: dict[int, Client] | None = None) -> list[Line]:
    """The page's events (rows of `feed`) as lines a person reads; `clients`, when the caller
    has them already (a client's own changes), are not read again."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for _at, event_id, code in page:
        ids_by_kind[code].append(event_id)
    pairs: dict[tuple[str, int], tuple[Any, Any]] = {}
    for code, ids in ids_by_kind.items():
        for row, before in _rows_with_previous(KINDS[code].event_model, workspace, ids):
            pairs[code, row.pgh_id] = (row, before)
    rows = [row for row, _before in pairs.values()]
    people = _people(rows)
    if clients is None:
        clients = Client.objects.for_workspace(workspace).in_bulk(
            {_client_id(code, row) for (code, _id), (row, _before) in pairs.items()} - {None}
        )
    result = []
    for _at, event_id, code in page:
        if (code, event_id) not in pairs:
            continue  # gone since the page was read (its workspace deleted)
        row, before = pairs[code, event_id]
        line = _line(KINDS[code], row, before, people)
        line.client = clients.get(_client_id(code, row))
        line.person = people.get(getattr(row, "user_id", None))
        result.append(line)
    return result


def _rows_with_previous(model, workspace: Workspace, ids: list[int]):
    """The events, each with the event of the same record just before it (None for none)."""
    earlier = model.objects.filter(
        pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id")
    ).order_by("-pgh_id")
    rows = list(
        model.objects.for_workspace(workspace)
        .filter(pgh_id__in=ids)
        .annotate(previous_id=Subquery(earlier.values("pgh_id")[:1]))
    )
    previous = model.objects.for_workspace(workspace).in_bulk(
        [row.previous_id for row in rows if row.previous_id]
    )
    return [(row, previous.get(row.previous_id)) for row in rows]


def _client_id(code: str, row) -> int | None:
    return row.pgh_obj_id if code == "client" else getattr(row, "client_id", None)


def _people(rows) -> dict[int, User]:
    """Who acted, and the people the rows name (owners, authors, members)."""
    ids = set()
    for row in rows:
        ids.add((row.pgh_context or {}).get("user"))
        ids |= {getattr(row, name, None) for name in ("owner_id", "author_id", "user_id")}
    ids.discard(None)
    return User.objects.in_bulk(ids)


def _line(kind: Kind, row, before, people: dict[int, User]) -> Line:
    actor = people.get((row.pgh_context or {}).get("user"))
    line = Line(
        kind=kind,
        action="changed",
        at=row.pgh_created_at,
        actor=actor,
        event=row,
        subject=subject(kind, row),
    )
    if row.pgh_label == "insert":
        line.action = "created"
        return line
    if row.pgh_label == "delete":
        line.action = "deleted"
        return line
    if before is None:
        line.before_known = False
        return line
    if kind.has_trash:
        was, now = getattr(before, TRASH_FIELD), getattr(row, TRASH_FIELD)
        if was is None and now is not None:
            line.action = "trashed"
        elif was is not None and now is None:
            line.action = "restored"
    for model_field in kind.shown_fields():
        after = getattr(row, model_field.attname)
        old = getattr(before, model_field.attname)
        if old == after:
            continue
        line.changes.append(
            Change(
                label=field_label(model_field, kind),
                type=value_type(model_field, kind),
                before=_shown(model_field, kind, old, people),
                after=_shown(model_field, kind, after, people),
            )
        )
    return line


def _shown(model_field, kind: Kind, value, people: dict[int, User]):
    if value is None:
        return None
    match value_type(model_field, kind):
        case "choice":
            return choice_label(model_field, kind, value)
        case "person":
            return people.get(value)
    return value
