"""Pages that compose the apps below: the workspace's home (the portfolio at a glance — bands,
alerts, hours on troubled clients, revenue concentration, the map, the table of clients —, the
quick log, follow-ups and reviews in progress) and a client's health panel with its reviews."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.htmx import wants_fragment
from accounts.models import Role
from accounts.selectors import workspace_members, workspace_setup_steps
from accounts.tenancy import get_in_workspace, workspace_role
from assessments import charts, scoring, selectors, services
from portfolio import selectors as portfolio_selectors
from portfolio.models import Client, ClientStatus, DepartureReason, EndedBy
from portfolio.quick_log import quick_log_context
from reviews import selectors as review_selectors
from reviews.questions import DECISIONS

PAGE_SIZE = 25
# The map's text alternative names this many clients per quadrant, largest share first.
QUADRANT_NAMES = 12
# Codes of charts.quadrant: healthy or not, a large share of the revenue or not.
QUADRANTS = [
    ("keep_and_grow", _("Keep and grow")),
    ("room_to_grow", _("Room to grow")),
    ("protect_your_energy", _("Protect your energy")),
    ("consider_ending", _("Consider ending")),
]
ALERTS_SHOWN = 8


def _judged(row) -> bool:
    """The row's score stands on enough evidence to be shown (the table shows "—" otherwise)."""
    return row.snapshot is not None and row.snapshot.confidence != "low"


def _shown_score(row) -> int | None:
    return row.snapshot.score if _judged(row) else None


def _shown_trend(row) -> int | None:
    return row.snapshot.trend_30d if _judged(row) else None


# sort key -> (label, key function, reverse). Clients without a score shown go last.
SORTS = {
    "score": (
        _("Lowest score first"),
        lambda r: (_shown_score(r) is None, _shown_score(r) or 0),
        False,
    ),
    "-score": (
        _("Highest score first"),
        lambda r: (_shown_score(r) is not None, _shown_score(r) or 0),
        True,
    ),
    "trend": (
        _("Falling fastest first"),
        lambda r: (_shown_trend(r) is None, _shown_trend(r) or 0),
        False,
    ),
    "revenue": (_("Largest share of revenue first"), lambda r: r.revenue_share or 0, True),
    "hours": (_("Most of your hours first"), lambda r: r.hours_share or 0, True),
    "name": (_("Name A–Z"), lambda r: r.client.name.lower(), False),
}


def _table_context(request: HttpRequest, rows) -> dict:
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "score"
    _label, key, reverse = SORTS[sort]
    ordered = sorted(rows, key=key, reverse=reverse)
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    series = selectors.score_series(
        workspace=request.workspace, client_ids=[row.client.pk for row in page]
    )
    for row in page:
        row.sparkline = charts.sparkline(series.get(row.client.pk, []))
    return {
        "page": page,
        "sort": sort,
        "sorts": [(value, label) for value, (label, _key, _reverse) in SORTS.items()],
    }


@workspace_role(Role.VIEWER)
def dashboard(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    rows = selectors.portfolio_rows(workspace=workspace)
    context = _table_context(request, rows)
    if wants_fragment(request) and request.htmx.target == "client-table":
        return render(request, "home/dashboard.html#client-table", context)
    members = list(workspace_members(workspace=workspace))
    steps = workspace_setup_steps(workspace=workspace, member_count=len(members))
    bubbles, frame = charts.portfolio_map(rows)
    quadrants = [
        {
            "code": code,
            "label": label,
            "rows": placed,
            "shown": placed[:QUADRANT_NAMES],
            "more": max(0, len(placed) - QUADRANT_NAMES),
        }
        for code, label in QUADRANTS
        for placed in [
            sorted(
                (b.row for b in bubbles if b.quadrant == code),
                key=lambda row: -(row.revenue_share or 0),
            )
        ]
    ]
    alerts = selectors.alerts_showing(workspace=workspace, limit=ALERTS_SHOWN)
    alerts_total = selectors.alerts_showing_count(workspace=workspace)
    context |= {
        "overview": selectors.overview(rows),
        "bubbles": bubbles,
        "map": frame,
        "quadrants": quadrants,
        # Not on the map: active clients without enough evidence, and prospects.
        "unplaced": [
            row
            for row in rows
            if row.client.status == ClientStatus.PROSPECT
            or (row.client.status == ClientStatus.ACTIVE and not _judged(row))
        ],
        "alerts": alerts,
        "alerts_total": alerts_total,
        "alerts_more": max(0, alerts_total - len(alerts)),
        "members": members,
        "steps": steps,
        "steps_left": sum(not step["done"] for step in steps),
        "client_total": len(rows),
        "recent": portfolio_selectors.recent_interactions(workspace=workspace, limit=10),
    }
    context |= selectors.alert_dates(workspace)
    context |= {
        "follow_ups": review_selectors.follow_ups_due(workspace=workspace, user=request.user),
        "reviews_open": review_selectors.reviews_in_progress(
            workspace=workspace, user=request.user
        ),
        "departures": selectors.departures(workspace=workspace),
        "ended_by": dict(EndedBy.choices),
        "departure_reasons": dict(DepartureReason.choices),
    }
    if request.membership.can_write:
        context |= quick_log_context(workspace=workspace, author=request.user)
    return render(request, "home/dashboard.html", context)


HISTORY_DAYS = 180


@workspace_role(Role.VIEWER)
def client_health(request: HttpRequest, code) -> HttpResponse:
    """A client's health panel (on the client page, or as a page of its own), with its alerts
    and its reviews, which belong to its history for the whole workspace."""
    client = get_in_workspace(request, Client.objects.alive().select_related("owner"), code=code)
    workspace = request.workspace
    snapshot = selectors.latest_snapshots(workspace=workspace, client_ids=[client.pk]).get(
        client.pk
    )
    if snapshot is None and client.status != ClientStatus.ENDED:
        # Not scored yet (its rescore is still queued): computed now, stored by the rescore.
        snapshot = services.snapshot_compute(workspace=workspace, client_id=client.pk)
    evidence = snapshot.evidence_count if snapshot else 0
    rows = {row.client.pk: row for row in selectors.portfolio_rows(workspace=workspace)}
    history = selectors.score_histories(
        workspace=workspace, client_ids=[client.pk], days=HISTORY_DAYS
    ).get(client.pk, [])
    context = {
        "client": client,
        "snapshot": snapshot,
        "dimensions": selectors.snapshot_dimensions(snapshot) if snapshot else [],
        # Entries and invoices in the window from which a score is more than a guess.
        "evidence_needed": scoring.MEDIUM_EVIDENCE,
        "evidence_missing": max(0, scoring.MEDIUM_EVIDENCE - evidence),
        "row": rows.get(client.pk),
        "chart": charts.trend_chart(history),
        "alerts": selectors.alerts_showing(workspace=workspace, client=client),
        "reviews": review_selectors.client_reviews(client=client),
        "decision_labels": dict(DECISIONS),
    } | selectors.alert_dates(workspace)
    if wants_fragment(request):
        return render(request, "home/client_health.html#panel", context)
    return render(request, "home/client_health.html", context)
