"""What the boundaries look at, read from the database: the workspace's lines, and per client
the facts of `boundaries.Facts` as of a day (a few queries per workspace, whatever the number
of clients). `boundaries` then decides, purely, which lines are crossed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import Workspace
from portfolio.models import Interaction

from . import boundaries
from .boundaries import Crossing, Facts, Line
from .metrics import CONTACT_KINDS
from .models import Boundary
from .selectors import portfolio_clients

if TYPE_CHECKING:
    from .services import Assessment


def workspace_lines(workspace: Workspace) -> tuple[list[Line], dict[str, int]]:
    """The enabled boundaries, with the clients each is muted for, and every boundary's id by
    kind (disabled ones too: their alerts resolve); two queries."""
    muted = defaultdict(set)
    rows = Boundary.muted_clients.through.objects.filter(boundary__workspace=workspace)
    for boundary_id, client_id in rows.values_list("boundary_id", "client_id"):
        muted[boundary_id].add(client_id)
    boundaries_ = list(Boundary.objects.for_workspace(workspace))
    lines = [
        Line(
            boundary.kind,
            float(boundary.threshold),
            boundary.span,
            boundary.severity,
            frozenset(muted[boundary.pk]),
        )
        for boundary in boundaries_
        if boundary.enabled
    ]
    return lines, {boundary.kind: boundary.pk for boundary in boundaries_}


def _end_of(workspace: Workspace, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=workspace.tzinfo)


def _history(workspace, end, **clients):
    """The clients' entries before `end`, those in the trash left out."""
    return Interaction.objects.filter(
        workspace=workspace, deleted_at__isnull=True, occurred_at__lt=end, **clients
    ).order_by()


def _latest(end, condition: Q, offset: int = 0) -> Subquery:
    """The time of the client's latest entry before `end` that meets `condition` (or the one
    `offset` entries earlier), found down its timeline's index, not by reading its history."""
    # By the client alone (its workspace is the client's): given the workspace too, a planner
    # without fresh statistics combined both indexes and read the workspace's every entry for
    # each client.
    entries = Interaction.objects.filter(
        client_id=OuterRef("pk"), deleted_at__isnull=True, occurred_at__lt=end
    ).filter(condition)
    return Subquery(entries.order_by("-occurred_at").values("occurred_at")[offset : offset + 1])


def _recent_counts(workspace, end, lines: list[Line], client_ids) -> dict[int, dict[str, int]]:
    """Per client, the count each day-spanned line looks at: one query over the longest span."""
    conditions = {
        "disrespect": Q(flag_disrespect=True),
        "out_of_hours": Q(flag_out_of_hours=True, kind__in=CONTACT_KINDS),
    }
    spans = {
        line.kind: line.span or boundaries.DEFAULT_SPAN_DAYS
        for line in lines
        if line.kind in boundaries.SPAN_IN_DAYS
    }
    if not spans:
        return {}
    counts = {
        f"n_{kind}": Count(
            "pk", filter=conditions[kind] & Q(occurred_at__gte=end - dt.timedelta(days=span))
        )
        for kind, span in spans.items()
    }
    rows = (
        _history(workspace, end, client_id__in=client_ids)
        .filter(occurred_at__gte=end - dt.timedelta(days=max(spans.values())))
        .values("client_id")
        .annotate(**counts)
    )
    return {row["client_id"]: {kind: row[f"n_{kind}"] for kind in spans} for row in rows}


def _last_feelings(workspace, end, entries: int, cutoffs: dict) -> dict[int, list[int]]:
    """The latest `entries` feelings per client, newest first (one query, a window function),
    read from the oldest client's `entries`-th latest feeling on (`cutoffs`; a client with
    fewer has no cutoff and all of its few read)."""
    rows = _history(workspace, end, client_id__in=list(cutoffs)).filter(feeling__isnull=False)
    if known := [cutoff for cutoff in cutoffs.values() if cutoff is not None]:
        fewer = [pk for pk, cutoff in cutoffs.items() if cutoff is None]
        rows = rows.filter(Q(occurred_at__gte=min(known)) | Q(client_id__in=fewer))
    rows = (
        rows.annotate(
            position=Window(
                RowNumber(), partition_by=[F("client_id")], order_by=F("occurred_at").desc()
            )
        )
        .filter(position__lte=entries)
        .order_by("client_id", "position")
        .values_list("client_id", "feeling")
    )
    feelings = defaultdict(list)
    for client_id, feeling in rows:
        feelings[client_id].append(feeling)
    return feelings


def client_facts(
    *, workspace: Workspace, as_of: dt.date, assessments: dict[int, Assessment], lines
) -> dict[int, Facts]:
    """Facts for the assessed clients that are not ended (ended clients raise no alert)."""
    end = _end_of(workspace, as_of)
    entries = max((line.span or 5 for line in lines if line.kind == "low_feeling"), default=0)
    clients = (
        portfolio_clients(workspace)
        .filter(pk__in=list(assessments))
        .annotate(last_contact=_latest(end, Q(kind__in=CONTACT_KINDS)))
    )
    if entries:
        feeling = Q(feeling__isnull=False)
        clients = clients.annotate(cutoff=_latest(end, feeling, offset=entries - 1))
    fields = ["pk", "status", "created_at", "started_on", "last_contact"]
    clients = list(clients.values(*fields, *(["cutoff"] if entries else [])))
    ids = [client["pk"] for client in clients]
    if not ids:
        return {}
    recent = _recent_counts(workspace, end, lines, ids)
    cutoffs = {client["pk"]: client["cutoff"] for client in clients} if entries else {}
    feelings = _last_feelings(workspace, end, entries, cutoffs) if entries else {}
    tz = workspace.tzinfo
    facts = {}
    for client in clients:
        pk, last_contact = client["pk"], client["last_contact"]
        metrics = assessments[pk].metrics
        facts[pk] = Facts(
            client_id=pk,
            status=client["status"],
            minutes=metrics.minutes,
            billable_minutes=metrics.billable_minutes,
            revenue=metrics.revenue,
            earned=metrics.earned,
            invoices=metrics.invoices,
            invoices_late=metrics.invoices_late,
            trend_30d=assessments[pk].trend_30d,
            last_contact_on=last_contact and timezone.localdate(last_contact, timezone=tz),
            since_on=client["started_on"] or timezone.localdate(client["created_at"], timezone=tz),
            recent=recent.get(pk, {}),
            last_feelings=feelings.get(pk, []),
        )
    return facts


def crossings_on(
    *, workspace: Workspace, as_of: dt.date, assessments: dict[int, Assessment], lines=None
) -> dict[int, list[Crossing]]:
    """Which lines each assessed client (not ended) crosses as of the day."""
    if lines is None:
        lines, _ids = workspace_lines(workspace)
    facts = client_facts(workspace=workspace, as_of=as_of, assessments=assessments, lines=lines)
    target = workspace.target_hourly_rate
    return boundaries.crossings(
        lines,
        facts,
        as_of=as_of,
        target_rate=float(target) if target else None,
        currency=workspace.currency,
    )
