"""The audit trail on pages: a client's history, and the workspace's activity log, for owners.
(The client page's recent changes come with its health panel: see home.views.client_health.)"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from accounts.htmx import wants_fragment
from accounts.models import Role
from accounts.selectors import workspace_members
from accounts.tenancy import get_in_workspace, workspace_role
from portfolio.models import Client

from . import selectors
from .forms import ActivityFilterForm
from .kinds import CLIENT_KINDS

PAGE_SIZE = 25


@workspace_role(Role.VIEWER)
def client_history(request: HttpRequest, code) -> HttpResponse:
    """Changes to a client, its entries and its invoices. Whoever may open the client page (a
    viewer too) sees them: the page shows the same records."""
    client = get_in_workspace(request, Client.objects.alive(), code=code)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    workspace = request.workspace
    feed = selectors.feed(workspace=workspace, kinds=list(CLIENT_KINDS), client=client)
    page = Paginator(feed, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "client": client,
        "page": page,
        "lines": selectors.lines(workspace=workspace, page=page),
    }
    if wants_fragment(request):
        return render(request, "audit/client_history.html#results", context)
    return render(request, "audit/client_history.html", context)


@workspace_role(Role.OWNER)
def activity(request: HttpRequest) -> HttpResponse:
    """Every recorded change in the workspace, newest first, by kind of record and person."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    workspace = request.workspace
    form = ActivityFilterForm(request.GET, members=workspace_members(workspace=workspace))
    filters = form.filters()
    feed = selectors.feed(
        workspace=workspace, kinds=filters["kinds"], person_id=filters["person_id"]
    )
    page = Paginator(feed, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filtered": bool(filters["kind"] or filters["person_id"]),
        "page": page,
        "lines": selectors.lines(workspace=workspace, page=page),
        "query": query.urlencode(),
    }
    if wants_fragment(request):
        return render(request, "audit/activity.html#results", context)
    return render(request, "audit/activity.html", context)
