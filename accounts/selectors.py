from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import RESERVED_SLUGS, Invitation, Membership, User, Workspace, hash_token


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("workspace")
        .order_by("workspace__name", "workspace__slug")
    )


def workspace_members(*, workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.for_workspace(workspace)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def workspace_pending_invitations(*, workspace: Workspace) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_workspace(workspace)
        .pending()
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_by_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def workspace_slug_suggest(name: str) -> str:
    """A free slug derived from a name: "Ana Design" -> "ana-design", then "ana-design-2"…"""
    base = (slugify(name)[:40].strip("-") or "workspace").lower()
    if len(base) < 2:
        base = f"{base}-ws"
    taken = (
        set(Workspace.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# auto_now and auto_now_add stamp a new row microseconds apart: a later save shows as more.
_SAVED_LATER = dt.timedelta(seconds=1)


def _hours_checked(workspace: Workspace) -> bool:
    """The time zone and working hours were looked at: changed from their defaults, or the
    settings page that holds them saved since the workspace was made (the defaults, UTC and
    Monday to Friday from 9 to 18, may be right: confirming them is checking them)."""
    fields = ("time_zone", "working_days", "work_starts_at", "work_ends_at")
    return (
        any(
            getattr(workspace, name) != Workspace._meta.get_field(name).get_default()
            for name in fields
        )
        or workspace.updated_at - workspace.created_at > _SAVED_LATER
    )


def workspace_setup_steps(*, workspace: Workspace, member_count: int | None) -> list[dict]:
    """What a new workspace still needs for its scores to mean something. Without
    `member_count` (not counted), the optional invitation is left out."""
    steps = [
        {
            "done": workspace.target_hourly_rate is not None,
            "title": _("Set your target hourly rate"),
            "why": _("Profitability is judged against it: what an hour of your work should earn."),
            "url_name": "workspace:settings",
            "optional": False,
        },
        {
            "done": _hours_checked(workspace),
            "title": _("Check your time zone and working hours"),
            "why": _("Contact outside them is marked “out of hours” automatically."),
            "url_name": "workspace:settings",
            "optional": False,
        },
        {
            "done": member_count is not None and member_count > 1,
            "title": _("Invite a teammate (optional)"),
            "why": _("In an agency, a client can be handed to a colleague instead of lost."),
            "url_name": "workspace:members",
            "optional": True,
        },
    ]
    return steps if member_count is not None else steps[:-1]
