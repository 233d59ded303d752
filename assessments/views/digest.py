"""A member's own choice to receive the weekly digest of a workspace."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Role
from accounts.tenancy import workspace_role


@require_POST
@workspace_role(Role.VIEWER, write=Role.VIEWER)  # their own preference: even a viewer
def digest_set(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("weekly_digest") == "on"
    follow_ups = request.POST.get("follow_up_emails") == "on"
    Membership.objects.filter(pk=request.membership.pk).update(
        weekly_digest=wanted, follow_up_emails=follow_ups
    )
    messages.success(request, _("Your email choices for this workspace are saved."))
    return redirect("home:today", ws=request.workspace.slug)
