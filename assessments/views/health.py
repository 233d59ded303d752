"""A client's health panel (shown on the client page, or as a page of its own) and the actions
on alerts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.htmx import render_fragment, wants_fragment
from accounts.models import Role
from accounts.tenancy import get_in_workspace, workspace_role
from portfolio.models import Client

from .. import alerts as alert_services
from .. import charts, selectors
from ..models import Alert, AlertStatus, Dimension, ReviewStatus
from ..reviews.questions import DECISIONS
from ..services import clients_rescore, workspace_today

HISTORY_DAYS = 180
SNOOZE_DAYS = 7


def _client(request: HttpRequest, code) -> Client:
    return get_in_workspace(request, Client.objects.alive().select_related("owner"), code=code)


def alert_context(request: HttpRequest) -> dict:
    today = workspace_today(request.workspace)
    return {"today": today, "snooze_default": today + dt.timedelta(days=SNOOZE_DAYS)}


def _dimensions(snapshot) -> list[dict]:
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


@workspace_role(Role.VIEWER)
def client_health(request: HttpRequest, code) -> HttpResponse:
    client = _client(request, code)
    workspace = request.workspace
    snapshot = selectors.latest_snapshots(workspace=workspace, client_ids=[client.pk]).get(
        client.pk
    )
    if snapshot is None and client.status != "ended":
        # Never scored (e.g. added before the nightly pass ran): score it now.
        clients_rescore(workspace=workspace, client_ids=[client.pk])
        snapshot = selectors.latest_snapshots(workspace=workspace, client_ids=[client.pk]).get(
            client.pk
        )
    rows = {row.client.pk: row for row in selectors.portfolio_rows(workspace=workspace)}
    history = selectors.score_histories(
        workspace=workspace, client_ids=[client.pk], days=HISTORY_DAYS
    ).get(client.pk, [])
    context = {
        "client": client,
        "snapshot": snapshot,
        "dimensions": _dimensions(snapshot) if snapshot else [],
        "row": rows.get(client.pk),
        "chart": charts.trend_chart(history),
        "alerts": selectors.alerts_showing(workspace=workspace, client=client),
        # The client's reviews belong to its history, for everyone in the workspace.
        "reviews": list(
            client.reviews.exclude(status=ReviewStatus.CANCELLED)
            .select_related("author")
            .order_by("-started_at")[:10]
        ),
        "decision_labels": dict(DECISIONS),
    } | alert_context(request)
    if wants_fragment(request):
        return render(request, "assessments/client_health.html#panel", context)
    return render(request, "assessments/client_health.html", context)


ACTIONS = {
    "acknowledge": lambda alert, request: alert_services.alert_acknowledge(
        alert=alert, by=request.user
    ),
    "resolve": lambda alert, request: alert_services.alert_resolve(alert=alert, by=request.user),
    "reopen": lambda alert, request: alert_services.alert_reopen(alert=alert, by=request.user),
}


def _snooze_until(request: HttpRequest) -> dt.date:
    try:
        until = dt.date.fromisoformat(request.POST.get("until", ""))
    except ValueError:
        raise ValidationError(_("Choose the date until which to snooze the alert.")) from None
    if until <= workspace_today(request.workspace):
        raise ValidationError(_("Choose a date after today."))
    return until


def _mute(alert: Alert, request: HttpRequest) -> None:
    """Never this line for this client again (e.g. contractual 45-day payment terms)."""
    if not request.membership.can_manage:
        raise PermissionDenied
    alert.boundary.muted_clients.add(alert.client)
    clients_rescore(workspace=request.workspace, client_ids=[alert.client_id])
    alert.refresh_from_db()


def _unmute(alert: Alert, request: HttpRequest) -> None:
    if not request.membership.can_manage:
        raise PermissionDenied
    alert.boundary.muted_clients.remove(alert.client)
    alert_services.alert_reopen(alert=alert, by=request.user)
    clients_rescore(workspace=request.workspace, client_ids=[alert.client_id])
    alert.refresh_from_db()


MANAGER_ACTIONS = {"mute": _mute, "unmute": _unmute}


@require_POST
@workspace_role(Role.VIEWER, write=Role.MEMBER)
def alert_action(request: HttpRequest, code, action: str) -> HttpResponse:
    if action not in (*ACTIONS, *MANAGER_ACTIONS, "snooze"):
        raise Http404
    alert = get_in_workspace(
        request,
        Alert.objects.select_related("client", "boundary").filter(client__deleted_at__isnull=True),
        code=code,
    )
    try:
        if action == "snooze":
            alert_services.alert_snooze(alert=alert, by=request.user, until=_snooze_until(request))
        elif action in MANAGER_ACTIONS:
            MANAGER_ACTIONS[action](alert, request)
        else:
            ACTIONS[action](alert, request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if wants_fragment(request):
            context = {"alert": alert, "show_client": True} | alert_context(request)
            return render_fragment(request, "assessments/_alert.html", context, status=422)
        return redirect("workspace:home", ws=request.workspace.slug)
    if wants_fragment(request):
        template = (
            "assessments/_alert.html"
            if alert.status == AlertStatus.OPEN
            else "assessments/_alert_done.html"
        )
        context = {"alert": alert, "show_client": True, "muted": action == "mute"}
        return render_fragment(request, template, context | alert_context(request))
    messages.success(request, _("Alert updated."))
    return redirect("workspace:home", ws=request.workspace.slug)
