"""The nightly pass (`manage.py assessments_daily`) over every workspace: one that fails does
not stop the others, and the command says which failed."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from assessments import services
from assessments.models import HealthSnapshot
from tests.factories import ClientFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_a_failing_workspace_does_not_stop_the_workspaces_after_it(monkeypatch):
    broken = WorkspaceFactory(slug="broken")
    later = WorkspaceFactory(slug="later")
    ClientFactory(workspace=broken)
    scored = ClientFactory(workspace=later)
    real = services.clients_rescore

    def rescore(*, workspace, client_ids=None):
        if workspace.slug == "broken":
            raise RuntimeError("disk full")
        return real(workspace=workspace, client_ids=client_ids)

    monkeypatch.setattr("home.management.commands.assessments_daily.clients_rescore", rescore)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("assessments_daily", "--no-digests", stdout=out, stderr=err)
    assert HealthSnapshot.objects.filter(client=scored).exists()
    assert "later: 1 clients scored" in out.getvalue()
    assert "broken: failed (RuntimeError: disk full)" in err.getvalue()


def test_an_unknown_workspace_is_refused():
    with pytest.raises(CommandError, match="nowhere"):
        call_command("assessments_daily", "--workspace", "nowhere")
