"""Members of a workspace and the invitations that bring new ones in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_POST

from .. import ratelimit
from ..forms import InvitationForm, MemberRoleForm
from ..htmx import render_fragment, wants_fragment
from ..models import Invitation, Membership, Role
from ..selectors import invitation_by_token, workspace_members, workspace_pending_invitations
from ..services import (
    invitation_accept as accept,
)
from ..services import (
    invitation_create,
    membership_change_role,
    membership_remove,
)
from ..services import (
    invitation_revoke as revoke,
)
from ..tenancy import get_in_workspace, workspace_role

PAGE = "accounts/members.html"


def _editable(member: Membership, actor: Membership) -> Membership:
    member.editable = actor.may_manage(member)
    return member


def _members_context(request: HttpRequest, invite_form: InvitationForm | None = None) -> dict:
    actor = request.membership
    members = [_editable(m, actor) for m in workspace_members(workspace=request.workspace)]
    return {
        "members": members,
        "invitations": workspace_pending_invitations(workspace=request.workspace)
        if actor.can_manage
        else [],
        "invite_form": invite_form or InvitationForm(actor_role=actor.role),
        "role_choices": MemberRoleForm(actor_role=actor.role).fields["role"].choices,
    }


# The day's caps on invitations, and what reaching each says (the count chooses the plural).
INVITATION_LIMITS = (
    (
        "invitation_inviter",
        ngettext_lazy(
            "You have sent the most invitations allowed in a day (%(count)s). Try again tomorrow.",
            "You have sent the most invitations allowed in a day (%(count)s). Try again tomorrow.",
            "count",
        ),
    ),
    (
        "invitation_workspace",
        ngettext_lazy(
            "This workspace has sent the most invitations allowed in a day (%(count)s). "
            "Try again tomorrow.",
            "This workspace has sent the most invitations allowed in a day (%(count)s). "
            "Try again tomorrow.",
            "count",
        ),
    ),
)


def _within_invitation_limits(request: HttpRequest, form: InvitationForm) -> bool:
    """Each invitation is an email to an address someone typed: capped per person and per
    workspace a day, so that an account cannot be used to send mail to strangers in bulk."""
    subjects = {"invitation_inviter": request.user.pk, "invitation_workspace": request.workspace.pk}
    for name, message in INVITATION_LIMITS:
        cap = ratelimit.limit(name)
        if not ratelimit.hit(cap, str(subjects[name])):
            form.add_error(None, message % {"count": cap.count})
            return False
    return True


@workspace_role(Role.VIEWER, write=Role.MANAGER)
def members(request: HttpRequest) -> HttpResponse:
    """The members list; a POST here is the invitation form."""
    actor = request.membership
    form = InvitationForm(request.POST or None, actor_role=actor.role)
    if request.method == "POST" and form.is_valid() and _within_invitation_limits(request, form):
        try:
            invitation = invitation_create(
                workspace=request.workspace,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=actor,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The same validity as the email states (its expiry was set a moment before the
            # row's creation time, so the difference of the two is a day short).
            days = settings.INVITATION_TTL_DAYS
            messages.success(
                request,
                ngettext(
                    "Invitation sent to %(email)s. You can also share this link with them "
                    "yourself; it works once and expires in %(days)s day: %(link)s",
                    "Invitation sent to %(email)s. You can also share this link with them "
                    "yourself; it works once and expires in %(days)s days: %(link)s",
                    days,
                )
                % {
                    "email": invitation.email,
                    "days": days,
                    "link": request.build_absolute_uri(f"/invitations/{invitation.token}/"),
                },
            )
            if wants_fragment(request):
                context = _members_context(request)
                return render_fragment(request, f"{PAGE}#invitations", context)
            return redirect("workspace:members", ws=request.workspace.slug)
    context = _members_context(request, invite_form=form)
    status = 422 if form.errors else 200
    if wants_fragment(request) and request.method == "POST":
        return render_fragment(request, f"{PAGE}#invitations", context, status=status)
    return render(request, PAGE, context, status=status)


@require_POST
@workspace_role(Role.MANAGER)
def member_role(request: HttpRequest, code) -> HttpResponse:
    member = get_in_workspace(request, Membership.objects.select_related("user"), code=code)
    form = MemberRoleForm(request.POST, actor_role=request.membership.role)
    status = 200
    if form.is_valid():
        try:
            membership_change_role(
                membership=member, role=form.cleaned_data["role"], by=request.membership
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 422
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": member.user.display_name, "role": member.get_role_display()},
            )
    else:
        messages.error(request, _("Choose a valid role."))
        status = 422
    if wants_fragment(request):
        member.refresh_from_db()
        context = _members_context(request) | {"member": _editable(member, request.membership)}
        return render_fragment(request, f"{PAGE}#member-row", context, status=status)
    return redirect("workspace:members", ws=request.workspace.slug)


@workspace_role(Role.MANAGER)
def member_remove(request: HttpRequest, code) -> HttpResponse:
    member = get_in_workspace(request, Membership.objects.select_related("user"), code=code)
    if member.pk == request.membership.pk:
        return redirect("workspace:leave", ws=request.workspace.slug)
    if request.method == "POST":
        try:
            membership_remove(membership=member, by=request.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s was removed from the workspace.") % {"name": member.user.display_name},
            )
        return redirect("workspace:members", ws=request.workspace.slug)
    return render(request, "accounts/member_remove.html", {"member": member})


@require_POST
@workspace_role(Role.MANAGER)
def invitation_revoke(request: HttpRequest, code) -> HttpResponse:
    invitation = get_in_workspace(request, Invitation.objects, code=code)
    revoke(invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    if wants_fragment(request):
        return render_fragment(request, f"{PAGE}#invitations", _members_context(request))
    return redirect("workspace:members", ws=request.workspace.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation email. Logged-out visitors are led to sign up or log in."""
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation.html", {"problem": "invalid"}, status=404)
    if not invitation.is_usable:
        problem = "used" if invitation.is_accepted else "expired"
        return render(request, "accounts/invitation.html", {"problem": problem}, status=410)
    already_member = (
        request.user.is_authenticated
        and Membership.objects.filter(user=request.user, workspace=invitation.workspace).exists()
    )
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("invitation_accept", token=token)
        messages.success(
            request,
            _("You joined %(workspace)s as %(role)s.")
            % {"workspace": membership.workspace.name, "role": membership.get_role_display()},
        )
        return redirect("home:today", ws=membership.workspace.slug)
    wrong_account = request.user.is_authenticated and (
        request.user.email.lower() != invitation.email.lower()
    )
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "already_member": already_member,
            "wrong_account": wrong_account,
            "next": request.path,
        },
    )
