from __future__ import annotations

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults
from django.views.decorators.http import require_safe

from ..health import cache_problem, database_problem
from ..middleware import visitor_language

# Seconds after which a visitor or a load balancer may try again during an outage.
RETRY_AFTER = 30


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and docker-compose: 200 when the app reaches its database and its
    cache, else 503 naming which one it cannot reach (and nothing about where it is)."""
    checks = {"database": database_problem() or "ok", "cache": cache_problem() or "ok"}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
        headers=None if healthy else {"Retry-After": str(RETRY_AFTER)},
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A request that failed because the database cannot be reached gets a calm
    503, "back in a moment", in the visitor's language; anything else is Django's 500 page."""
    failure = sys.exc_info()[1]
    if not isinstance(failure, DatabaseError) or database_problem() is None:
        return defaults.server_error(request)
    with translation.override(visitor_language(request)):
        # No request context: its processors would read the database again.
        html = render_to_string("503.html", {"language": translation.get_language()})
    return HttpResponse(html, status=503, headers={"Retry-After": str(RETRY_AFTER)})
