"""Writes of alerts: every workspace's default lines, alerts opened, refreshed and resolved in
step with the crossings of a day, and what a person does with an alert."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, User, Workspace

from . import boundaries
from .facts import crossings_on, workspace_lines
from .models import Alert, AlertStatus, Boundary

if TYPE_CHECKING:
    from .services import Assessment


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


@transaction.atomic
def alerts_acknowledge(*, workspace: Workspace, codes: Iterable[uuid.UUID], by: User) -> int:
    """Acknowledge at once those of the alerts that are this workspace's and still wait for a
    decision (open, or back from a snooze); any other code is left alone, whoever's it is.
    Returns how many were acknowledged."""
    membership = Membership.objects.filter(workspace=workspace, user=by).first()
    if membership is None or not membership.can_write:
        raise PermissionDenied
    return (
        Alert.objects.for_workspace(workspace)
        .showing(workspace.today())
        .exclude(status=AlertStatus.ACKNOWLEDGED)
        .filter(code__in=list(codes), client__deleted_at__isnull=True)
        .update(
            status=AlertStatus.ACKNOWLEDGED,
            snoozed_until=None,
            handled_by=by,
            handled_at=timezone.now(),
            resolved_automatically=False,
        )
    )


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
