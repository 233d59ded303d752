"""Pages cost a fixed number of queries, however many members or workspaces there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the session and the user's last workspace
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["home:today", "workspace:members", "workspace:settings"])
def test_workspace_pages_do_not_grow_with_the_team(logged_in, owner, workspace, name):
    client = logged_in(owner)
    url = reverse(name, kwargs={"ws": workspace.slug})
    small = queries_for(client, url)
    for _ in range(15):
        MembershipFactory(workspace=workspace, role=Role.MEMBER)
        Membership.objects.create(user=owner, workspace=WorkspaceFactory(), role=Role.VIEWER)
    UserFactory.create_batch(5)
    assert queries_for(client, url) == small


@pytest.mark.parametrize(
    "name, expected",
    # session, user, membership (tenancy), switcher, then the page's own reads
    [("home:today", 13), ("workspace:members", 6), ("workspace:settings", 4)],
)
def test_workspace_pages_cost_a_known_number_of_queries(
    logged_in, owner, workspace, name, expected
):
    url = reverse(name, kwargs={"ws": workspace.slug})
    assert queries_for(logged_in(owner), url) == expected
