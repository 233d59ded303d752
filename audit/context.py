"""Who is acting, for the signals that record changes where there are no triggers (SQLite).

On PostgreSQL, pghistory's own middleware passes the same facts to its triggers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

# {"id": uuid, "metadata": {"user": pk, "url": path}} while a writing request runs.
current: ContextVar[dict | None] = ContextVar("audit_context", default=None)

# As pghistory's middleware: reads change nothing, so they need no context.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AuditContextMiddleware:
    """Names the signed-in user and the address behind every change a request makes. The user is
    read when the first change is recorded, so a login in the same request counts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in WRITE_METHODS:
            return self.get_response(request)
        token = current.set({"id": uuid.uuid4(), "request": request})
        try:
            return self.get_response(request)
        finally:
            current.reset(token)


def context_now() -> tuple[uuid.UUID | None, dict | None]:
    """The context id and metadata to store with an event, as pghistory stores them."""
    state = current.get()
    if state is None:
        return None, None
    request = state["request"]
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    return state["id"], {"user": user_id, "url": request.path}
