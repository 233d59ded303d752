"""Tenancy: the one place that turns `/w/<slug>/…` into a workspace and a membership.

Every URL under `/w/<slug:ws>/` passes through `WorkspaceMiddleware`. It resolves the workspace
*through the user's membership*, so a workspace the user does not belong to is indistinguishable
from one that does not exist (404). The `ws` URL argument is consumed here: views read
`request.workspace` and `request.membership` instead.

Roles are checked here too, from what the view declares with `@workspace_role`: by default any
member (even a viewer) may read, and a write (any unsafe method) needs at least `member`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from .middleware import activate_workspace_language
from .models import Membership, Role, User, Workspace

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_READ_ROLE = Role.VIEWER
DEFAULT_WRITE_ROLE = Role.MEMBER

View = TypeVar("View", bound=Callable[..., HttpResponse])


def workspace_role(read: Role = DEFAULT_READ_ROLE, *, write: Role | None = None):
    """Declare the least role a workspace view needs to read it, and to write through it."""

    def decorate(view: View) -> View:
        view.workspace_read_role = read  # type: ignore[attr-defined]
        view.workspace_write_role = write or max(  # type: ignore[attr-defined]
            read, DEFAULT_WRITE_ROLE, key=lambda role: role.rank
        )
        return view

    return decorate


def required_role(view: Callable, method: str) -> Role:
    if method in SAFE_METHODS:
        return getattr(view, "workspace_read_role", DEFAULT_READ_ROLE)
    return getattr(view, "workspace_write_role", DEFAULT_WRITE_ROLE)


def membership_for(user, slug: str) -> Membership | None:
    return (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace__slug=slug)
        .first()
    )


class WorkspaceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = None
        request.membership = None
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # the next request of this thread may be another workspace's

    def process_view(self, request: HttpRequest, view, view_args, view_kwargs):
        slug = view_kwargs.pop("ws", None)
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_for(request.user, slug)
        if membership is None:
            raise Http404("No such workspace.")
        if not membership.role_enum.at_least(required_role(view, request.method)):
            raise PermissionDenied
        request.workspace = membership.workspace
        request.membership = membership
        activate_workspace_language(request, membership.workspace.language)
        # Times on its pages read in the workspace's zone, so their dates agree with its today.
        timezone.activate(membership.workspace.tzinfo)
        remember_workspace(request.user, membership.workspace)
        return None


def get_in_workspace(request: HttpRequest, queryset, **lookup):
    """One object of the current workspace, or 404: never another workspace's, never a 500.

    `queryset` must offer `for_workspace` (a WorkspaceQuerySet); a malformed code is a 404 too.
    """
    try:
        found = queryset.for_workspace(request.workspace).get(**lookup)
    except (ObjectDoesNotExist, ValidationError):
        raise Http404 from None
    # Its workspace is the request's, read already: `found.workspace` need not read it again.
    found.workspace = request.workspace
    return found


def remember_workspace(user, workspace: Workspace) -> None:
    if user.last_workspace_id != workspace.pk:
        user.last_workspace = workspace
        User.objects.filter(pk=user.pk).update(last_workspace=workspace)
