"""Fixtures shared by every test: a workspace with one person per role, and an outsider.

The outsider belongs to another workspace and must never see anything of `workspace`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from accounts.models import Role
from tests.factories import ClientFactory, MembershipFactory, UserFactory, WorkspaceFactory
from tests.history import history


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits count in the cache: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Aurora Studio", slug="aurora")


def _member(workspace, role: Role, email: str):
    return MembershipFactory(workspace=workspace, role=role, user=UserFactory(email=email))


@pytest.fixture
def owner(workspace):
    return _member(workspace, Role.OWNER, "owner@example.com").user


@pytest.fixture
def manager(workspace):
    return _member(workspace, Role.MANAGER, "manager@example.com").user


@pytest.fixture
def member(workspace):
    return _member(workspace, Role.MEMBER, "member@example.com").user


@pytest.fixture
def viewer(workspace):
    return _member(workspace, Role.VIEWER, "viewer@example.com").user


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(name="Elsewhere Ltd", slug="elsewhere")


@pytest.fixture
def outsider(other_workspace):
    """Owner of another workspace: a real, logged-in user with no place in `workspace`."""
    return _member(other_workspace, Role.OWNER, "outsider@example.com").user


@pytest.fixture
def logged_in(client):
    """Log the test client in as a given user: `logged_in(owner).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def scored_workspace(workspace, owner):
    """A workspace with a target rate and two clients with history: one good, one bad."""
    workspace.target_hourly_rate = Decimal("50")
    workspace.save()
    return workspace


@pytest.fixture
def good_and_bad(scored_workspace, owner):
    good = ClientFactory(workspace=scored_workspace, name="Good Co", owner=owner)
    bad = ClientFactory(workspace=scored_workspace, name="Bad Co", owner=owner)
    history(good, owner, feeling=2, flags=["gratitude"])
    history(bad, owner, feeling=-2, flags=["disrespect", "distrust"], kind="call")
    return good, bad
