"""Server time and query count of the main pages on a populated instance.

Usage: python bench/pages.py [--workspaces N] [--members M] [--requests R]
"""

from __future__ import annotations

import argparse
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
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    get_runner,
    setup_test_environment,
)


def populate(workspaces: int, members: int):
    from accounts.models import Membership, Role, User, Workspace

    users = User.objects.bulk_create(
        User(email=f"user{i}@bench.example", name=f"User {i}") for i in range(workspaces * members)
    )
    spaces = Workspace.objects.bulk_create(
        Workspace(name=f"Workspace {i}", slug=f"bench-{i}") for i in range(workspaces)
    )
    roles = [Role.OWNER, Role.MANAGER, Role.MEMBER, Role.VIEWER]
    Membership.objects.bulk_create(
        Membership(user=users[w * members + m], workspace=spaces[w], role=roles[min(m, 3)])
        for w in range(workspaces)
        for m in range(members)
    )
    # The measured user also belongs to several other workspaces (the switcher lists them).
    Membership.objects.bulk_create(
        Membership(user=users[0], workspace=spaces[w], role=Role.VIEWER)
        for w in range(1, min(workspaces, 10))
    )
    # Workspace 0 gets the demo's 29 clients and six months of history.
    from portfolio.demo import demo_history_load

    people = users[:3]
    for person in people[1:]:
        Membership.objects.get_or_create(user=person, workspace=spaces[0])
    demo_history_load(workspace=spaces[0], people=people)
    return users[0], spaces[0]


def measure(client, url: str, requests: int) -> tuple[float, float, int]:
    client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspaces", type=int, default=200)
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0)
    old_config = runner.setup_databases()
    try:
        user, workspace = populate(args.workspaces, args.members)
        client = Client()
        client.force_login(user)
        from portfolio.models import Client as Customer

        busiest = max(
            Customer.objects.filter(workspace=workspace), key=lambda c: c.interactions.count()
        )
        print(f"{connection.vendor}, {args.workspaces} workspaces x {args.members} members")
        print(f"{'page':<28}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        for label, url in [
            ("login (anonymous)", "/accounts/login/"),
            ("workspace home", f"/w/{workspace.slug}/"),
            ("members", f"/w/{workspace.slug}/members/"),
            ("settings", f"/w/{workspace.slug}/settings/"),
            ("profile", "/accounts/profile/"),
            ("client list", f"/w/{workspace.slug}/clients/"),
            ("client page (busiest)", f"/w/{workspace.slug}/clients/{busiest.code}/"),
        ]:
            target = Client() if label.startswith("login") else client
            median, p95, queries = measure(target, url, args.requests)
            print(f"{label:<28}{median:>10.2f}{p95:>10.2f}{queries:>9}")
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
