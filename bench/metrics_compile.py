"""What the compiled-query cache of `assessments.metrics` saves: `client_metrics` for one client
(what a rescore after a logged entry runs, twice: today and 30 days before) through the cache,
against the same querysets (`_interaction_rows`, `_invoice_rows`) evaluated by the ORM, and
where the time goes (building the querysets, compiling them, running the SQL). Also the first
call of a shape (compiled and checked) and, with --whole, the whole workspace. Same data as
`bench/assessments.py` (1,000 clients, 500,000 interactions by default).

Usage: python bench/metrics_compile.py [--clients 1000] [--interactions 500000] [--repeat 50]
    [--whole] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import get_runner, setup_test_environment  # noqa: E402

HERE = Path(__file__).resolve().parent


def _assessments_bench():
    # The data of bench/assessments.py (its module name would clash with the app's).
    spec = importlib.util.spec_from_file_location("bench_assessments", HERE / "assessments.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--whole",
        action="store_true",
        help="also the whole workspace (a minute a call on SQLite at 500,000 interactions)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database for the next run (and reuse it)"
    )
    args = parser.parse_args()

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, keepdb=args.keep, interactive=False)
    old_config = runner.setup_databases()
    try:
        from accounts.models import Workspace
        from assessments import metrics

        start = time.perf_counter()
        if args.keep and Workspace.objects.filter(slug="bench").exists():
            workspace = Workspace.objects.get(slug="bench")
            customers = list(workspace.clients.order_by("pk"))
        else:
            _, workspace, customers = _assessments_bench().populate(args.clients, args.interactions)
        print(
            f"{connection.vendor}: {len(customers)} clients, {args.interactions} interactions "
            f"(populated in {time.perf_counter() - start:.0f} s); medians of {args.repeat}"
        )
        # Without statistics SQLite reads one client's rows through the workspace-and-time
        # index (a second per query at 500,000 interactions) instead of the client's.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        one = [customers[len(customers) // 2].pk]
        today = workspace.today()
        windows = [metrics.Window(today), metrics.Window(today - dt.timedelta(days=30))]
        builders = (metrics._interaction_rows, metrics._invoice_rows)

        def build(window, client_ids):
            return [
                builder(
                    workspace_id=workspace.pk,
                    tzinfo=workspace.tzinfo,
                    window=window,
                    client_ids=client_ids,
                )
                for builder in builders
            ]

        def cached(client_ids):
            for window in windows:
                metrics.client_metrics(workspace=workspace, window=window, client_ids=client_ids)

        def plain(client_ids):
            for window in windows:
                for queryset in build(window, client_ids):
                    list(queryset)

        def cold():
            metrics._compiled.clear()
            cached(one)

        compiled = [
            queryset.query.get_compiler(connection=connection).as_sql()
            for window in windows
            for queryset in build(window, one)
        ]

        def execute():
            with connection.cursor() as cursor:
                for sql, params in compiled:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        built = build(windows[0], one) + build(windows[1], one)
        cached(one)
        rows = [
            ("one client, cached", lambda: cached(one)),
            ("one client, plain ORM", lambda: plain(one)),
            ("  building the querysets", lambda: build(windows[0], one) + build(windows[1], one)),
            (
                "  compiling them",
                lambda: [q.query.get_compiler(connection=connection).as_sql() for q in built],
            ),
            ("  running the SQL", execute),
            ("one client, first call of the shape", cold),
        ]
        for label, function in rows:
            print(f"{label:<42} {median_ms(function, args.repeat):8.2f} ms")
        if args.whole:
            cached(None)
            for label, function in (
                ("whole workspace, cached", lambda: cached(None)),
                ("whole workspace, plain ORM", lambda: plain(None)),
            ):
                print(f"{label:<42} {median_ms(function, 3):8.2f} ms")
    finally:
        if not args.keep:
            runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
