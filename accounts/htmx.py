"""Small helpers for views that answer HTMX requests with a fragment of their page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def wants_fragment(request: HttpRequest) -> bool:
    """True for an HTMX request that swaps part of a page.

    A history-restore request (the user pressed Back and htmx has no cached copy) is an HTMX
    request too, but it must get the whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_fragment(
    request: HttpRequest, template_name: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """A piece of a page, plus the pending messages swapped out of band into the layout."""
    html = render_to_string(template_name, context, request)
    html += render_to_string("_messages.html", {"oob": True}, request)
    return HttpResponse(html, status=status)
