"""Writes of assessments: health snapshots (and, through them, history and trends)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Workspace
from portfolio.models import Client

from . import scoring
from .alerts import alerts_sync
from .engine import Assessment, assess_clients, scoring_settings, settings_record
from .models import HealthSnapshot, ScoringSettings

# How far back the history charts look, and so how far an import of past history is replayed.
HISTORY_DAYS = 90

SNAPSHOT_FIELDS = [
    "score",
    "band",
    "confidence",
    "trend_30d",
    "dimensions",
    "evidence_adjustment",
    "metrics",
    "revenue",
    "minutes",
    "evidence_count",
    "suggestion",
    "suggestion_reason",
    "formula_version",
    "settings",
    "computed_at",
]


def workspace_today(workspace: Workspace) -> dt.date:
    return timezone.localdate(timezone=workspace.tzinfo)


def _snapshot(workspace: Workspace, assessment: Assessment, settings: dict) -> HealthSnapshot:
    health = assessment.health
    return HealthSnapshot(
        workspace=workspace,
        client_id=assessment.client_id,
        as_of=assessment.as_of,
        score=health.score,
        band=health.band,
        confidence=health.confidence,
        trend_30d=assessment.trend_30d,
        dimensions={
            name: {
                "score": dimension.score,
                "contribution": round(dimension.contribution, 1),
                "evidence": [evidence.to_json() for evidence in dimension.evidence],
            }
            for name, dimension in health.dimensions.items()
        },
        evidence_adjustment=round(health.evidence_adjustment, 1),
        metrics=assessment.metrics.to_json(),
        revenue=assessment.metrics.revenue,
        minutes=assessment.metrics.minutes,
        evidence_count=assessment.metrics.evidence_count,
        suggestion=assessment.suggestion,
        suggestion_reason=assessment.reason.to_json(),
        formula_version=scoring.FORMULA_VERSION,
        settings=settings,
        computed_at=timezone.now(),
    )


def snapshots_write(
    *,
    workspace: Workspace,
    as_of: dt.date | None = None,
    client_ids=None,
    settings: ScoringSettings | None = None,
    reuse_history: bool = True,
) -> dict[int, Assessment]:
    """Score the workspace's clients (or those given) as of a day and store the snapshots,
    replacing that day's. Returns the assessments, by client id. The score of 30 days before
    (for the trend) is read from its snapshot unless `reuse_history` is off."""
    as_of = as_of or workspace_today(workspace)
    settings = settings or scoring_settings(workspace)
    clients = Client.objects.for_workspace(workspace).alive()
    if client_ids is not None:
        clients = clients.filter(pk__in=list(client_ids))
    ids = list(clients.values_list("pk", flat=True))
    if not ids:
        return {}
    assessments = assess_clients(
        workspace=workspace,
        as_of=as_of,
        client_ids=ids,
        settings=settings,
        reuse_history=reuse_history,
    )
    record = settings_record(workspace, settings)
    snapshots = [_snapshot(workspace, assessment, record) for assessment in assessments.values()]
    HealthSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["client", "as_of"],
        update_fields=SNAPSHOT_FIELDS,
    )
    return assessments


def clients_rescore(*, workspace: Workspace, client_ids=None) -> dict[int, Assessment]:
    """Today's snapshots of the clients (all when None), and their alerts brought in step."""
    today = workspace_today(workspace)
    with transaction.atomic():
        assessments = snapshots_write(workspace=workspace, as_of=today, client_ids=client_ids)
        alerts_sync(workspace=workspace, as_of=today, assessments=assessments)
    return assessments


def history_rebuild(*, workspace: Workspace, client_ids=None, since: dt.date | None = None) -> int:
    """Replay the history charts from `since` (at most HISTORY_DAYS back) to today with the
    current settings: after an import of past history, trends and charts are there at once."""
    today = workspace_today(workspace)
    earliest = today - dt.timedelta(days=HISTORY_DAYS)
    start = max(since or earliest, earliest)
    # Snapshots before `since` still hold (their data did not change) and can give the trend's
    # earlier score; when the change reaches further back than the replay, only those replayed.
    trusted_from = start if since is None or since < earliest else dt.date.min
    settings = scoring_settings(workspace)
    written = 0
    day = start
    while day < today:
        with transaction.atomic():
            written += len(
                snapshots_write(
                    workspace=workspace,
                    as_of=day,
                    client_ids=client_ids,
                    settings=settings,
                    reuse_history=day - dt.timedelta(days=30) >= trusted_from,
                )
            )
        day += dt.timedelta(days=1)
    return written + len(clients_rescore(workspace=workspace, client_ids=client_ids))


@transaction.atomic
def scoring_settings_update(
    *, workspace: Workspace, settings: ScoringSettings, target_hourly_rate
) -> ScoringSettings:
    """Save the weights and periods and the target rate. The caller has every client rescored;
    the change then shows as a marker on the trend charts."""
    settings.workspace = workspace
    settings.full_clean()
    settings.save()
    Workspace.objects.filter(pk=workspace.pk).update(target_hourly_rate=target_hourly_rate)
    workspace.target_hourly_rate = target_hourly_rate
    return settings


@transaction.atomic
def boundary_update(*, boundary, data: dict, muted_clients) -> None:
    """Change a line; the caller brings the alerts in step (a rescore)."""
    for name, value in data.items():
        setattr(boundary, name, value)
    boundary.full_clean()
    boundary.save()
    boundary.muted_clients.set(muted_clients)
