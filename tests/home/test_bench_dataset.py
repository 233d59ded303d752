"""`manage.py bench_dataset`: the workspace the served-pages benchmark measures."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import Membership, Role, Workspace
from assessments.models import HealthSnapshot
from portfolio.models import Client, Interaction, Invoice

pytestmark = pytest.mark.django_db


def build(**options):
    call_command(
        "bench_dataset",
        clients=options.get("clients", 12),
        interactions=options.get("interactions", 600),
        members=3,
        days=options.get("days", 5),
        slug=options.get("slug", "bench"),
        stdout=io.StringIO(),
    )
    return Workspace.objects.get(slug=options.get("slug", "bench"))


def test_it_builds_the_size_asked_for_with_days_of_history():
    workspace = build()
    assert Client.objects.filter(workspace=workspace).count() == 12
    assert Interaction.objects.filter(workspace=workspace).count() == 600
    assert Invoice.objects.filter(workspace=workspace).exists()
    roles = Membership.objects.filter(workspace=workspace).values_list("role", flat=True)
    assert sorted(roles) == sorted([Role.OWNER, Role.MANAGER, Role.MEMBER])
    snapshots = HealthSnapshot.objects.filter(workspace=workspace)
    days = snapshots.values("client").annotate(n=Count("pk"))
    assert days and all(row["n"] == 5 for row in days)  # today's, and the 4 days before
    latest = snapshots.filter(is_latest=True)  # today's, once per client
    assert latest.count() == len(days)
    assert set(latest.values_list("as_of", flat=True)) == {workspace.today()}
    assert not Interaction.objects.filter(workspace=workspace, created_at__isnull=True).exists()


def test_its_interactions_are_spread_unevenly_and_the_same_every_time():
    first = build(slug="first")
    second = build(slug="second")
    counts = [
        sorted(
            Client.objects.filter(workspace=workspace)
            .annotate(n=Count("interactions"))
            .values_list("n", flat=True)
        )
        for workspace in (first, second)
    ]
    assert counts[0] == counts[1]
    assert counts[0][-1] > 3 * counts[0][len(counts[0]) // 2]  # the busiest, against the median


def test_it_refuses_an_address_in_use():
    build()
    with pytest.raises(CommandError, match="exists already"):
        build()
