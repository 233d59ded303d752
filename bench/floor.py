"""The floor every page is measured against: what any workspace page costs before its own work
(the same middleware, session and membership lookup, base.html) plus one 25-row query."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.tenancy import workspace_role
from portfolio.models import Client


@workspace_role(Role.VIEWER)
def floor(request: HttpRequest) -> HttpResponse:
    clients = Client.objects.for_workspace(request.workspace).alive().order_by("name")[:25]
    return render(request, "floor.html", {"clients": list(clients)})


class QueryCount:
    """Says in an `X-Queries` header how many queries the response took (DEBUG is off)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Queries"] = str(count)
        return response
