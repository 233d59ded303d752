"""Reads of assessments: the settings a workspace scores with, latest snapshots, shares computed
when read, histories, alerts. Shares and concentration are never stored per client, so they are
never stale."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Avg,
    FloatField,
    Q,
    Sum,
)
from django.db.models.functions import Cast

from accounts.models import Membership, Role, Workspace
from portfolio.models import BillingModel, Client, ClientStatus, Interaction, Invoice

from . import scoring
from .metrics import Window
from .models import (
    AT_RISK_BANDS,
    AgreedStep,
    Alert,
    Band,
    Dimension,
    HealthSnapshot,
    ScoringSettings,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

SPARKLINE_DAYS = 90
# The snooze date an alert's menu offers first.
SNOOZE_DAYS = 7
# The owner filter's choice of clients that nobody looks after.
NO_OWNER = "none"
# Most severe first, newest first: the order of the alerts' index (alert_ws_showing_order_idx).
SHOWING_ORDER = ("severity_rank", "-opened_at", "-pk")


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


def stored_health(workspace: Workspace, day: dt.date, client_ids, record: dict) -> dict:
    """Scores and dimension scores stored for the day by this formula with these settings:
    {client: (score, {dimension: score})}, (None, None) where the client had too little
    evidence then to judge."""
    rows = HealthSnapshot.objects.filter(
        workspace=workspace,
        as_of=day,
        client_id__in=list(client_ids),
        formula_version=scoring.FORMULA_VERSION,
    ).values_list("client_id", "score", "evidence_count", "confidence", "dimensions", "settings")
    stored = {}
    for client_id, score, evidence, confidence, dimensions, settings in rows:
        if settings != record:
            continue
        if not evidence:
            stored[client_id] = (None, None)
            continue
        judged = confidence != "low"
        stored[client_id] = (
            score,
            {name: d.get("score") for name, d in dimensions.items()} if judged else None,
        )
    return stored


def portfolio_clients(workspace: Workspace):
    """The clients a portfolio view weighs: not in the trash, not ended."""
    return Client.objects.for_workspace(workspace).alive().exclude(status=ClientStatus.ENDED)


def portfolio_revenue(workspace: Workspace, window: Window) -> float:
    """Revenue of the portfolio's clients in the window: the whole that shares are taken of."""
    total = (
        Invoice.objects.filter(
            workspace=workspace,
            void=False,
            deleted_at__isnull=True,
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


@dataclass
class PortfolioRow:
    client: Client
    snapshot: HealthSnapshot | None
    revenue_share: float | None = None
    hours_share: float | None = None

    @property
    def score(self) -> int | None:
        return self.snapshot.score if self.snapshot else None

    @property
    def hours(self) -> float:
        return self.snapshot.minutes / 60 if self.snapshot else 0.0

    @property
    def revenue(self) -> float:
        return self.snapshot.revenue if self.snapshot else 0.0


# What lists of clients read of their snapshots: not the evidence (dimensions, metrics).
SUMMARY_FIELDS = (
    "client_id",
    "as_of",
    "score",
    "band",
    "confidence",
    "trend_30d",
    "suggestion",
    "suggestion_reason",
    "revenue",
    "minutes",
    "evidence_count",
)


def latest_snapshots(
    *, workspace: Workspace, client_ids=None, summary: bool = False
) -> dict[int, HealthSnapshot]:
    """Each client's newest snapshot, in one query; only the summary fields if asked."""
    clients = Client.objects.for_workspace(workspace)
    if client_ids is not None:
        clients = clients.filter(pk__in=list(client_ids))
    snapshots = _latest_of(workspace, clients)
    if summary:
        snapshots = snapshots.only(*SUMMARY_FIELDS)
    return {snapshot.client_id: snapshot for snapshot in snapshots}


def latest_snapshots_query(*, workspace: Workspace, client_ids) -> QuerySet[HealthSnapshot]:
    """The clients' newest snapshots, as a query (to update them, or to read them in part)."""
    clients = Client.objects.for_workspace(workspace).filter(pk__in=list(client_ids))
    return _latest_of(workspace, clients)


def _latest_of(workspace: Workspace, clients) -> QuerySet[HealthSnapshot]:
    """The newest snapshot of each of `clients` (a queryset), by the one mark its writers keep:
    the cost is the number of clients, whatever the number of days of history kept (compared
    snapshot by snapshot, it grew with every day the app ran)."""
    return HealthSnapshot.objects.filter(workspace=workspace, is_latest=True, client__in=clients)


def portfolio_rows(*, workspace: Workspace) -> list[PortfolioRow]:
    """The clients that make the portfolio (not ended, not in the trash) with their latest
    health and their shares of the portfolio's revenue and hours; two queries."""
    clients = list(
        portfolio_clients(workspace)
        .only("pk", "workspace_id", "code", "name", "status", "language", "email", "version")
        .order_by("name")
    )
    snapshots = {
        snapshot.client_id: snapshot
        for snapshot in _latest_of(workspace, portfolio_clients(workspace)).only(*SUMMARY_FIELDS)
    }
    rows = [PortfolioRow(client, snapshots.get(client.pk)) for client in clients]
    _shares(rows)
    return rows


def _shares(rows: list[PortfolioRow]) -> None:
    total_revenue = sum(row.revenue for row in rows)
    total_hours = sum(row.hours for row in rows)
    for row in rows:
        row.revenue_share = row.revenue / total_revenue if total_revenue else None
        row.hours_share = row.hours / total_hours if total_hours else None


def portfolio_row(
    *, workspace: Workspace, client: Client, snapshot: HealthSnapshot | None
) -> PortfolioRow | None:
    """One client's row of `portfolio_rows` (None outside the portfolio), without the others':
    its shares are of the sums of every portfolio client's latest snapshot, one query."""
    if client.in_trash or client.status == ClientStatus.ENDED:
        return None
    totals = _latest_of(workspace, portfolio_clients(workspace)).aggregate(
        revenue=Sum("revenue"), minutes=Sum("minutes")
    )
    row = PortfolioRow(client, snapshot)
    total_revenue, total_hours = totals["revenue"] or 0.0, (totals["minutes"] or 0) / 60
    row.revenue_share = row.revenue / total_revenue if total_revenue else None
    row.hours_share = row.hours / total_hours if total_hours else None
    return row


@dataclass
class HealthCounts:
    band_counts: list[tuple[str, str, int]]  # (band, label, count), every band
    unscored: int
    not_enough_data: int = 0  # scored on too little evidence to be given a band
    prospects: int = 0  # no paid relationship to judge yet, whatever their evidence


@dataclass
class Overview(HealthCounts):
    at_risk_hours_share: float | None = None
    largest: PortfolioRow | None = None  # the client with the largest share of revenue

    @property
    def concentration(self) -> float | None:
        return self.largest.revenue_share if self.largest else None


# What a portfolio client can count as (`health_state`).
HEALTH_STATES = (*Band.values, "prospect", "unscored", "not_enough_data")


def health_state(row: PortfolioRow) -> str:
    """What a client counts as: "prospect", "unscored", "not_enough_data" or its band. The
    same choice as the badge the pages show (the `health_badge` tag)."""
    snapshot = row.snapshot
    return state_of(row.client.status, snapshot and snapshot.band, snapshot and snapshot.confidence)


def state_of(status: str, band: str | None, confidence: str | None) -> str:
    """`health_state` of a client of this status whose latest snapshot has this band and
    confidence (None for both: none yet)."""
    if status == ClientStatus.PROSPECT:
        return "prospect"
    if band is None:
        return "unscored"
    if confidence == "low":
        return "not_enough_data"
    return band


def health_counts(counts: dict[str, int]) -> HealthCounts:
    return HealthCounts(
        band_counts=[(band.value, band.label, counts[band.value]) for band in Band],
        unscored=counts["unscored"],
        not_enough_data=counts["not_enough_data"],
        prospects=counts["prospect"],
    )


def overview(rows: list[PortfolioRow]) -> Overview:
    counts = dict.fromkeys(HEALTH_STATES, 0)
    for row in rows:
        counts[health_state(row)] += 1
    total_hours = sum(row.hours for row in rows)
    # Only a judged client is a troubled one: a guess on too little data is not.
    risky_hours = sum(row.hours for row in rows if health_state(row) in AT_RISK_BANDS)
    paying = [row for row in rows if row.revenue_share]
    return Overview(
        **vars(health_counts(counts)),
        at_risk_hours_share=risky_hours / total_hours if total_hours else None,
        largest=max(paying, key=lambda row: row.revenue_share) if paying else None,
    )


def score_series(*, workspace: Workspace, client_ids, days: int = SPARKLINE_DAYS) -> dict:
    """The last `days` days of scores per client, oldest first, as plain numbers (the
    sparklines need nothing else); one query."""
    since = workspace.today() - dt.timedelta(days=days)
    rows = (
        HealthSnapshot.objects.filter(
            workspace=workspace, client_id__in=list(client_ids), as_of__gte=since
        )
        .order_by("client_id", "as_of")
        .values_list("client_id", "score")
    )
    series = defaultdict(list)
    for client_id, score in rows:
        series[client_id].append(score)
    return series


def score_histories(
    *, workspace: Workspace, client_ids, days: int = SPARKLINE_DAYS
) -> dict[int, list[HealthSnapshot]]:
    """Snapshots of the last `days` days per client, oldest first; one query."""
    since = workspace.today() - dt.timedelta(days=days)
    rows = (
        HealthSnapshot.objects.filter(
            workspace=workspace, client_id__in=list(client_ids), as_of__gte=since
        )
        .order_by("client_id", "as_of")
        .only("client_id", "as_of", "score", "formula_version", "settings")
    )
    histories = defaultdict(list)
    for snapshot in rows:
        histories[snapshot.client_id].append(snapshot)
    return histories


def _alerts_showing_query(workspace: Workspace):
    """The workspace's alerts that ask for attention today, clients in the trash left out."""
    return (
        Alert.objects.for_workspace(workspace)
        .showing(workspace.today())
        .filter(client__deleted_at__isnull=True)
    )


def _alerts_shown(workspace: Workspace):
    """`_alerts_showing_query` as the lists show it: with its client, line and handler, in the
    order of the alerts' index."""
    return (
        _alerts_showing_query(workspace)
        .select_related("client", "boundary", "handled_by")
        .order_by(*SHOWING_ORDER)
    )


def alerts_showing(*, workspace: Workspace, client: Client | None = None, limit=None) -> list:
    """Alerts that ask for attention now, most severe and newest first (sorted and cut in
    SQL: a large workspace can have thousands)."""
    alerts = _alerts_shown(workspace)
    if client is not None:
        alerts = alerts.filter(client=client)
    return list(alerts[:limit] if limit else alerts)


def alerts_list(
    *,
    workspace: Workspace,
    severity: str = "",
    search: str = "",
    owner: int | str | None = None,
) -> QuerySet[Alert]:
    """The alerts of `alerts_showing` (open, acknowledged, and snoozed ones whose date came),
    filtered by severity, client name or company, and the client's owner (a user id, or
    `NO_OWNER`); lazy, for a paginator to count and cut in SQL."""
    alerts = _alerts_shown(workspace)
    if severity:
        alerts = alerts.filter(severity=severity)
    if search:
        alerts = alerts.filter(
            Q(client__name__icontains=search) | Q(client__company__icontains=search)
        )
    if owner == NO_OWNER:
        alerts = alerts.filter(client__owner__isnull=True)
    elif owner is not None:
        alerts = alerts.filter(client__owner_id=owner)
    return alerts


def alerts_showing_count(*, workspace: Workspace) -> int:
    return _alerts_showing_query(workspace).count()


@dataclass
class DepartureQuarter:
    label_year: int
    label_quarter: int
    by_who: dict  # ended_by code -> count
    by_reason: dict  # departure_reason code -> count

    @property
    def total(self) -> int:
        return sum(self.by_who.values())


def departures(*, workspace: Workspace, quarters: int = 8) -> list[DepartureQuarter]:
    """Ended clients by quarter of their end, who ended it and why — newest first, the last
    `quarters` quarters that had any; one query."""
    rows = (
        Client.objects.for_workspace(workspace)
        .alive()
        .filter(status=ClientStatus.ENDED, ended_on__isnull=False)
        .values_list("ended_on", "ended_by", "departure_reason")
    )
    found: dict[tuple[int, int], DepartureQuarter] = {}
    for ended_on, ended_by, reason in rows:
        key = (ended_on.year, (ended_on.month - 1) // 3 + 1)
        quarter = found.setdefault(key, DepartureQuarter(*key, defaultdict(int), defaultdict(int)))
        quarter.by_who[ended_by or "unknown"] += 1
        if reason:
            quarter.by_reason[reason] += 1
    quarters_found = [found[key] for key in sorted(found, reverse=True)[:quarters]]
    for quarter in quarters_found:  # plain dicts: templates look keys up before attributes
        quarter.by_who, quarter.by_reason = dict(quarter.by_who), dict(quarter.by_reason)
    return quarters_found


def alert_dates(workspace: Workspace) -> dict:
    """The dates an alert's controls need: today, and the snooze date offered first."""
    today = workspace.today()
    return {"today": today, "snooze_default": today + dt.timedelta(days=SNOOZE_DAYS)}


def snapshot_dimensions(snapshot: HealthSnapshot) -> list[dict]:
    """The snapshot's dimensions in their fixed order, each with its evidence."""
    rows = []
    for dimension in Dimension:
        data = snapshot.dimensions.get(dimension.value, {})
        rows.append(
            {
                "code": dimension.value,
                "label": dimension.label,
                "score": data.get("score"),
                "contribution": data.get("contribution", 0.0),
                "evidence": data.get("evidence", []),
            }
        )
    return rows


TEAM_DAYS = 90


def client_terms(workspace: Workspace, client_ids) -> dict[int, dict]:
    """What scoring needs to know of each client: its hourly rate (hourly clients with a rate),
    whether it is a prospect, and its owner."""
    rows = Client.objects.for_workspace(workspace).filter(pk__in=list(client_ids))
    return {
        pk: {
            "hourly_rate": float(rate) if model == BillingModel.HOURLY and rate else None,
            "prospect": status == ClientStatus.PROSPECT,
            "owner_id": owner_id,
        }
        for pk, model, rate, status, owner_id in rows.values_list(
            "pk", "billing_model", "rate", "status", "owner_id"
        )
    }


def team_feelings(
    workspace: Workspace, as_of: dt.date, client_ids, days: int = TEAM_DAYS
) -> dict[int, dict[int, tuple[float, float | None]]]:
    """Each member's hours and average feeling with each client over the `days` up to the day:
    {client: {user: (hours, feeling)}}. Viewers and people who left are not members here."""
    tz = workspace.tzinfo
    start = dt.datetime.combine(as_of - dt.timedelta(days=days - 1), dt.time(), tzinfo=tz)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    members = Membership.objects.filter(workspace=workspace).exclude(role=Role.VIEWER)
    rows = (
        Interaction.objects.filter(
            workspace=workspace,
            client_id__in=list(client_ids),
            deleted_at__isnull=True,
            occurred_at__gte=start,
            occurred_at__lt=end,
            author__in=members.values("user_id"),
        )
        .order_by()
        .values("client_id", "author_id")
        .annotate(minutes=Sum("minutes"), feeling=Avg("feeling"))
    )
    team: dict[int, dict] = defaultdict(dict)
    for row in rows:
        feeling = None if row["feeling"] is None else round(float(row["feeling"]), 2)
        team[row["client_id"]][row["author_id"]] = ((row["minutes"] or 0) / 60, feeling)
    return dict(team)


def member_names(workspace: Workspace) -> dict[int, str]:
    """The display name of every member who could take a client over (viewers cannot)."""
    members = (
        Membership.objects.filter(workspace=workspace)
        .exclude(role=Role.VIEWER)
        .select_related("user")
    )
    return {m.user_id: m.user.display_name for m in members}


def agreed_steps(workspace: Workspace, client_ids) -> dict[int, AgreedStep]:
    return {
        step.client_id: step
        for step in AgreedStep.objects.for_workspace(workspace).filter(
            client_id__in=list(client_ids)
        )
    }
