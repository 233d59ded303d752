"""From the database to health: metrics (SQL) -> scoring (pure) -> one assessment per client,
with its trend and suggestion. Reads only; `services` stores what this computes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import FloatField, Q, Sum
from django.db.models.functions import Cast

from accounts.models import Membership, Role, Workspace
from portfolio.models import Client, ClientStatus, Invoice

from . import scoring
from .aggregates import ClientMetrics
from .metrics import Window, client_metrics
from .models import HealthSnapshot, ScoringSettings

TREND_DAYS = 30


def scoring_settings(workspace: Workspace) -> ScoringSettings:
    """The workspace's settings, or the defaults (unsaved) when it never changed them."""
    found = ScoringSettings.objects.filter(workspace=workspace).first()
    return found or ScoringSettings(workspace=workspace)


def settings_record(workspace: Workspace, settings: ScoringSettings) -> dict:
    """What a snapshot records of the settings it used."""
    target = workspace.target_hourly_rate
    return {
        "weights": settings.weights,
        "half_life_days": settings.half_life_days,
        "window_days": settings.window_days,
        # Two decimals always, so that a rate typed as "50" and read back as 50.00 are equal.
        "target_rate": f"{target:.2f}" if target is not None else None,
    }


def scoring_params(workspace: Workspace, settings: ScoringSettings) -> scoring.Params:
    target = workspace.target_hourly_rate
    return scoring.Params(
        weights=settings.weights,
        target_rate=float(target) if target is not None else None,
        currency=workspace.currency,
    )


def stored_scores(workspace: Workspace, day: dt.date, client_ids, record: dict) -> dict:
    """Scores stored for the day by this formula with these settings: {client: score}, None
    where the client had no evidence then."""
    rows = HealthSnapshot.objects.filter(
        workspace=workspace,
        as_of=day,
        client_id__in=list(client_ids),
        formula_version=scoring.FORMULA_VERSION,
    ).values_list("client_id", "score", "evidence_count", "settings")
    return {
        client_id: score if evidence else None
        for client_id, score, evidence, settings in rows
        if settings == record
    }


@dataclass
class Assessment:
    client_id: int
    as_of: dt.date
    metrics: ClientMetrics
    health: scoring.Health
    trend_30d: int | None
    suggestion: str
    reason: scoring.Evidence
    revenue_share: float | None


def portfolio_clients(workspace: Workspace):
    """The clients a portfolio view weighs: not in the trash, not ended."""
    return Client.objects.for_workspace(workspace).alive().exclude(status=ClientStatus.ENDED)


def portfolio_revenue(workspace: Workspace, window: Window) -> float:
    """Revenue of the portfolio's clients in the window: the whole that shares are taken of."""
    total = (
        Invoice.objects.filter(
            workspace=workspace,
            void=False,
            issued_on__gte=window.first_day,
            issued_on__lte=window.as_of,
            client__deleted_at__isnull=True,
        )
        .exclude(client__status=ClientStatus.ENDED)
        .aggregate(total=Sum(Cast("amount", FloatField())))["total"]  # float: ~3x numeric
    )
    return float(total or 0)


def has_teammates(workspace: Workspace) -> bool:
    """Someone else in the workspace could take a client over (viewers cannot)."""
    return Membership.objects.filter(workspace=workspace).filter(~Q(role=Role.VIEWER)).count() > 1


def assess_clients(
    *,
    workspace: Workspace,
    as_of: dt.date,
    client_ids,
    settings: ScoringSettings | None = None,
    reuse_history: bool = False,
) -> dict[int, Assessment]:
    """Assessments of the given clients as of a day, in a fixed number of queries.

    The trend needs the score of 30 days before. With `reuse_history`, a stored snapshot of
    that day computed by the same formula with the same settings stands for it (it is the same
    answer: history is replayed whenever past data changes); the others are computed."""
    settings = settings or scoring_settings(workspace)
    params = scoring_params(workspace, settings)
    client_ids = list(client_ids)
    window = Window(as_of, settings.window_days, settings.half_life_days)
    before = Window(
        as_of - dt.timedelta(days=TREND_DAYS), settings.window_days, settings.half_life_days
    )
    now_metrics = client_metrics(workspace=workspace, window=window, client_ids=client_ids)
    stored = {}
    if reuse_history:
        stored = stored_scores(
            workspace, before.as_of, client_ids, settings_record(workspace, settings)
        )
    missing = [client_id for client_id in client_ids if client_id not in stored]
    then_metrics = {}
    if missing:
        then_metrics = client_metrics(workspace=workspace, window=before, client_ids=missing)
    then_scores = {
        client_id: scoring.assess(metrics, params, before.as_of).score
        for client_id, metrics in then_metrics.items()
        if metrics.evidence_count
    } | {client_id: score for client_id, score in stored.items() if score is not None}
    total_revenue = portfolio_revenue(workspace, window)
    context_teammates = has_teammates(workspace)
    results = {}
    for client_id in client_ids:
        metrics = now_metrics.get(client_id) or ClientMetrics(client_id)
        health = scoring.assess(metrics, params, as_of)
        then = then_scores.get(client_id)
        trend = None if then is None else health.score - then
        share = metrics.revenue / total_revenue if total_revenue else None
        context = scoring.Context(
            revenue_share=share, has_teammates=context_teammates, trend_30d=trend
        )
        suggestion, reason = scoring.suggest(health, context)
        results[client_id] = Assessment(
            client_id=client_id,
            as_of=as_of,
            metrics=metrics,
            health=health,
            trend_30d=trend,
            suggestion=suggestion,
            reason=reason,
            revenue_share=share,
        )
    return results
