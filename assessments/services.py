"""Writes of assessments: health snapshots (and through them history and trends), alerts kept
in step, and the changes a person makes to how the workspace is scored. Each service does
everything its change implies: a change that scores depend on asks for the rescore itself.

`assess_clients` is the one orchestration: metrics (SQL) -> scoring (pure) -> one assessment
per client with its trend and suggestion. It reads only; the services below store it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import User, Workspace
from accounts.versions import lock_fresh
from portfolio.models import Client

from . import alerts, ladder, scoring, selectors, tasks
from .aggregates import ClientMetrics
from .metrics import Window, client_metrics
from .models import AgreedStep, Alert, Boundary, HealthSnapshot, ScoringSettings

logger = logging.getLogger(__name__)

TREND_DAYS = 30
# The earlier days the advice looks back to (the first is the trend's).
LOOKBACK_DAYS = (TREND_DAYS, 60)
# How far back the history charts look, and so how far an import of past history is replayed.
HISTORY_DAYS = 90
# Without a queue of its own (the immediate task backend: development, the tests), a change to
# this many clients is rescored at once, on commit, so that the next page shows it. Larger
# changes go to the worker.
INLINE_CLIENTS = 20
# With a queue (a worker runs), every change is rescored by the worker a moment later: the
# request that made it does not wait for the scoring (for a busy client, most of its time),
# and entries logged one after another (a meeting's notes, a day's work) are scored once.
RESCORE_DELAY = dt.timedelta(seconds=1)

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


def scoring_params(workspace: Workspace, settings: ScoringSettings) -> scoring.Params:
    target = workspace.target_hourly_rate
    return scoring.Params(
        weights=settings.weights,
        target_rate=float(target) if target is not None else None,
        currency=workspace.currency,
    )


def assess_clients(
    *,
    workspace: Workspace,
    as_of: dt.date,
    client_ids,
    settings: ScoringSettings | None = None,
    trusted_from: dt.date | None = None,
) -> dict[int, Assessment]:
    """Assessments of the given clients as of a day, in a fixed number of queries.

    The trend needs the score of 30 days before, and the advice the dimensions of 30 and 60
    days before (has a collapse lasted?). A stored snapshot of such a day, from `trusted_from`
    on, computed by the same formula with the same settings stands for it (it is the same
    answer: history is replayed whenever past data changes); the others are computed."""
    settings = settings or selectors.scoring_settings(workspace)
    params = scoring_params(workspace, settings)
    client_ids = list(client_ids)
    terms = selectors.client_terms(workspace, client_ids)
    window = Window(as_of, settings.window_days, settings.half_life_days)
    now_metrics = _metrics(workspace, window, client_ids, terms)
    record = selectors.settings_record(workspace, settings)
    earlier = {
        days: _health_then(
            workspace,
            as_of - dt.timedelta(days=days),
            client_ids,
            settings,
            terms,
            record if trusted_from and as_of - dt.timedelta(days=days) >= trusted_from else None,
        )
        for days in LOOKBACK_DAYS
    }
    total_revenue = selectors.portfolio_revenue(workspace, window)
    team = selectors.team_feelings(workspace, as_of, client_ids)
    names = selectors.member_names(workspace)
    agreed = selectors.agreed_steps(workspace, client_ids)
    months = settings.window_days / 30
    results = {}
    for client_id in client_ids:
        metrics = now_metrics[client_id]
        health = scoring.assess(metrics, params, as_of)
        then = earlier[TREND_DAYS].get(client_id, (None, None))[0]
        trend = None if then is None else health.score - then
        share = metrics.revenue / total_revenue if total_revenue else None
        # What the person would lose counts this client's work not invoiced yet (the other
        # clients' is not read here, so the share leans high: the careful side of advising
        # an ending).
        income = total_revenue + metrics.uninvoiced_amount
        income_share = metrics.earned / income if income else None
        owner = terms.get(client_id, {}).get("owner_id")
        feelings = team.get(client_id, {})
        context = ladder.Context(
            as_of=as_of,
            revenue_share=income_share,
            monthly_income=metrics.earned / months,
            currency=workspace.currency,
            trend_30d=trend,
            earlier=tuple(earlier[days].get(client_id, (None, None))[1] for days in LOOKBACK_DAYS),
            owner_feeling=feelings.get(owner, (0.0, None))[1] if owner else None,
            teammates=tuple(
                ladder.Teammate(user_id, names[user_id], hours, feeling)
                for user_id, (hours, feeling) in sorted(feelings.items())
                if user_id != owner and user_id in names
            ),
            agreed=_agreed_step(agreed.get(client_id)),
        )
        suggestion, reason = ladder.advise(health, metrics, context)
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


def _metrics(workspace: Workspace, window: Window, client_ids, terms) -> dict[int, ClientMetrics]:
    """Every client's aggregates (empty ones where nothing was logged), with its terms."""
    found = client_metrics(workspace=workspace, window=window, client_ids=client_ids)
    results = {}
    for client_id in client_ids:
        metrics = found.get(client_id) or ClientMetrics(client_id)
        metrics.hourly_rate = terms.get(client_id, {}).get("hourly_rate")
        metrics.prospect = terms.get(client_id, {}).get("prospect", False)
        results[client_id] = metrics
    return results


