"""Time to import N interactions over about 50 clients from the interchange CSV files, or N
entries of a Toggl Track export (`--tracker`).

Usage: python bench/import_interactions.py [--interactions N] [--clients C] [--tracker]
                                           [--only preview|import]

Measures, on a throw-away test database: the preview a worker works out (rows counted, not
kept), the import as a worker runs it (planning and writing in one pass), planning the same
files again (all unchanged), exporting the workspace, and undoing the import; with the
process's peak resident memory after each step. The peak only grows: `--only` measures the
preview or the import alone, each with a peak of its own.

The rescoring an import announces is a task for the worker in production: here it is queued
and not run (the dummy backend), so the figures are the import's own. `--rescore` runs it in
the same process, as development does, and times it separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import get_runner, setup_test_environment  # noqa: E402

KINDS = ["meeting", "call", "message", "work_session", "revision_request", "praise"]
FLAGS = ["", "", "", "out_of_scope", "late_feedback;unclear_brief", "gratitude"]


def files(interactions: int, clients: int) -> dict[str, bytes]:
    """The CSV files, written a line at a time to disk and read back as the worker reads an
    upload: the peak memory measured is the import's, not the making of its files."""
    rng = random.Random(42)
    start = dt.datetime(2024, 1, 1, 8, 0)
    client_lines = ["name,status,billing_model,rate,owner_email"]
    client_lines += [f"Client {c:03d},active,hourly,{40 + c}.00," for c in range(clients)]
    with tempfile.TemporaryFile() as written:
        written.write(
            b"client,occurred_at,kind,minutes,billable,feeling,flags,summary,author_email\n"
        )
        for i in range(interactions):
            moment = start + dt.timedelta(minutes=17 * i)
            line = (
                f"Client {rng.randrange(clients):03d},{moment:%Y-%m-%dT%H:%M},{rng.choice(KINDS)},"
                f"{rng.randrange(0, 240)},{rng.choice(['yes', 'no'])},{rng.randrange(-2, 3)},"
                f"{rng.choice(FLAGS)},Entry number {i},\n"
            )
            written.write(line.encode())
        written.seek(0)
        interactions_csv = written.read()
    return {
        "clients": ("\n".join(client_lines) + "\n").encode(),
        "interactions": interactions_csv,
    }


def tracker_file(entries: int, clients: int) -> bytes:
    """A Toggl Track detailed export of `entries` rows, written to disk as `files` is."""
    rng = random.Random(42)
    start = dt.datetime(2024, 1, 1, 8, 0)
    with tempfile.TemporaryFile() as written:
        written.write(
            b"User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
            b"End date,End time,Duration,Tags,Amount (EUR)\n"
        )
        for i in range(entries):
            moment = start + dt.timedelta(minutes=17 * i)
            minutes = rng.randrange(5, 240)
            end = moment + dt.timedelta(minutes=minutes)
            person = rng.randrange(5)
            line = (
                f"Person {person},p{person}@bench.example,Client {rng.randrange(clients):03d},"
                f"Project {rng.randrange(9)},,Entry number {i},{rng.choice(['Yes', 'No'])},"
                f"{moment:%Y-%m-%d},{moment:%H:%M:%S},{end:%Y-%m-%d},{end:%H:%M:%S},"
                f"{minutes // 60:02d}:{minutes % 60:02d}:00,,0.00\n"
            )
            written.write(line.encode())
        written.seek(0)
        return written.read()


def resident_mb() -> float:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


def timed(label: str, action):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql[:20])
        return execute(sql, params, many, context)

    # Counted without recording the SQL: formatting 100,000 rows' parameters costs seconds.
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{label:<34}{seconds:>9.2f} s{len(queries):>9} queries{peak:>9.0f} MB peak RSS")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--tracker", action="store_true", help="A Toggl Track export instead of the CSV files."
    )
    parser.add_argument(
        "--rescore", action="store_true", help="Also run and time the rescore the import queues."
    )
    parser.add_argument(
        "--only", choices=["preview", "import"], help="Measure one step, with its own peak RSS."
    )
    args = parser.parse_args()

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0)
    old_config = runner.setup_databases()
    try:
        from accounts.models import Membership, Role, User, Workspace

        user = User.objects.create_user("bench@bench.example")
        workspace = Workspace.objects.create(name="Bench", slug="bench", time_zone="Europe/Lisbon")
        Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
        steps = _tracker_steps if args.tracker else _files_steps
        steps(args, workspace, user)
    finally:
        runner.teardown_databases(old_config)


WORKER = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _files_steps(args, workspace, user) -> None:
    from portfolio.interchange import export_files, import_files, import_plan, import_undo
    from portfolio.models import ImportBatch

    data = files(args.interactions, args.clients)
    size = sum(len(content) for content in data.values()) / 1e6
    print(f"{connection.vendor}: {args.interactions} interactions over {args.clients} clients")
    print(f"{size:.1f} MB of CSV; {resident_mb():.0f} MB resident before the first step")

    if args.only != "import":
        # First, while the peak is still its own: the worker's preview counts the rows.
        preview = timed(
            "preview (rows counted, not kept)",
            lambda: import_plan(workspace=workspace, user=user, files=data, keep_rows=False),
        )
        assert preview.errors == [], preview.errors[:5]
        del preview
        if args.only == "preview":
            return
    batch = ImportBatch.objects.create(workspace=workspace, created_by=user)
    with override_settings(TASKS=WORKER):
        imported = timed(
            "import (plan and write, one pass)",
            lambda: import_files(workspace=workspace, user=user, files=data, batch=batch),
        )
    assert imported.errors == [], imported.errors[:5]
    del imported
    if args.only == "import":
        return
    if args.rescore:
        from assessments.services import history_rebuild
        from portfolio.models import Client

        timed(
            "rescore: history since the first",
            lambda: history_rebuild(
                workspace=workspace,
                client_ids=list(Client.objects.values_list("pk", flat=True)),
                since=dt.date(2024, 1, 1),
            ),
        )
    again = timed(
        "plan again (all unchanged)",
        lambda: import_plan(workspace=workspace, user=user, files=data),
    )
    assert again.total == 0
    timed("export", lambda: export_files(workspace=workspace))
    with override_settings(TASKS=WORKER):
        timed("undo", lambda: import_undo(batch=batch))


def _tracker_steps(args, workspace, user) -> None:
    from portfolio.trackers.importer import tracker_import_apply, tracker_import_plan

    data = tracker_file(args.interactions, args.clients)
    print(f"{connection.vendor}: a Toggl Track export of {args.interactions} entries")
    print(f"{len(data) / 1e6:.1f} MB of CSV; {resident_mb():.0f} MB resident before the first step")

    def plan():
        return tracker_import_plan(workspace=workspace, user=user, data=data)

    if args.only != "import":
        preview = timed("preview", plan)
        assert preview.problems == [], preview.problems[:5]
        del preview
        if args.only == "preview":
            return
    with override_settings(TASKS=WORKER):
        timed("import (plan, then write)", lambda: tracker_import_apply(plan=plan()))
    if args.only != "import":
        again = timed("plan again (all imported)", plan)
        assert not again.to_create


if __name__ == "__main__":
    main()
