"""Every alert of the workspace on pages of its own: filtered by severity, client and owner,
most severe and newest first, handled one by one from each alert's menu or acknowledged
several at once."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.htmx import render_fragment, wants_fragment
from accounts.models import Role
from accounts.tenancy import workspace_role
from assessments import selectors
from assessments.alerts import alerts_acknowledge
from assessments.forms import AlertFilterForm, AlertsAcknowledgeForm
from assessments.models import AlertStatus
from portfolio.selectors import workspace_has_clients

PAGE_SIZE = 25
TEMPLATE = "home/alerts.html"


def _context(request: HttpRequest) -> dict:
    form = AlertFilterForm(request.GET, workspace=request.workspace, auto_id="alert-filter-%s")
    filters = form.filters()
    alerts = selectors.alerts_list(workspace=request.workspace, **filters)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page": page,
        # Something on the page to tick: acknowledged alerts have no checkbox.
        "acknowledgeable": any(alert.status != AlertStatus.ACKNOWLEDGED for alert in page),
        "query": query.urlencode(),
        "filtered": any(filters.values()),
        # A new workspace meets this page empty: its getting-started steps show here too.
        "no_clients": not page.paginator.count
        and not workspace_has_clients(workspace=request.workspace),
    } | selectors.alert_dates(request.workspace)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_role(Role.VIEWER)
def alerts_page(request: HttpRequest) -> HttpResponse:
    """GET: the page, or its list alone for HTMX. POST: acknowledge the alerts ticked."""
    if request.method != "POST":
        template = f"{TEMPLATE}#results" if wants_fragment(request) else TEMPLATE
        return render(request, template, _context(request))
    form = AlertsAcknowledgeForm(request.POST)
    valid = form.is_valid()
    if valid:
        count = alerts_acknowledge(
            workspace=request.workspace, codes=form.cleaned_data["alerts"], by=request.user
        )
        if count:
            messages.success(
                request,
                ngettext("%(count)d alert acknowledged.", "%(count)d alerts acknowledged.", count)
                % {"count": count},
            )
        else:
            messages.info(request, _("Nothing changed: those alerts were already handled."))
    else:
        messages.error(request, " ".join(form.errors["alerts"]))
    if not wants_fragment(request):
        return redirect(request.get_full_path())  # the same filters and page
    return render_fragment(
        request, f"{TEMPLATE}#results", _context(request), status=200 if valid else 422
    )
