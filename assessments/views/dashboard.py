"""The workspace's home: the portfolio at a glance (bands, alerts, hours on troubled clients,
revenue concentration, the map, the table of clients) and the quick log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.htmx import wants_fragment
from accounts.models import Role
from accounts.selectors import workspace_members, workspace_setup_steps
from accounts.tenancy import workspace_role
from portfolio import selectors as portfolio_selectors
from portfolio.models import DepartureReason, EndedBy
from portfolio.views.interactions import quick_log_context

from .. import charts, selectors
from .health import alert_context

PAGE_SIZE = 25
# The map's text alternative names this many clients per quadrant, largest share first.
QUADRANT_NAMES = 12
QUADRANTS = [
    ("keep_and_grow", _("Keep and grow")),
    ("protect_your_energy", _("Protect your energy")),
    ("renegotiate", _("Renegotiate")),
    ("consider_ending", _("Consider ending")),
]
ALERTS_SHOWN = 8

# sort key -> (label, key function, reverse). Clients without a score yet go last.
SORTS = {
    "score": (_("Lowest score first"), lambda r: (r.score is None, r.score or 0), False),
    "-score": (_("Highest score first"), lambda r: (r.score is not None, r.score or 0), True),
    "trend": (
        _("Falling fastest first"),
        lambda r: (
            r.snapshot is None or r.snapshot.trend_30d is None,
            r.snapshot.trend_30d if r.snapshot and r.snapshot.trend_30d is not None else 0,
        ),
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
        return render(request, "assessments/dashboard.html#client-table", context)
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
        "unplaced": [
            row
            for row in rows
            if row.client.status == "active"
            and (row.snapshot is None or row.snapshot.confidence == "low")
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
    context |= alert_context(request)
    context |= {
        "follow_ups": selectors.follow_ups_due(workspace=workspace, user=request.user),
        "reviews_open": selectors.reviews_in_progress(workspace=workspace, user=request.user),
        "departures": selectors.departures(workspace=workspace),
        "ended_by": dict(EndedBy.choices),
        "departure_reasons": dict(DepartureReason.choices),
    }
    if request.membership.can_write:
        context |= quick_log_context(request)
    return render(request, "assessments/dashboard.html", context)
