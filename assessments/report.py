"""The portfolio's health as plain data: what `manage.py health_report` prints, computed live
as of any day (never read from stored snapshots, so a past date gives that day's answer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import Workspace

from .choices import BoundaryKind
from .explain import sentence
from .facts import crossings_on
from .selectors import portfolio_clients, scoring_settings
from .services import Assessment, assess_clients


@dataclass
class ClientHealth:
    """One client's assessment with the figures that are relative to the whole portfolio."""

    client: object
    assessment: Assessment
    revenue_share: float | None
    hours_share: float | None

    @property
    def health(self):
        return self.assessment.health

    @property
    def hours(self) -> float:
        return self.assessment.metrics.minutes / 60

    @property
    def revenue(self) -> float:
        return self.assessment.metrics.revenue

    @property
    def earned(self) -> float:
        """Invoiced plus billable work not invoiced yet (hourly clients with a rate)."""
        return self.assessment.metrics.earned

    @property
    def effective_hourly_rate(self) -> float | None:
        return self.revenue / self.hours if self.hours else None

    @property
    def unbilled_share(self) -> float:
        metrics = self.assessment.metrics
        if not metrics.minutes:
            return 0.0
        return (metrics.minutes - metrics.billable_minutes) / metrics.minutes


def portfolio_health(*, workspace: Workspace, as_of: dt.date) -> list[ClientHealth]:
    """Every client not ended and not in the trash, worst score first (then by name)."""
    clients = list(portfolio_clients(workspace).select_related("owner").order_by("name"))
    assessments = assess_clients(
        workspace=workspace,
        as_of=as_of,
        client_ids=[client.pk for client in clients],
        settings=scoring_settings(workspace),
    )
    total_revenue = sum(a.metrics.revenue for a in assessments.values())
    total_minutes = sum(a.metrics.minutes for a in assessments.values())
    rows = [
        ClientHealth(
            client=client,
            assessment=assessments[client.pk],
            revenue_share=(
                assessments[client.pk].metrics.revenue / total_revenue if total_revenue else None
            ),
            hours_share=(
                assessments[client.pk].metrics.minutes / total_minutes if total_minutes else None
            ),
        )
        for client in clients
    ]
    rows.sort(key=lambda row: row.health.score)
    return rows


def _two(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def client_json(row: ClientHealth, open_alerts: list[dict]) -> dict:
    """One client in the report's JSON shape; sentences in the active language."""
    health = row.health
    return {
        "name": row.client.name,
        "status": row.client.status,
        "score": health.score,
        "band": health.band,
        "confidence": health.confidence,
        "trend_30d": row.assessment.trend_30d,
        "dimensions": {
            name: {
                "score": dimension.score,
                "evidence": [sentence(evidence) for evidence in dimension.evidence],
            }
            for name, dimension in health.dimensions.items()
        },
        "metrics": {
            "revenue": _two(row.revenue),
            "earned": _two(row.earned),
            "hours": _two(row.hours),
            "effective_hourly_rate": _two(row.effective_hourly_rate),
            "unbilled_share": _two(row.unbilled_share),
            "revenue_share": _two(row.revenue_share),
            "hours_share": _two(row.hours_share),
        },
        "open_alerts": open_alerts,
        "suggestion": row.assessment.suggestion,
        "suggestion_reason": sentence(row.assessment.reason),
    }


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