def _health_then(workspace, day, client_ids, settings, terms, record) -> dict:
    """{client: (score, dimension scores)} as of an earlier day: stored where `record` allows,
    computed for the rest. (None, None) without evidence; dimensions None when too thin."""
    stored = selectors.stored_health(workspace, day, client_ids, record) if record else {}
    missing = [client_id for client_id in client_ids if client_id not in stored]
    if not missing:
        return stored
    params = scoring_params(workspace, settings)
    window = Window(day, settings.window_days, settings.half_life_days)
    computed = {}
    for client_id, metrics in _metrics(workspace, window, missing, terms).items():
        if not metrics.evidence_count:
            computed[client_id] = (None, None)
            continue
        health = scoring.assess(metrics, params, day)
        dimensions = {name: d.score for name, d in health.dimensions.items()}
        computed[client_id] = (health.score, dimensions if health.enough_data else None)
    return stored | computed


def _agreed_step(agreed) -> ladder.AgreedStep | None:
    if agreed is None:
        return None
    return ladder.AgreedStep(
        step=agreed.step,
        agreed_on=agreed.agreed_on,
        check_on=agreed.check_on,
        dimension=agreed.dimension or None,
        score=agreed.dimension_score,
    )


def snapshot_of(workspace: Workspace, assessment: Assessment, settings: dict) -> HealthSnapshot:
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


def snapshot_compute(*, workspace: Workspace, client_id: int) -> HealthSnapshot:
    """The client's health as of today, computed now and not stored (for a page read before
    the client's first rescore has run: a read never writes)."""
    settings = selectors.scoring_settings(workspace)
    assessment = assess_clients(
        workspace=workspace, as_of=workspace.today(), client_ids=[client_id], settings=settings
    )[client_id]
    return snapshot_of(workspace, assessment, selectors.settings_record(workspace, settings))


def snapshots_write(
    *,
    workspace: Workspace,
    as_of: dt.date | None = None,
    client_ids=None,
    settings: ScoringSettings | None = None,
    trusted_from: dt.date | None = dt.date.min,
) -> dict[int, Assessment]:
    """Score the workspace's clients (or those given) as of a day and store the snapshots,
    replacing that day's. Returns the assessments, by client id. Earlier scores (for the trend
    and the advice) are read from their snapshots from `trusted_from` on (None: never)."""
    as_of = as_of or workspace.today()
    started = timezone.now()
    settings = settings or selectors.scoring_settings(workspace)
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
        trusted_from=trusted_from,
    )
    record = selectors.settings_record(workspace, settings)
    snapshots = [snapshot_of(workspace, assessment, record) for assessment in assessments.values()]
    HealthSnapshot.objects.store(snapshots, as_of=as_of, fields=SNAPSHOT_FIELDS)
    # What changed before this read is in it; a change made while it ran keeps its mark (its
    # own rescore is queued).
    HealthSnapshot.objects.filter(
        client_id__in=ids, stale_since__isnull=False, stale_since__lte=started
    ).update(stale_since=None)
    return assessments


