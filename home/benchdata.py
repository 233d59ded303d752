"""A workspace the size of a busy agency's, for the benchmarks (`manage.py bench_dataset`).

Deterministic for a given size and seed, and written in bulk: members, clients of every status
and billing model, interactions spread unevenly over them (a few clients take most of the
time, as they do), monthly invoices, today's health from one real nightly pass, and the days
of history before it written directly as plausible snapshots (a walk of the score away from
today's), not by replaying a nightly pass per day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.bulk import copy_rows
from accounts.models import Membership, Role, User, Workspace
from assessments import scoring
from assessments.models import HealthSnapshot
from assessments.services import clients_rescore
from portfolio.contacts import last_contacts_refresh
from portfolio.models import (
    BillingModel,
    Client,
    ClientStatus,
    EndedBy,
    Flag,
    Interaction,
    InteractionKind,
    Invoice,
)

PASSWORD = "bench-passphrase"  # every member's: the benchmark logs in with it
BATCH = 5_000

STATUSES = [  # (status, share of the clients)
    (ClientStatus.ACTIVE, 0.66),
    (ClientStatus.PAUSED, 0.08),
    (ClientStatus.PROSPECT, 0.07),
    (ClientStatus.OFFBOARDING, 0.04),
    (ClientStatus.ENDED, 0.15),
]
# The most one entry may hold (the check interaction_minutes_max_a_day): the long tail of
# lengths drawn below reaches past it once in a few million entries.
MAX_MINUTES = 24 * 60
KINDS = [  # (kind, weight, typical minutes)
    (InteractionKind.WORK_SESSION, 34, 90),
    (InteractionKind.MESSAGE, 18, 10),
    (InteractionKind.MEETING, 10, 45),
    (InteractionKind.CALL, 9, 20),
    (InteractionKind.DELIVERABLE, 6, 30),
    (InteractionKind.REVISION_REQUEST, 6, 30),
    (InteractionKind.SUPPORT_REQUEST, 5, 20),
    (InteractionKind.SCOPE_CHANGE, 2, 20),
    (InteractionKind.PRAISE, 4, 5),
    (InteractionKind.COMPLAINT, 3, 15),
    (InteractionKind.PAYMENT_CHASE, 2, 10),
    (InteractionKind.DISPUTE, 1, 30),
]
FIRST = [
    "Atlas", "Lumen", "Harbour", "Cobalt", "Juniper", "Orbit", "Maple", "Quartz", "Vela",
    "Nimbus", "Ferro", "Solar", "Pinha", "Rio", "Sierra", "Tejo", "Aurora", "Brisa",
]  # fmt: skip
SECOND = [
    "Labs", "Studio", "& Co", "Digital", "Padaria", "Clínica", "Arquitetos", "Café", "Legal",
    "Foods", "Media", "Viagens", "Escola", "Moda", "Health", "Consultores",
]  # fmt: skip


@dataclass(frozen=True)
class Size:
    clients: int
    interactions: int
    members: int
    days: int  # days of daily snapshots, today included
    slug: str = "bench"
    seed: int = 2026


class Taken(Exception):
    """The address is in use: a benchmark builds into a database of its own."""


def build(size: Size, *, say: Callable[[str], None] = print) -> Workspace:
    """The workspace `size` describes, at the address `size.slug`, which must be free."""
    if Workspace.objects.filter(slug=size.slug).exists():
        raise Taken(size.slug)
    rng = random.Random(f"{size.seed}:{size.clients}:{size.interactions}")
    with transaction.atomic():
        workspace, members = _workspace(size)
        clients = _clients(size, workspace, members, rng)
        say(f"{len(members)} members, {len(clients)} clients")
        written = _bulk(Interaction, _interactions(size, workspace, clients, members, rng))
        say(f"{written} interactions")
        say(f"{_bulk(Invoice, _invoices(workspace, clients, rng))} invoices")
    last_contacts_refresh(clients=Client.objects.for_workspace(workspace))
    clients_rescore(workspace=workspace)
    say("today's health: one nightly pass")
    say(f"{_bulk(HealthSnapshot, _history(size, workspace, rng))} earlier daily snapshots")
    return workspace


def member_email(size: Size, number: int) -> str:
    """The address of member `number` (0, the owner, to members - 1)."""
    return f"member{number}@{size.slug}.bench.example"


def _workspace(size: Size) -> tuple[Workspace, list[User]]:
    workspace = Workspace.objects.create(
        name=f"Bench agency ({size.clients} clients)",
        slug=size.slug,
        time_zone="Europe/Lisbon",
        target_hourly_rate=Decimal("60"),
    )
    password = make_password(PASSWORD)  # hashed once: it is slow on purpose
    members = User.objects.bulk_create(
        User(email=member_email(size, n), name=f"Member {n}", password=password)
        for n in range(max(1, size.members))
    )
    roles = [Role.OWNER] + [Role.MANAGER if n % 5 == 1 else Role.MEMBER for n in range(1, 9999)]
    Membership.objects.bulk_create(
        Membership(user=user, workspace=workspace, role=roles[n]) for n, user in enumerate(members)
    )
    return workspace, members


def _clients(size: Size, workspace: Workspace, members: list[User], rng) -> list[Client]:
    today = timezone.localdate()
    statuses = rng.choices(
        [status for status, _share in STATUSES],
        weights=[share for _status, share in STATUSES],
        k=size.clients,
    )
    clients = []
    for number, status in enumerate(statuses):
        model = rng.choices(list(BillingModel), weights=[6, 2, 2])[0]
        started = today - dt.timedelta(days=rng.randint(30, 3 * 365))
        ended = None
        if status == ClientStatus.ENDED:
            ended = started + dt.timedelta(days=rng.randint(20, (today - started).days))
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {number:05d}"
        clients.append(
            Client(
                workspace=workspace,
                name=name,
                email=f"hello{number}@client.example",
                status=status,
                owner=members[number % len(members)],
                billing_model=model,
                rate=Decimal(rng.randrange(30, 120, 5))
                if model == BillingModel.HOURLY
                else Decimal(rng.randrange(800, 6000, 100)),
                started_on=started,
                ended_on=ended,
                ended_by=rng.choice(list(EndedBy)) if ended else "",
            )
        )
    return Client.objects.bulk_create(clients, batch_size=BATCH)


def _spread(total: int, count: int, rng) -> list[int]:
    """`total` split over `count` unevenly (a long tail): a few clients take most of it."""
    weights = [rng.lognormvariate(0, 1.1) for _ in range(count)]
    whole = sum(weights)
    shares = [int(total * weight / whole) for weight in weights]
    for index in rng.sample(range(count), total - sum(shares)):  # what rounding left over
        shares[index] += 1
    return shares


def _interactions(size, workspace, clients, members, rng) -> Iterator[Interaction]:
    now = timezone.now()
    kinds = [kind for kind, _weight, _minutes in KINDS]
    weights = [weight for _kind, weight, _minutes in KINDS]
    typical = {kind: minutes for kind, _weight, minutes in KINDS}
    for client, count in zip(clients, _spread(size.interactions, len(clients), rng), strict=True):
        start = dt.datetime.combine(client.started_on, dt.time(9), dt.UTC)
        end = (
            now
            if client.ended_on is None
            else dt.datetime.combine(client.ended_on, dt.time(18), dt.UTC)
        )
        span = max(60.0, (end - start).total_seconds())
        mood = rng.uniform(-1.6, 1.6)  # how this client leaves people, on the whole
        for kind in rng.choices(kinds, weights=weights, k=count):
            entry = Interaction(
                workspace=workspace,
                client=client,
                author=client.owner if rng.random() < 0.8 else rng.choice(members),
                kind=kind,
                occurred_at=end - dt.timedelta(seconds=span * rng.random() ** 1.5),
                minutes=min(MAX_MINUTES, max(1, int(rng.expovariate(1 / typical[kind])))),
                billable=kind == InteractionKind.WORK_SESSION and rng.random() < 0.8,
                feeling=max(-2, min(2, round(mood + rng.gauss(0, 0.8))))
                if rng.random() < 0.6
                else None,
                summary=f"{kind.label} #{rng.randrange(10_000)}",
            )
            trouble = 0.02 + max(0.0, -mood) * 0.05
            entry.set_flags([flag for flag in Flag if rng.random() < trouble])
            entry.flag_gratitude = kind == InteractionKind.PRAISE
            yield entry


def _invoices(workspace, clients, rng) -> Iterator[Invoice]:
    today = timezone.localdate()
    for client in clients:
        if client.status == ClientStatus.PROSPECT:
            continue
        last = client.ended_on or today
        month, number = client.started_on + dt.timedelta(days=30), 0
        late = rng.random() < 0.15  # a client who pays late, and sometimes not at all
        while month <= last:
            number += 1
            amount = Decimal(rng.randrange(300, 5000))
            days_to_pay = rng.randint(20, 75) if late else rng.randint(0, 28)
            paid_on = month + dt.timedelta(days=days_to_pay)
            paid = paid_on <= today and not (late and rng.random() < 0.1)
            yield Invoice(
                workspace=workspace,
                client=client,
                number=f"{client.pk}-{number:03d}",
                issued_on=month,
                due_on=month + dt.timedelta(days=30),
                amount=amount,
                paid_on=paid_on if paid else None,
                paid_amount=amount if paid else None,
            )
            month += dt.timedelta(days=30)


def _history(size: Size, workspace: Workspace, rng) -> Iterator[HealthSnapshot]:
    """Each of today's snapshots copied to the days before, its score walking away from
    today's as a real client's would, with the band that score has."""
    today = workspace.today()
    for snapshot in HealthSnapshot.objects.filter(workspace=workspace, as_of=today):
        score = snapshot.score
        for back in range(1, size.days):
            score = max(0, min(100, score + round(rng.gauss(0, 1.5))))
            yield HealthSnapshot(
                workspace=workspace,
                client_id=snapshot.client_id,
                as_of=today - dt.timedelta(days=back),
                score=score,
                band=snapshot.band if snapshot.confidence == "low" else scoring.band_of(score),
                confidence=snapshot.confidence,
                dimensions=snapshot.dimensions,
                evidence_adjustment=snapshot.evidence_adjustment,
                metrics=snapshot.metrics,
                revenue=snapshot.revenue,
                minutes=snapshot.minutes,
                evidence_count=snapshot.evidence_count,
                suggestion=snapshot.suggestion,
                suggestion_reason=snapshot.suggestion_reason,
                formula_version=snapshot.formula_version,
                settings=snapshot.settings,
            )


def _bulk(model, rows: Iterator) -> int:
    """Insert `rows` a batch at a time (never all of them in memory), by COPY on PostgreSQL;
    how many there were."""
    written = 0
    # Each batch made before it is sent: making one may query, which a COPY under way forbids.
    for chunk in batched(rows, BATCH):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                copy_rows(cursor, model, chunk, into=model._meta.db_table)
        else:
            model.objects.bulk_create(chunk)
        written += len(chunk)
    return written
