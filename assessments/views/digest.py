"""A member's own choice to receive the weekly digest of a workspace."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.services import membership_emails_choose
from accounts.tenancy import workspace_role

from ..forms import EmailChoicesForm


@require_POST
@workspace_role(Role.VIEWER, write=Role.VIEWER)  # their own preference: even a viewer
def digest_set(request: HttpRequest) -> HttpResponse:
    form = EmailChoicesForm(request.POST)
    form.is_valid()  # two check boxes: unchecked is a valid answer
    membership_emails_choose(
        membership=request.membership,
        weekly_digest=form.cleaned_data["weekly_digest"],
        follow_up_emails=form.cleaned_data["follow_up_emails"],
    )
    messages.success(request, _("Your email choices for this workspace are saved."))
    return redirect("home:today", ws=request.workspace.slug)
