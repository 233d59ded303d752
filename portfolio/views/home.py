"""A workspace's home: log something in seconds, see what was logged, find a client."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.selectors import workspace_members, workspace_setup_steps
from accounts.tenancy import workspace_role

from .. import selectors
from .interactions import quick_log_context


@workspace_role(Role.VIEWER)
def workspace_home(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    members = list(workspace_members(workspace=workspace))
    steps = workspace_setup_steps(workspace=workspace, member_count=len(members))
    counts = selectors.client_counts(workspace=workspace)
    context = {
        "members": members,
        "steps": steps,
        "steps_left": sum(not step["done"] for step in steps),
        "client_counts": counts,
        "client_total": sum(count for _status, _label, count in counts),
        "recent": selectors.recent_interactions(workspace=workspace, limit=10),
    }
    if request.membership.can_write:
        context |= quick_log_context(request)
    return render(request, "portfolio/home.html", context)
