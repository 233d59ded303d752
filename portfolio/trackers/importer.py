"""Import a time-tracker export as work sessions: preview first (the plan), then apply.

Idempotent: each entry's external id is derived from its key (client + start + duration +
description), so importing the same export again creates nothing. Every row is its own entry:
rows with the same key (two people in one meeting, two identical meetings on one day) tell
themselves apart by who tracked them and their place among the identical rows. The first row
of a key keeps the key alone, as imports before this rule wrote it, so their entries still match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, Workspace

from ..interchange.context import UndoneRows, in_trash
from ..interchange.progress import Progress, ProgressCallback
from ..interchange.writing import batch_writing, chunks, record_changes
from ..models import (
    Client,
    ClientStatus,
    ImportBatch,
    ImportStatus,
    Interaction,
    InteractionKind,
)
from ..rules import noon_in
from ..signals import ALL_HISTORY, announce_clients_changed
from .formats import Entry, Problem, detect_format, parse_entries
from .reading import UnreadableFile, read_csv


@dataclass(slots=True)  # one per entry of an export
class Planned:
    entry: Entry
    client_name: str  # as it will be stored (an existing client's own spelling)
    external_id: str
    occurred_at: dt.datetime
    overlaps: list[Interaction] = field(default_factory=list)


@dataclass
class TrackerPlan:
    workspace: Workspace
    user: User
    filename: str
    read_as: str = ""
    source: str = ""
    source_label: str = ""
    date_order: str | None = None
    problems: list[Problem] = field(default_factory=list)
    to_create: list[Planned] = field(default_factory=list)
    # Entries an undone import of this export had added, in the trash since: brought back.
    to_restore: list[int] = field(default_factory=list)
    clients_to_restore: list[int] = field(default_factory=list)
    already_imported: int = 0
    new_clients: list[str] = field(default_factory=list)
    without_client: list[Entry] = field(default_factory=list)

    @property
    def needs_date_order(self) -> bool:
        """Every date reads both ways: the user must say whether the day or the month is first."""
        return bool(self.source) and self.date_order is None and bool(self.problems)

    @property
    def overlapping(self) -> list[Planned]:
        return [planned for planned in self.to_create if planned.overlaps]

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def to_write(self, *, skip_overlapping: bool = False) -> list[Planned]:
        """The entries an import writes: the new ones, less those the user left out because
        they overlap time logged by hand."""
        return [p for p in self.to_create if not (skip_overlapping and p.overlaps)]


def _external_id(source: str, client_name: str, entry: Entry, repeat: int = 0) -> str:
    """The entry's id; `repeat` is how many rows of the file had its key before it (0 for the
    first), whose id then also holds the person and the place among that person's rows."""
    key = f"{client_name.lower()}|{entry.key.split('|', 1)[1]}"  # the resolved client's name
    if repeat:
        key = f"{key}|{entry.person}|{repeat}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"{source}:{digest}"