def clients_rescore(
    *, workspace: Workspace, client_ids=None, trusted_from: dt.date | None = dt.date.min
) -> dict[int, Assessment]:
    """Today's snapshots of the clients (all when None), and their alerts brought in step.
    Earlier days' snapshots stand for those days from `trusted_from` on (None: computed)."""
    today = workspace.today()
    with transaction.atomic():
        assessments = snapshots_write(
            workspace=workspace, as_of=today, client_ids=client_ids, trusted_from=trusted_from
        )
        alerts.alerts_sync(workspace=workspace, as_of=today, assessments=assessments)
    return assessments


def history_rebuild(*, workspace: Workspace, client_ids=None, since: dt.date | None = None) -> int:
    """Replay the history charts from `since` (at most HISTORY_DAYS back) to today with the
    current settings: after an import of past history, trends and charts are there at once."""
    today = workspace.today()
    earliest = today - dt.timedelta(days=HISTORY_DAYS)
    start = max(since or earliest, earliest)
    # Snapshots before `since` still hold (their data did not change) and can give the trend's
    # earlier score; when the change reaches further back than the replay, only those replayed.
    trusted_from = start if since is None or since < earliest else dt.date.min
    settings = selectors.scoring_settings(workspace)
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
                    trusted_from=trusted_from,
                )
            )
        day += dt.timedelta(days=1)
    return written + len(clients_rescore(workspace=workspace, client_ids=client_ids))


def clients_changed_rescore(*, workspace_id: int, client_ids, since: dt.date | None) -> None:
    """Follow a change of the clients' data (announced by portfolio once it committed): a few
    clients are rescored at once for today, more go to the worker; a change to the past also
    has their history replayed by the worker. A failure is logged and left to the nightly pass
    (the data itself is saved)."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None or not client_ids:
        return
    ids = sorted(client_ids)
    today = workspace.today()
    past_changed = since is not None and since < today
    if tasks.rescore_clients.get_backend().supports_defer:
        _rescore_soon(workspace, ids, since=since if past_changed else None)
        return
    if len(ids) <= INLINE_CLIENTS:
        try:
            # After a change to the past, the stored earlier days are stale until the worker
            # replays them: today's trend is computed from the data instead.
            clients_rescore(
                workspace=workspace,
                client_ids=ids,
                trusted_from=None if past_changed else dt.date.min,
            )
        except Exception:
            logger.exception(
                "Rescoring clients %s of workspace %s (%s) failed; the nightly pass will",
                ids,
                workspace.pk,
                workspace.slug,
            )
        if not past_changed:
            return
    tasks.rescore_clients.enqueue(
        workspace_id=workspace.pk,
        client_ids=ids,
        since=since.isoformat() if past_changed else None,
    )


def _rescore_soon(workspace: Workspace, ids: list[int], *, since: dt.date | None) -> None:
    """Queue the clients' rescore (and their history's replay from `since`) for a moment from
    now. Their latest snapshots are marked stale meanwhile: the client's health panel says its
    score is about to change. A client whose rescore is queued already for that moment (its
    mark in the cache lasts as long as the delay) is left to it; a change to the past is
    always queued, since its replay reaches further."""
    snapshots_outdate(workspace=workspace, client_ids=ids)
    if since is None:
        ids = [client_id for client_id in ids if _first_change_of_moment(client_id)]
        if not ids:
            return
    # A second past the mark's end: every change the mark turned away is committed by then.
    run_after = timezone.now() + RESCORE_DELAY + dt.timedelta(seconds=1)
    tasks.rescore_clients.using(run_after=run_after).enqueue(
        workspace_id=workspace.pk,
        client_ids=ids,
        since=since.isoformat() if since else None,
    )


def _first_change_of_moment(client_id: int) -> bool:
    try:
        return cache.add(f"rescore-queued:{client_id}", True, RESCORE_DELAY.total_seconds())
    except Exception:  # the cache is down: queue it again rather than lose it
        logger.warning("The cache did not answer; client %s is rescored once more", client_id)
        return True


def snapshots_outdate(*, workspace: Workspace, client_ids) -> int:
    """Mark the clients' latest snapshots stale (their data changed; the rescore is queued).
    Returns how many were marked."""
    latest = selectors.latest_snapshots_query(workspace=workspace, client_ids=client_ids)
    return latest.filter(stale_since__isnull=True).update(stale_since=timezone.now())


def workspace_rescore_later(workspace: Workspace) -> None:
    """Once the current transaction commits, have every client of the workspace rescored by the
    worker (after its settings or its lines changed)."""
    ids = list(Client.objects.for_workspace(workspace).alive().values_list("pk", flat=True))
    transaction.on_commit(
        lambda: tasks.rescore_clients.enqueue(workspace_id=workspace.pk, client_ids=ids)
    )


def workspace_rescore(*, workspace_id: int) -> None:
    """Every client of the workspace rescored by the worker (its settings changed)."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is not None:
        workspace_rescore_later(workspace)


