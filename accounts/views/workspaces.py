"""A workspace's own pages: its home, its settings, leaving it and deleting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms import TypeToConfirmForm, WorkspaceCreateForm, WorkspaceSettingsForm
from ..models import Role
from ..selectors import workspace_members, workspace_pending_invitations
from ..services import membership_remove, workspace_delete, workspace_settings_update
from ..services import workspace_create as create
from ..tenancy import workspace_role


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    form = WorkspaceCreateForm(
        request.POST or None,
        initial={"language": request.LANGUAGE_CODE, "time_zone": "UTC"},
    )
    if request.method == "POST" and form.is_valid():
        workspace = create(owner=request.user, **form.cleaned_data)
        messages.success(request, _("Workspace %(name)s is ready.") % {"name": workspace.name})
        return redirect("home:today", ws=workspace.slug)
    return render(
        request,
        "accounts/workspace_create.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@workspace_role(Role.VIEWER, write=Role.MANAGER)
def workspace_settings(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    form = WorkspaceSettingsForm(request.POST or None, instance=workspace)
    if not request.membership.can_manage:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            workspace_settings_update(workspace=workspace, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Workspace settings saved."))
            return redirect("workspace:settings", ws=workspace.slug)
    return render(
        request,
        "accounts/workspace_settings.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@workspace_role(Role.VIEWER, write=Role.VIEWER)
def workspace_leave(request: HttpRequest) -> HttpResponse:
    """Any member may leave, a viewer included; the last owner may not."""
    membership = request.membership
    if request.method == "POST":
        try:
            membership_remove(membership=membership, by=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workspace:leave", ws=request.workspace.slug)
        messages.success(
            request, _("You left %(workspace)s.") % {"workspace": request.workspace.name}
        )
        return redirect("home")
    return render(request, "accounts/workspace_leave.html")


@workspace_role(Role.OWNER)
def workspace_delete_view(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    form = TypeToConfirmForm(request.POST or None, expected=workspace.slug)
    if request.method == "POST" and form.is_valid():
        name = workspace.name
        workspace_delete(workspace=workspace, by=request.membership)
        messages.success(request, _("Workspace %(name)s was deleted.") % {"name": name})
        return redirect("home")
    return render(
        request,
        "accounts/workspace_delete.html",
        {
            "form": form,
            "member_count": workspace_members(workspace=workspace).count(),
            "pending_invitations": workspace_pending_invitations(workspace=workspace).count(),
        },
        status=422 if form.errors else 200,
    )
