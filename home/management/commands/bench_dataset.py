"""Build a large, realistic workspace for the benchmarks: see home/benchdata.py."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from home.benchdata import PASSWORD, Size, Taken, build, member_email


class Command(BaseCommand):
    help = (
        "Build a deterministic workspace of N clients, M interactions, K members and D days of "
        "daily health snapshots, in bulk, for the benchmarks. Use a database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=100)
        parser.add_argument(
            "--interactions", type=int, help="In all, spread unevenly (default: 500 a client)."
        )
        parser.add_argument("--members", type=int, default=5)
        parser.add_argument("--days-of-history", type=int, default=180, dest="days")
        parser.add_argument("--slug", default="bench", help="The workspace's address.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        clients = options["clients"]
        if clients < 1 or options["members"] < 1 or options["days"] < 1:
            raise CommandError("--clients, --members and --days-of-history must be at least 1.")
        interactions = options["interactions"]
        size = Size(
            clients=clients,
            interactions=500 * clients if interactions is None else max(0, interactions),
            members=options["members"],
            days=options["days"],
            slug=options["slug"],
            seed=options["seed"],
        )
        started = time.monotonic()
        try:
            build(
                size,
                say=lambda line: self.stdout.write(f"{time.monotonic() - started:7.1f} s  {line}"),
            )
        except Taken:
            raise CommandError(
                f"A workspace at {size.slug!r} exists already: give another --slug, or build "
                "into an empty database."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Workspace {size.slug!r} built in {time.monotonic() - started:.0f} s. Log in as "
                f"{member_email(size, 0)} (owner) with the password {PASSWORD!r}."
            )
        )
