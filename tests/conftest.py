"""Fixtures shared by every test: a workspace with one person per role, and an outsider.

The outsider belongs to another workspace and must never see anything of `workspace`.
"""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory


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
