"""Health scoring at scale: a workspace of 1,000 clients and 500,000 interactions.

Measures the dashboard's server time (first page of the table), the time to rescore one client
after an entry is logged (what happens on commit), the full nightly pass (`assessments_daily`
for the workspace: snapshots of every client and the alert check), and a 30-day history replay
of one client (after an import of its past).

Usage: python bench/assessments.py [--clients 1000] [--interactions 500000] [--requests 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    get_runner,
    setup_test_environment,
)

KINDS = [
    "meeting",
    "call",
    "message",
    "work_session",
    "work_session",
    "deliverable",
    "revision_request",
    "scope_change",
    "support_request",
    "complaint",
    "praise",
    "payment_chase",
]
FLAGS = [
    "disrespect",
    "distrust",
    "unreasonable_demand",
    "out_of_hours",
    "out_of_scope",
    "unclear_brief",
    "late_feedback",
    "gratitude",
]


def populate(clients: int, interactions: int):
    from accounts.models import Membership, Role, User, Workspace
    from portfolio.models import Client as Customer
    from portfolio.models import Interaction, Invoice

    rng = random.Random(7)
    owner = User.objects.create_user("owner@bench.example", "x", name="Owner")
    workspace = Workspace.objects.create(
        name="Bench", slug="bench", target_hourly_rate=Decimal("60"), time_zone="Europe/Lisbon"
    )
    Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
    customers = Customer.objects.bulk_create(
        Customer(workspace=workspace, name=f"Client {n:04d}", owner=owner) for n in range(clients)
    )
    now = dt.datetime.now(dt.UTC)
    per_client = interactions // clients
    batch = []
    for customer in customers:
        mood = rng.uniform(-1.5, 1.5)
        for _ in range(per_client):
            entry = Interaction(
                workspace=workspace,
                client=customer,
                author=owner,
                kind=rng.choice(KINDS),
                occurred_at=now - dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                minutes=rng.choice([10, 30, 60, 90, 120]),
                billable=rng.random() < 0.7,
                feeling=max(-2, min(2, round(mood + rng.uniform(-1, 1)))),
            )
            entry.set_flags([flag for flag in FLAGS if rng.random() < 0.04])
            batch.append(entry)
        if len(batch) >= 20_000:
            Interaction.objects.bulk_create(batch, batch_size=5_000)
            batch = []
    Interaction.objects.bulk_create(batch, batch_size=5_000)
    today = dt.date.today()
    invoices = []
    for customer in customers:
        for month in range(1, 12):
            amount = Decimal(rng.randint(500, 4000))
            invoices.append(
                Invoice(
                    workspace=workspace,
                    client=customer,
                    number=f"{customer.pk}-{month}",
                    issued_on=today - dt.timedelta(days=30 * month + 3),
                    due_on=today - dt.timedelta(days=30 * month - 12),
                    amount=amount,
                    paid_on=today - dt.timedelta(days=30 * month - rng.randint(0, 30)),
                    paid_amount=amount,
                )
            )
    Invoice.objects.bulk_create(invoices, batch_size=5_000)
    return owner, workspace, customers


def timed(function, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database for the next run (and reuse it)"
    )
    args = parser.parse_args()

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, keepdb=args.keep, interactive=False)
    old_config = runner.setup_databases()
    try:
        from accounts.models import User, Workspace
        from assessments.services import clients_rescore, history_rebuild

        start = time.perf_counter()
        if args.keep and Workspace.objects.filter(slug="bench").exists():
            owner = User.objects.get(email="owner@bench.example")
            workspace = Workspace.objects.get(slug="bench")
            customers = list(workspace.clients.order_by("pk"))
        else:
            owner, workspace, customers = populate(args.clients, args.interactions)
        print(
            f"{connection.vendor}: {args.clients} clients, {args.interactions} interactions "
            f"(populated in {time.perf_counter() - start:.0f} s)"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        daily = timed(lambda: clients_rescore(workspace=workspace), repeat=3)
        print(
            f"full daily pass (snapshots + alerts): median {statistics.median(daily):.0f} ms "
            f"of {[round(t) for t in daily]}"
        )

        one = customers[len(customers) // 2]
        cold = timed(
            lambda: clients_rescore(workspace=workspace, client_ids=[one.pk]), repeat=args.requests
        )
        print(f"rescore one client without its history: median {statistics.median(cold):.1f} ms")

        since = workspace.today() - dt.timedelta(days=30)
        replay = timed(
            lambda: history_rebuild(workspace=workspace, client_ids=[one.pk], since=since)
        )
        print(f"replay 30 days of one client's history: {replay[0]:.0f} ms")

        # The steady state: the client's snapshot of 30 days ago exists (nightly passes or a
        # replay wrote it), so the trend reads it instead of recomputing that day.
        rescore = timed(
            lambda: clients_rescore(workspace=workspace, client_ids=[one.pk]), repeat=args.requests
        )
        with CaptureQueriesContext(connection) as captured:
            clients_rescore(workspace=workspace, client_ids=[one.pk])
        print(
            f"rescore one client after logging an entry: median "
            f"{statistics.median(rescore):.1f} ms, {len(captured)} queries"
        )

        browser = Client()
        browser.force_login(owner)
        url = f"/w/{workspace.slug}/"
        browser.get(url)
        pages = timed(lambda: browser.get(url), repeat=args.requests)
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(url).status_code == 200
        print(
            f"dashboard: median {statistics.median(pages):.0f} ms, "
            f"p95 {sorted(pages)[int(len(pages) * 0.95) - 1]:.0f} ms, "
            f"{len(captured)} queries"
        )
        panel = f"/w/{workspace.slug}/clients/{one.code}/health/"
        browser.get(panel)
        panels = timed(lambda: browser.get(panel), repeat=args.requests)
        print(f"client health panel: median {statistics.median(panels):.0f} ms")
    finally:
        if not args.keep:
            runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
