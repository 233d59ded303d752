"""What the boundaries look at, read from the database: the workspace's lines, and per client
the facts of `boundaries.Facts` as of a day (a few queries per workspace, whatever the number
of clients). `boundaries` then decides, purely, which lines are crossed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Count, F, Max, Q, Window
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


def _contact_facts(workspace, end, lines: list[Line], client_ids):
    """Per client, the day of the last contact and the count each day-spanned line looks at;
    one query over the clients' history up to the day."""
    conditions = {
        "disrespect": Q(flag_disrespect=True),
        "out_of_hours": Q(flag_out_of_hours=True, kind__in=CONTACT_KINDS),
    }
    spans = {
        line.kind: line.span or boundaries.DEFAULT_SPAN_DAYS
        for line in lines
        if line.kind in boundaries.SPAN_IN_DAYS
    }
    counts = {
        f"n_{kind}": Count(
            "pk", filter=conditions[kind] & Q(occurred_at__gte=end - dt.timedelta(days=span))
        )
        for kind, span in spans.items()
    }
    rows = (
        Interaction.objects.filter(
            workspace=workspace,
            client_id__in=client_ids,
            deleted_at__isnull=True,
            occurred_at__lt=end,
        )
        .order_by()
        .values("client_id")
        .annotate(last=Max("occurred_at", filter=Q(kind__in=CONTACT_KINDS)), **counts)
    )
    last_contacts, recent = {}, {}
    for row in rows:
        if row["last"] is not None:
            last_contacts[row["client_id"]] = timezone.localdate(
                row["last"], timezone=workspace.tzinfo
            )
        recent[row["client_id"]] = {kind: row[f"n_{kind}"] for kind in spans}
    return last_contacts, recent


def _last_feelings(workspace, end, entries: int, client_ids) -> dict[int, list[int]]:
    """The latest `entries` feelings per client, newest first (one query, a window function)."""
    rows = (
        Interaction.objects.filter(
            workspace=workspace,
            client_id__in=client_ids,
            deleted_at__isnull=True,
            feeling__isnull=False,
            occurred_at__lt=end,
        )
        .annotate(
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
    clients = (
        portfolio_clients(workspace)
        .filter(pk__in=list(assessments))
        .values_list("pk", "status", "created_at", "started_on")
    )
    clients = list(clients)
    ids = [pk for pk, *_ in clients]
    if not ids:
        return {}
    end = _end_of(workspace, as_of)
    last_contacts, recent = _contact_facts(workspace, end, lines, ids)
    entries = max((line.span or 5 for line in lines if line.kind == "low_feeling"), default=0)
    feelings = _last_feelings(workspace, end, entries, ids) if entries else {}
    facts = {}
    for pk, status, created_at, started_on in clients:
        metrics = assessments[pk].metrics
        facts[pk] = Facts(
            client_id=pk,
            status=status,
            minutes=metrics.minutes,
            billable_minutes=metrics.billable_minutes,
            revenue=metrics.revenue,
            earned=metrics.earned,
            invoices=metrics.invoices,
            invoices_late=metrics.invoices_late,
            trend_30d=assessments[pk].trend_30d,
            last_contact_on=last_contacts.get(pk),
            since_on=started_on or timezone.localdate(created_at, timezone=workspace.tzinfo),
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
