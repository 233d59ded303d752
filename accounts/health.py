"""Whether the services Clientwise cannot work without answer: for /healthz and for the page
shown when the database cannot be reached."""

from __future__ import annotations

from django.core.cache import cache
from django.db import DatabaseError, connection


def database_problem() -> str | None:
    """None when the database answers a query; else what is wrong, in a word for operators."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        # A broken connection is dropped, so that the next request connects afresh and the app
        # recovers by itself when the database is back (CONN_HEALTH_CHECKS checks kept ones).
        connection.close_if_unusable_or_obsolete()
        return "unreachable"
    return None


def cache_problem() -> str | None:
    """None when the shared cache (rate limits) stores and reads a value; else what is wrong."""
    try:
        cache.set("healthz", "ok", timeout=10)
        if cache.get("healthz") != "ok":
            return "not storing"
    except Exception:  # each cache backend raises its own errors (redis, a socket, a file)
        return "unreachable"
    return None