@transaction.atomic
def scoring_settings_update(
    *, workspace: Workspace, settings: ScoringSettings, target_hourly_rate
) -> ScoringSettings:
    """Save the weights, the periods and the target rate, and have every client rescored; the
    change then shows as a marker on the trend charts."""
    settings.workspace = workspace
    settings.full_clean()
    settings.save()
    Workspace.objects.filter(pk=workspace.pk).update(target_hourly_rate=target_hourly_rate)
    workspace.target_hourly_rate = target_hourly_rate
    workspace_rescore_later(workspace)
    return settings


@transaction.atomic
def boundary_update(
    *, boundary: Boundary, version: int | None, data: dict, muted_clients
) -> Boundary:
    """Change a line; the alerts follow it once every client is rescored. Refused with
    ConflictError if someone saved the line since `version` (None: whatever it is now)."""
    lock_fresh(boundary, version=version)
    for name, value in data.items():
        setattr(boundary, name, value)
    boundary.full_clean()
    boundary.version += 1
    boundary.save()
    boundary.muted_clients.set(muted_clients)
    workspace_rescore_later(boundary.workspace)
    return boundary


@transaction.atomic
def alert_mute(*, alert: Alert, by: User) -> Alert:
    """Never this line for this client again (e.g. contractual 45-day payment terms): the
    alert resolves itself in the rescore."""
    alert.boundary.muted_clients.add(alert.client)
    clients_rescore(workspace=alert.workspace, client_ids=[alert.client_id])
    alert.refresh_from_db()
    return alert


@transaction.atomic
def alert_unmute(*, alert: Alert, by: User) -> Alert:
    """The undo of muting: the line holds for the client again and its alert reopens."""
    alert.boundary.muted_clients.remove(alert.client)
    alerts.alert_reopen(alert=alert, by=by)
    clients_rescore(workspace=alert.workspace, client_ids=[alert.client_id])
    alert.refresh_from_db()
    return alert


@transaction.atomic
def agreed_step_record(
    *,
    client: Client,
    step: str,
    agreed_on: dt.date,
    check_on: dt.date,
    dimension: str | None,
    score: int | None,
) -> AgreedStep:
    """Remember the step a person agreed to take with a client (set boundaries, renegotiate)
    and when to check it: the advice gives it its chance until then, and says so after if it
    did not work. Replaces the client's earlier one; the client is rescored."""
    values = {
        "workspace_id": client.workspace_id,
        "step": step,
        "agreed_on": agreed_on,
        "check_on": max(check_on, agreed_on),
        "dimension": dimension or "",
        "dimension_score": score,
    }
    known = AgreedStep.objects.filter(client=client).first()
    if known is not None and all(getattr(known, k) == v for k, v in values.items()):
        return known  # nothing the advice reads has changed
    agreed, _created = AgreedStep.objects.update_or_create(client=client, defaults=values)
    clients_rescore(workspace=client.workspace, client_ids=[client.pk])
    return agreed


@transaction.atomic
def agreed_step_clear(*, client: Client) -> None:
    """Forget the client's agreed step (a later decision replaced it)."""
    deleted, _rows = AgreedStep.objects.filter(client=client).delete()
    if deleted:
        clients_rescore(workspace=client.workspace, client_ids=[client.pk])