class _Repeats:
    """Counts the rows seen per key, and per key and person, in file order."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def of(self, client_name: str, entry: Entry) -> int:
        key = f"{client_name.lower()}|{entry.key.split('|', 1)[1]}"
        repeat = self.seen.get(key, 0)
        self.seen[key] = repeat + 1
        if not repeat:
            return 0
        # The n-th row of this person among the repeats: stable when another person's
        # identical row is added to, or removed from, a later export.
        mine = f"{key}|{entry.person}"
        place = self.seen.get(mine, 0) + 1
        self.seen[mine] = place
        return place


def _moment(workspace: Workspace, entry: Entry) -> dt.datetime:
    if entry.start is None:
        return noon_in(workspace, entry.day)
    return dt.datetime.combine(entry.day, entry.start, workspace.tzinfo)


def tracker_import_plan(
    *,
    workspace: Workspace,
    user: User,
    data: bytes,
    filename: str = "",
    date_order: str | None = None,
    assign_to: Client | None = None,
    on_rows: ProgressCallback | None = None,
) -> TrackerPlan:
    """Everything the preview shows; writes nothing. A few queries, and one per thousand rows.
    `on_rows(done, total)` hears how many rows were read."""
    plan = TrackerPlan(workspace=workspace, user=user, filename=filename)
    try:
        header, rows, plan.read_as = read_csv(data)
    except UnreadableFile as error:
        plan.problems.append(Problem(error.line, "", error.message))
        return plan
    fmt = detect_format(header)
    if fmt is None:
        plan.problems.append(
            Problem(1, "", _("This is not a detailed export of Toggl Track, Clockify or Harvest."))
        )
        return plan
    plan.source, plan.source_label = fmt.code, str(fmt.label)
    total = len(rows)
    entries, plan.problems, plan.date_order = parse_entries(
        fmt,
        rows,
        date_order_hint=date_order,
        on_row=None if on_rows is None else lambda count: on_rows(count, total),
    )
    if on_rows is not None:
        on_rows(total, total)
    if plan.problems:
        return plan

    clients = {
        c.name_key: c
        for c in Client.objects.for_workspace(workspace).annotate(name_key=Lower("name"))
    }
    undone = UndoneRows(workspace)
    planned: list[Planned] = []
    new_clients: dict[str, str] = {}
    repeats = _Repeats()
    for entry in entries:
        name = entry.client.strip()
        if not name:
            if assign_to is None:
                plan.without_client.append(entry)
                continue
            name = assign_to.name
        existing = clients.get(name.lower())
        if existing is not None and existing.deleted_at is not None:
            if existing.pk not in undone.of("client"):
                plan.problems.append(Problem(entry.line, "client", in_trash(existing.name)))
                continue
            if existing.pk not in plan.clients_to_restore:
                plan.clients_to_restore.append(existing.pk)
        # An existing client keeps its own spelling; a new one takes the file's first spelling.
        name = existing.name if existing else new_clients.setdefault(name.lower(), name)
        external_id = _external_id(fmt.code, name, entry, repeats.of(name, entry))
        planned.append(Planned(entry, name, external_id, _moment(workspace, entry)))
    if plan.problems:
        return plan
    stored = _stored(workspace, planned)
    trashed = {pk for pk, deleted_at in stored.values() if deleted_at is not None}
    plan.to_create = [p for p in planned if p.external_id not in stored]
    plan.to_restore = sorted(trashed & undone.of("interaction")) if trashed else []
    plan.already_imported = len(planned) - len(plan.to_create) - len(plan.to_restore)
    used = {p.client_name.lower() for p in plan.to_create}
    plan.new_clients = sorted(name for key, name in new_clients.items() if key in used)
    _find_overlaps(plan, clients)
    return plan


def _stored(workspace: Workspace, planned: list[Planned]) -> dict[str, tuple]:
    """The entries already imported, by external id: (pk, deleted_at). Asked a chunk of ids at
    a time, within what any database takes as the parameters of one query."""
    stored = {}
    for chunk in chunks(planned):
        rows = (
            Interaction.objects.for_workspace(workspace)
            .filter(external_id__in=[p.external_id for p in chunk])
            .values_list("external_id", "pk", "deleted_at")
        )
        stored |= {external_id: (pk, deleted_at) for external_id, pk, deleted_at in rows}
    return stored


def _find_overlaps(plan: TrackerPlan, clients: dict[str, Client]) -> None:
    """Work sessions logged by hand that cover the same time: shown so nothing counts twice."""
    by_client = {}
    for planned in plan.to_create:
        client = clients.get(planned.client_name.lower())
        if client is not None:
            by_client.setdefault(client.pk, []).append(planned)
    if not by_client:
        return
    moments = [p.occurred_at for group in by_client.values() for p in group]
    logged = (
        Interaction.objects.for_workspace(plan.workspace)
        .filter(
            client_id__in=list(by_client),
            kind=InteractionKind.WORK_SESSION,
            deleted_at__isnull=True,
            occurred_at__gte=min(moments) - dt.timedelta(days=1),
            occurred_at__lte=max(moments) + dt.timedelta(days=1),
        )
        .exclude(external_id__contains=":")  # earlier tracker imports are matched by key
    )
    for session in logged:
        start = session.occurred_at
        end = start + dt.timedelta(minutes=session.minutes)
        for planned in by_client[session.client_id]:
            if planned.entry.start is None:
                overlap = (
                    session.occurred_at.astimezone(plan.workspace.tzinfo).date()
                    == planned.entry.day
                )
            else:
                their_end = planned.occurred_at + dt.timedelta(minutes=planned.entry.minutes)
                overlap = planned.occurred_at < end and start < their_end
            if overlap:
                planned.overlaps.append(session)


def tracker_import_apply(
    *,
    plan: TrackerPlan,
    skip_overlapping: bool = False,
    batch: ImportBatch | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportBatch:
    """Create the missing clients and the work sessions, recorded as one undoable import.

    Follows the interchange import: a `batch` created beforehand (status running, polled by
    the status page) is used instead of a new one, progress is reported through `Progress`,
    and a failed import leaves the data untouched and the batch marked "failed".
    """
    if not plan.is_valid:
        raise ValueError("An import with problems cannot be applied.")
    planned = plan.to_write(skip_overlapping=skip_overlapping)
    total = len(planned) + len(plan.to_restore)
    if batch is None:
        batch = ImportBatch.objects.create(
            workspace=plan.workspace,
            source=plan.source,
            filenames=plan.filename[:500],
            created_by=plan.user,
            progress_total=total,
        )
    else:  # created by the web page, which then polls it while a worker imports
        batch.source = plan.source
        batch.progress_total = total
        batch.filenames = plan.filename[:500]
        batch.save(update_fields=["source", "progress_total", "filenames"])
    with batch_writing(batch, on_progress) as progress, transaction.atomic():
        _write(plan, planned, batch=batch, progress=progress)
    return batch


def _write(
    plan: TrackerPlan, planned: list[Planned], *, batch: ImportBatch, progress: Progress
) -> None:
    """The new clients, then the work sessions in chunks, each change recorded for undo."""
    workspace = plan.workspace
    restored = _out_of_trash(batch, Client, "client", plan.clients_to_restore)
    created_clients = Client.objects.bulk_create(
        Client(workspace=workspace, name=name, status=ClientStatus.ACTIVE, owner=plan.user)
        for name in plan.new_clients
    )
    record_changes(batch, "client", [(client, None) for client in created_clients])
    back = _out_of_trash(batch, Interaction, "interaction", plan.to_restore)
    if back:
        progress.advance(len(back))
    clients = {
        c.name.lower(): c
        for c in Client.objects.for_workspace(workspace)
        .alive()
        .filter(name__in=list({p.client_name for p in planned}))
    }
    written = 0
    # Made a chunk at a time: a model instance is a few kilobytes, an export a few hundred
    # thousand rows.
    for chunk in chunks(planned):
        entries = Interaction.objects.bulk_create(
            _interaction(workspace, plan.user, clients[p.client_name.lower()], p) for p in chunk
        )
        record_changes(batch, "interaction", [(entry, None) for entry in entries])
        progress.advance(len(entries))
        written += len(entries)
    batch.status = ImportStatus.DONE
    batch.progress_done = written + len(back)
    batch.finished_at = timezone.now()
    batch.summary = {
        "client": {"created": len(created_clients)}
        | ({"restored": len(restored)} if restored else {}),
        "interaction": {"created": written} | ({"restored": len(back)} if back else {}),
    }
    batch.save()
    announce_clients_changed(
        workspace_id=workspace.pk,
        client_ids={c.pk for c in clients.values()} | {i.client_id for i in back},
        since=ALL_HISTORY,
    )


def _interaction(workspace: Workspace, user: User, client: Client, p: Planned) -> Interaction:
    return Interaction(
        workspace=workspace,
        client=client,
        author=user,
        kind=InteractionKind.WORK_SESSION,
        occurred_at=p.occurred_at,
        out_of_hours_by_rule=True,  # own work: never out of hours by itself
        date_only=p.entry.start is None,
        minutes=min(p.entry.minutes, 24 * 60),
        billable=p.entry.billable,
        summary=p.entry.summary[:500],
        external_id=p.external_id,
    )


def _out_of_trash(batch: ImportBatch, model, target: str, pks: list[int]) -> list:
    """Bring back what an undone import had added, recorded so that undoing this import puts
    it in the trash again."""
    rows = list(
        model.objects.filter(workspace=batch.workspace_id, pk__in=pks, deleted_at__isnull=False)
    )
    now = timezone.now()
    for chunk in chunks(rows):
        model.objects.filter(pk__in=[row.pk for row in chunk]).update(
            deleted_at=None, version=F("version") + 1, updated_at=now
        )
        recorded = []
        for row in chunk:
            recorded.append((row, {"deleted_at": row.deleted_at}))
            row.deleted_at, row.version = None, row.version + 1
        record_changes(batch, target, recorded)
    return rows
