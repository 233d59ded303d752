"""The actions on an alert: acknowledge, snooze, resolve, reopen, and (managers) mute its line
for the client, with undo."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.htmx import render_fragment, wants_fragment
from accounts.models import Role
from accounts.tenancy import get_in_workspace, workspace_role

from .. import alerts, selectors, services
from ..forms import AlertSnoozeForm
from ..models import Alert, AlertStatus

# action -> (service, needs a manager)
ACTIONS = {
    "acknowledge": (alerts.alert_acknowledge, False),
    "resolve": (alerts.alert_resolve, False),
    "reopen": (alerts.alert_reopen, False),
    "mute": (services.alert_mute, True),
    "unmute": (services.alert_unmute, True),
}


def _snooze_until(request: HttpRequest) -> dt.date:
    form = AlertSnoozeForm(request.POST, today=request.workspace.today())
    if not form.is_valid():
        raise ValidationError(
            form.non_field_errors() or _("Choose the date until which to snooze the alert.")
        )
    return form.cleaned_data["until"]


def _next(request: HttpRequest) -> str | None:
    """The page of this workspace the alert was handled on, to go back to without JavaScript."""
    path = request.POST.get("next", "")
    return path if _allowed_next(request, path) else None


def _allowed_next(request: HttpRequest, path: str) -> bool:
    return path.startswith(f"/w/{request.workspace.slug}/") and url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_POST
@workspace_role(Role.VIEWER, write=Role.MEMBER)
def alert_action(request: HttpRequest, code, action: str) -> HttpResponse:
    if action not in (*ACTIONS, "snooze"):
        raise Http404
    alert = get_in_workspace(
        request,
        Alert.objects.select_related("client", "boundary").filter(client__deleted_at__isnull=True),
        code=code,
    )
    back = _next(request)
    # What the fragment needs to be drawn again as the page that sent it drew it.
    context = {
        "alert": alert,
        "show_client": True,
        "next": back,
        "selectable": request.POST.get("selectable") == "1",
    } | selectors.alert_dates(request.workspace)
    try:
        if action == "snooze":
            alerts.alert_snooze(alert=alert, by=request.user, until=_snooze_until(request))
        else:
            service, managers_only = ACTIONS[action]
            if managers_only and not request.membership.can_manage:
                raise PermissionDenied
            service(alert=alert, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if wants_fragment(request):
            return render_fragment(request, "assessments/_alert.html", context, status=422)
        return redirect(back) if back else redirect("home:today", ws=request.workspace.slug)
    if wants_fragment(request):
        template = (
            "assessments/_alert.html"
            if alert.status == AlertStatus.OPEN
            else "assessments/_alert_done.html"
        )
        return render_fragment(request, template, context | {"muted": action == "mute"})
    messages.success(request, _("Alert updated."))
    return redirect(back) if back else redirect("home:today", ws=request.workspace.slug)


@workspace_role(Role.MEMBER)
def alert_menu(request: HttpRequest, code) -> HttpResponse:
    """An alert's other actions (snooze, mute, resolve): the menu's items, drawn when the menu
    is first opened; without JavaScript, the alert's own page with its menu open."""
    alert = get_in_workspace(
        request,
        Alert.objects.select_related("client", "boundary", "handled_by").filter(
            client__deleted_at__isnull=True
        ),
        code=code,
    )
    if request.method != "GET":  # only read; after the lookup, so that a stranger's is a 404
        return HttpResponseNotAllowed(["GET"])
    context = {"alert": alert} | selectors.alert_dates(request.workspace)
    if wants_fragment(request):
        return render(request, "assessments/_alert_menu.html", context)
    path = request.GET.get("next", "")
    back = path if _allowed_next(request, path) else None
    return render(
        request,
        "assessments/alert.html",
        context | {"show_client": True, "menu_open": True, "next": back},
    )
