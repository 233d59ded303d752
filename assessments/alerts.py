"""Boundaries against the data: the facts they need (a few queries per workspace), the
crossings as of a day, and keeping the Alert rows in step with them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import User, Workspace
from portfolio.models import Interaction

from . import boundaries
from .boundaries import Crossing, Facts, Line
from .engine import Assessment, portfolio_clients
from .explain import sentence
from .metrics import CONTACT_KINDS
from .models import Alert, AlertStatus, Boundary, BoundaryKind


def boundaries_ensure(workspace: Workspace) -> None:
    """Give the workspace the default line of every kind it does not have yet."""
    Boundary.objects.bulk_create(
        [
            Boundary(
                workspace=workspace, kind=kind, threshold=threshold, span=span, severity=severity
            )
            for kind, (threshold, span, severity) in boundaries.DEFAULTS.items()
        ],
        ignore_conflicts=True,
    )


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
    """Which lines each client crosses as of the day."""
    if lines is None:
        lines, _ids = workspace_lines(workspace)
    facts = client_facts(workspace=workspace, as_of=as_of, assessments=assessments, lines=lines)
    target = workspace.target_hourly_rate
    found = {}
    for pk, client_facts_ in facts.items():
        crossed = [
            boundaries.crossing(
                line,
                client_facts_,
                as_of=as_of,
                target_rate=float(target) if target else None,
                currency=workspace.currency,
            )
            for line in lines
        ]
        found[pk] = [c for c in crossed if c is not None]
    return found


def alerts_holding_on(*, workspace: Workspace, as_of: dt.date, rows) -> dict[int, list[dict]]:
    """For the report: per client, the alerts whose condition holds on the day, in words."""
    assessments = {row.client.pk: row.assessment for row in rows}
    crossings = crossings_on(workspace=workspace, as_of=as_of, assessments=assessments)
    order = {kind: index for index, kind in enumerate(BoundaryKind.values)}
    return {
        pk: [
            {"boundary": c.kind, "severity": c.severity, "message": sentence(c.evidence)}
            for c in sorted(found, key=lambda c: order[c.kind])
        ]
        for pk, found in crossings.items()
    }


@transaction.atomic(savepoint=False)
def alerts_sync(
    *, workspace: Workspace, as_of: dt.date, assessments: dict[int, Assessment]
) -> tuple[int, int]:
    """Open an alert for every new crossing, refresh the evidence of those still crossed, and
    resolve those whose condition cleared. Returns (opened, resolved)."""
    lines, boundary_ids = workspace_lines(workspace)
    crossings = crossings_on(workspace=workspace, as_of=as_of, assessments=assessments, lines=lines)
    # One read: the unresolved alerts, and those resolved by hand while still crossed (they
    # stay silent until the condition clears once).
    unresolved, held = {}, []
    rows = (
        Alert.objects.for_workspace(workspace)
        .filter(client_id__in=list(assessments))
        .filter(
            ~Q(status=AlertStatus.RESOLVED)
            | Q(resolved_automatically=False, condition_cleared=False)
        )
    )
    for alert in rows:
        if alert.status == AlertStatus.RESOLVED:
            held.append((alert.pk, alert.client_id, alert.boundary_id))
        else:
            unresolved[(alert.client_id, alert.boundary_id)] = alert
    wanted = {(pk, boundary_ids[c.kind]): c for pk, found in crossings.items() for c in found}
    held_keys = {(client_id, boundary_id) for _, client_id, boundary_id in held}
    Alert.objects.filter(pk__in=[pk for pk, *key in held if tuple(key) not in wanted]).update(
        condition_cleared=True
    )
    new = [
        Alert(
            workspace=workspace,
            client_id=pk,
            boundary_id=boundary_id,
            severity=c.severity,
            evidence=c.evidence.to_json(),
        )
        for (pk, boundary_id), c in wanted.items()
        if (pk, boundary_id) not in unresolved and (pk, boundary_id) not in held_keys
    ]
    Alert.objects.bulk_create(new)
    changed = []
    for key, alert in unresolved.items():
        if key in wanted:
            evidence = wanted[key].evidence.to_json()
            if alert.evidence != evidence or alert.severity != wanted[key].severity:
                alert.evidence, alert.severity = evidence, wanted[key].severity
                changed.append(alert)
    Alert.objects.bulk_update(changed, ["evidence", "severity"])
    cleared = [alert.pk for key, alert in unresolved.items() if key not in wanted]
    Alert.objects.filter(pk__in=cleared).update(
        status=AlertStatus.RESOLVED, resolved_automatically=True, handled_at=timezone.now()
    )
    return len(new), len(cleared)


def alert_acknowledge(*, alert: Alert, by: User) -> Alert:
    return _handle(alert, by, status=AlertStatus.ACKNOWLEDGED, snoozed_until=None)


def alert_snooze(*, alert: Alert, by: User, until: dt.date) -> Alert:
    return _handle(alert, by, status=AlertStatus.SNOOZED, snoozed_until=until)


def alert_resolve(*, alert: Alert, by: User) -> Alert:
    return _handle(alert, by, status=AlertStatus.RESOLVED, snoozed_until=None)


def alert_reopen(*, alert: Alert, by: User) -> Alert:
    """The undo of acknowledging, snoozing or resolving by hand."""
    if (
        alert.status == AlertStatus.RESOLVED
        and Alert.objects.unresolved()
        .filter(client_id=alert.client_id, boundary_id=alert.boundary_id)
        .exists()
    ):
        return alert  # a newer alert for the same line is already open
    return _handle(alert, by, status=AlertStatus.OPEN, snoozed_until=None)


def _handle(alert: Alert, by: User, *, status: str, snoozed_until: dt.date | None) -> Alert:
    alert.status = status
    alert.snoozed_until = snoozed_until
    alert.handled_by = by
    alert.handled_at = timezone.now()
    alert.resolved_automatically = False
    alert.save(
        update_fields=[
            "status",
            "snoozed_until",
            "handled_by",
            "handled_at",
            "resolved_automatically",
        ]
    )
    return alert
