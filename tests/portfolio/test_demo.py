from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Membership, User, Workspace
from portfolio.models import Client, ClientStatus, Interaction, Invoice

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_demo_is_idempotent_and_prints_the_login():
    first = run("seed_demo")
    second = run("seed_demo")
    assert "ana@demo.clientwise.example / clientwise-demo" in first
    assert Workspace.objects.count() == 1
    assert Membership.objects.count() == 3
    assert Client.objects.count() == 25
    assert Interaction.objects.count() > 1000
    assert "already there" in second
    assert User.objects.get(email="ana@demo.clientwise.example").check_password("clientwise-demo")


def test_the_demo_covers_every_situation(django_assert_max_num_queries):
    run("seed_demo")
    statuses = set(Client.objects.values_list("status", flat=True))
    assert statuses == set(ClientStatus.values)
    assert Client.objects.filter(ended_by="they_ended").exclude(departure_reason="").exists()
    assert Interaction.objects.filter(flag_distrust=True).exists()
    assert Interaction.objects.filter(flag_out_of_hours=True).exists()
    late = [i for i in Invoice.objects.all() if i.status in ("paid_late", "overdue")]
    assert late
    apprentice = Client.objects.get(name="Café Lua")
    assert apprentice.invoices.count() == 1
    assert apprentice.interactions.filter(billable=False).count() > 20
