"""Pages that compose the apps below: Today (the workspace's home: the quick log, then only what
needs the person now), the portfolio (the map, concentration, the table of clients,
departures) and a client's health panel with its reviews."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.htmx import wants_fragment
from accounts.models import Role
from accounts.selectors import workspace_members, workspace_setup_steps
from accounts.tenancy import get_in_workspace, workspace_role
from assessments import charts, portfolio_reads, scoring, selectors, services
from audit import selectors as audit_selectors
from portfolio import selectors as portfolio_selectors
from portfolio.models import Client, ClientStatus, DepartureReason, EndedBy
from portfolio.quick_log import quick_log_context
from reviews import selectors as review_selectors
from reviews.questions import DECISIONS

PAGE_SIZE = 25
# Codes of charts.quadrant: healthy or not, a large share of the revenue or not.
QUADRANTS = [
    ("keep_and_grow", _("Keep and grow")),
    ("room_to_grow", _("Room to grow")),
    ("protect_your_energy", _("Protect your energy")),
    ("consider_ending", _("Consider ending")),
]
# Today shows a handful: the most severe and newest alerts, the latest entries.
TODAY_ALERTS = 5
TODAY_RECENT = 3


# sort key -> label; assessments.portfolio_reads orders the table by each. Clients without a
# score shown go last.
SORTS = {
    "score": _("Lowest score first"),
    "-score": _("Highest score first"),
    "trend": _("Falling fastest first"),
    "revenue": _("Largest share of revenue first"),
    "hours": _("Most of your hours first"),
    "name": _("Name A–Z"),
}


def _table_context(request: HttpRequest, figures) -> dict:
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "score"
    rows = portfolio_reads.portfolio_table(workspace=request.workspace, sort=sort, figures=figures)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    series = selectors.score_series(
        workspace=request.workspace, client_ids=[row.client.pk for row in page]
    )
    for row in page:
        row.sparkline = charts.sparkline(series.get(row.client.pk, []))
    return {"page": page, "sort": sort, "sorts": list(SORTS.items())}


@workspace_role(Role.VIEWER)
def today(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    if not wants_fragment(request) and {"sort", "page"} & set(request.GET):
        # The table of clients lived here: its old addresses open it on the portfolio.
        address = reverse("home:portfolio", kwargs={"ws": workspace.slug})
        return redirect(f"{address}?{request.GET.urlencode()}")
    summary, client_total = portfolio_reads.portfolio_overview(workspace=workspace)
    steps = workspace_setup_steps(workspace=workspace, member_count=None)
    if not client_total or not all(step["done"] for step in steps):
        # The steps may show: the optional invitation too (its members counted only then).
        steps = workspace_setup_steps(
            workspace=workspace, member_count=workspace_members(workspace=workspace).count()
        )
    steps_left = sum(not step["done"] for step in steps)
    context = {
        "overview": summary,
        "client_total": client_total,
        "alerts": selectors.alerts_showing(workspace=workspace, limit=TODAY_ALERTS),
        "alerts_total": selectors.alerts_showing_count(workspace=workspace),
        "steps": steps,
        "steps_left": steps_left,
        # While the workspace is new: an empty one, or a step that matters still to do (the
        # optional invitation alone does not keep the list on a freelancer's home for ever).
        "show_steps": steps_left > 0
        and (not client_total or any(not step["done"] and not step["optional"] for step in steps)),
        "recent": portfolio_selectors.recent_interactions(workspace=workspace, limit=TODAY_RECENT),
        "follow_ups": review_selectors.follow_ups_due(workspace=workspace, user=request.user),
        "reviews_open": review_selectors.reviews_in_progress(
            workspace=workspace, user=request.user
        ),
    } | selectors.alert_dates(workspace)
    if request.membership.can_write:
        context |= quick_log_context(workspace=workspace, author=request.user)
    return render(request, "home/today.html", context)


@workspace_role(Role.VIEWER)
def portfolio(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    figures = portfolio_reads.portfolio_figures(workspace=workspace)
    context = _table_context(request, figures)
    if wants_fragment(request) and request.htmx.target == "client-table":
        return render(request, "home/portfolio.html#client-table", context)
    named = portfolio_reads.portfolio_clients_named(workspace=workspace, figures=figures)
    figures.overview.largest = named.largest
    bubbles, frame = charts.portfolio_map(named.map)
    quadrants = [
        {
            "code": code,
            "label": label,
            "count": placed["count"],
            "shown": placed["named"],
            "more": placed["count"] - len(placed["named"]),
        }
        for code, label in QUADRANTS
        for placed in [frame["quadrants"][code] if frame else {"count": 0, "named": []}]
    ]
    context |= {
        "overview": figures.overview,
        "client_total": figures.clients,
        "bubbles": bubbles,
        "map": frame,
        "quadrants": quadrants,
        # Not on the map: active clients without enough evidence, and prospects.
        "unplaced": {
            "count": figures.unplaced,
            "shown": named.unplaced,
            "more": figures.unplaced - len(named.unplaced),
        },
        "departures": selectors.departures(workspace=workspace),
        "ended_by": dict(EndedBy.choices),
        "departure_reasons": dict(DepartureReason.choices),
    }
    return render(request, "home/portfolio.html", context)


HISTORY_DAYS = 180
# How long the health panel asks again for a client's queued rescore (a worker that is down
# leaves it to the nightly pass).
RESCORE_WAIT = dt.timedelta(minutes=2)


@workspace_role(Role.VIEWER)
def client_health(request: HttpRequest, code) -> HttpResponse:
    """A client's health panel (on the client page, or as a page of its own), with its alerts
    and its reviews, which belong to its history for the whole workspace."""
    client = get_in_workspace(request, Client.objects.alive().select_related("owner"), code=code)
    workspace = request.workspace
    snapshot = selectors.latest_snapshots(workspace=workspace, client_ids=[client.pk]).get(
        client.pk
    )
    row = selectors.portfolio_row(workspace=workspace, client=client, snapshot=snapshot)
    if snapshot is None and client.status != ClientStatus.ENDED:
        # Not scored yet (its rescore is still queued): computed now, stored by the rescore.
        snapshot = services.snapshot_compute(workspace=workspace, client_id=client.pk)
    # Changed since it was scored, the rescore queued: the panel says so and asks again in a
    # moment (computing it here too would score the client twice, once for nothing).
    stale_since = snapshot.stale_since if snapshot else None
    evidence = snapshot.evidence_count if snapshot else 0
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
        "row": row,
        "chart": charts.trend_chart(history),
        "alerts": selectors.alerts_showing(workspace=workspace, client=client),
        "reviews": review_selectors.client_reviews(client=client),
        "decision_labels": dict(DECISIONS),
        "rescore_queued": bool(stale_since) and timezone.now() - stale_since < RESCORE_WAIT,
    } | selectors.alert_dates(workspace)
    if wants_fragment(request):
        # On the client page: its recent changes come along, swapped into their own section.
        context["changes"] = audit_selectors.recent_changes(workspace=workspace, client=client)
        return render(request, "home/client_health.html#panel", context)
    return render(request, "home/client_health.html", context)
