from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, User, Workspace
from assessments.choices import AT_RISK_BANDS, HEALTHY_SCORE, WEAK
from assessments.services import Assessment, assess_clients
from portfolio.models import Client, ClientStatus, Interaction, Invoice

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_demo_is_idempotent_and_prints_the_login():
    first = run("seed_demo", "--force")
    second = run("seed_demo", "--force")
    assert "ana@demo.clientwise.example / clientwise-demo" in first
    assert Workspace.objects.count() == 1
    assert Membership.objects.count() == 3
    assert Client.objects.count() == 29
    assert Interaction.objects.count() > 1000
    assert "already there" in second
    assert User.objects.get(email="ana@demo.clientwise.example").check_password("clientwise-demo")


def test_the_demo_covers_every_situation(django_assert_max_num_queries):
    run("seed_demo", "--force")
    statuses = set(Client.objects.values_list("status", flat=True))
    assert statuses == set(ClientStatus.values)
    assert Client.objects.filter(ended_by="they_ended").exclude(departure_reason="").exists()
    assert Interaction.objects.filter(flag_distrust=True).exists()
    assert Interaction.objects.filter(flag_out_of_hours=True).exists()
    today = Workspace.objects.get(slug="demo").today()
    late = [i for i in Invoice.objects.all() if i.status_on(today) in ("paid_late", "overdue")]
    assert late
    apprentice = Client.objects.get(name="Café Lua")
    assert apprentice.invoices.count() == 1
    assert apprentice.interactions.filter(billable=False).count() > 20


def _unbilled_share(client) -> float:
    entries = list(client.interactions.values_list("minutes", "billable"))
    total = sum(minutes for minutes, _ in entries)
    return sum(minutes for minutes, billable in entries if not billable) / total


def test_hourly_invoices_bill_the_billable_hours_at_the_rate():
    run("seed_demo", "--force")
    hourly = Client.objects.filter(billing_model="hourly", invoices__isnull=False).distinct()
    assert hourly.count() > 10
    for client in hourly:
        invoices = list(client.invoices.all())
        last_issued = max(invoice.issued_on for invoice in invoices)
        tz = client.workspace.tzinfo
        minutes = sum(
            entry.minutes
            for entry in client.interactions.filter(billable=True)
            if timezone.localtime(entry.occurred_at, tz).date() <= last_issued
        )
        billed = sum(invoice.amount for invoice in invoices)
        # Each invoice rounds to whole units of the currency.
        assert abs(billed - Decimal(minutes) / 60 * client.rate) <= len(invoices), client.name


def test_good_clients_bill_most_of_their_time_and_the_others_do_not():
    run("seed_demo", "--force")
    for name in ("Padaria Estrela", "Fjord Analytics", "Quill Publishing", "Andes Coffee"):
        assert 0.1 <= _unbilled_share(Client.objects.get(name=name)) <= 0.35, name
    assert _unbilled_share(Client.objects.get(name="Escola Semear")) > 0.45
    assert _unbilled_share(Client.objects.get(name="Café Lua")) > 0.9


def _reading(name: str) -> Assessment:
    workspace = Workspace.objects.get(slug="demo")
    client = Client.objects.get(workspace=workspace, name=name)
    return assess_clients(workspace=workspace, as_of=workspace.today(), client_ids=[client.pk])[
        client.pk
    ]


def _evidence(reading: Assessment, dimension: str) -> list[str]:
    return [evidence.code for evidence in reading.health.dimensions[dimension].evidence]


def test_billed_support_requests_read_as_the_job_itself_not_as_scope_creep():
    run("seed_demo", "--force")
    support = _reading("Vila Nova Clínica")
    assert support.health.band in ("thriving", "healthy")
    assert support.health.dimensions["scope"].score >= HEALTHY_SCORE
    assert "paid_requests" in _evidence(support, "scope")
    assert support.suggestion == "keep"


def test_billable_work_not_invoiced_yet_reads_as_money_earned():
    run("seed_demo", "--force")
    pending = _reading("Sunday Studio")
    assert "not_invoiced_yet" in _evidence(pending, "profitability")
    assert pending.health.dimensions["profitability"].score >= HEALTHY_SCORE
    assert pending.health.band not in AT_RISK_BANDS
    assert pending.suggestion == "keep"
    report = json.loads(run("health_report", "--workspace", "demo"))
    row = next(row for row in report["clients"] if row["name"] == "Sunday Studio")
    assert row["metrics"]["earned"] > row["metrics"]["revenue"] > 0


def test_a_well_paying_client_who_writes_out_of_hours_is_told_to_set_boundaries_not_to_end():
    run("seed_demo", "--force")
    late = _reading("Kestrel Media")
    assert late.health.weakest == "energy"
    assert late.health.dimensions["profitability"].score >= HEALTHY_SCORE
    assert (late.suggestion, late.reason.code) == ("set_boundaries", "out_of_hours_pressure")


def test_a_client_who_drains_its_owner_but_not_a_teammate_is_handed_over_to_them():
    run("seed_demo", "--force")
    clash = _reading("Brightwater Events")
    assert clash.health.dimensions["energy"].score < WEAK
    assert (clash.suggestion, clash.reason.code) == ("hand_over", "hand_over")
    assert clash.reason.params["name"] == "Carla Méndez"
    assert clash.reason.params["yours"] <= -1.0
    assert clash.reason.params["feeling"] >= 1.0


def test_seed_demo_refuses_without_debug_or_force(settings):
    from django.core.management.base import CommandError

    from accounts.models import Workspace

    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        run("seed_demo")
    assert not Workspace.objects.exists()
    settings.DEBUG = True
    assert "Demo login" in run("seed_demo")
