"""Client archetypes written as data: how each relationship behaves, phase by phase. `build`
turns an archetype into interactions and invoices, deterministically, relative to a day."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from portfolio.models import Interaction, Invoice

WORK = {"work_session": 6, "deliverable": 2, "meeting": 2, "call": 1, "message": 3}


@dataclass(frozen=True)
class Phase:
    """A stretch of the relationship, from `start` to `end` days before the day of assessment."""

    start: int
    end: int = 0
    per_week: float = 3
    kinds: dict = field(default_factory=lambda: dict(WORK))
    feeling: float | None = 1.0  # the mean feeling logged (rounded per entry, ±1 noise)
    flags: dict = field(default_factory=dict)  # flag -> probability per entry
    billable: float = 0.9  # share of work sessions, deliverables and meetings billed
    minutes: int = 60


@dataclass(frozen=True)
class Billing:
    every_days: int = 30
    amount: int = 2000
    late_days: int = -3  # paid this many days after the due day (negative: before)
    first: int = 175  # days ago
    last: int = 0
    terms_days: int = 15


@dataclass(frozen=True)
class Archetype:
    name: str
    phases: tuple[Phase, ...]
    billing: Billing | None = Billing()
    # What the scenario test expects
    band: str | tuple[str, ...] = ()
    weakest: str | tuple[str, ...] | None = None
    trend: str = "any"  # "up", "down", "flat" (within ±4), "none" (no evidence 30 days ago), "any"
    suggestion: str = "keep"
    confidence: str = "high"


def build(archetype: Archetype, client, author, as_of: dt.date, seed: int) -> None:
    rng = random.Random(seed)
    tz = client.workspace.tzinfo
    rows = []
    for phase in archetype.phases:
        days = phase.start - phase.end
        count = max(1, round(days / 7 * phase.per_week))
        kinds, weights = zip(*phase.kinds.items(), strict=True)
        for n in range(count):
            ago = phase.end + int(days * n / count) + rng.randint(0, max(0, days // count - 1))
            day = as_of - dt.timedelta(days=ago)
            kind = rng.choices(kinds, weights)[0]
            feeling = None
            if phase.feeling is not None:
                feeling = max(-2, min(2, round(phase.feeling + rng.uniform(-0.9, 0.9))))
            interaction = Interaction(
                workspace=client.workspace,
                client=client,
                author=author,
                kind=kind,
                occurred_at=dt.datetime.combine(day, dt.time(10 + n % 7), tzinfo=tz),
                minutes=phase.minutes if kind != "message" else 10,
                billable=kind in ("work_session", "deliverable", "meeting")
                and rng.random() < phase.billable,
                feeling=feeling,
            )
            interaction.set_flags([f for f, p in phase.flags.items() if rng.random() < p])
            rows.append(interaction)
    Interaction.objects.bulk_create(rows)
    billing = archetype.billing
    if billing is None:
        return
    invoices = []
    ago = billing.first
    while ago >= billing.last:
        issued = as_of - dt.timedelta(days=ago)
        due = issued + dt.timedelta(days=billing.terms_days)
        paid = due + dt.timedelta(days=billing.late_days)
        invoices.append(
            Invoice(
                workspace=client.workspace,
                client=client,
                number=f"{client.pk}-{ago}",
                issued_on=issued,
                due_on=due,
                amount=Decimal(billing.amount),
                paid_on=paid if paid <= as_of else None,
                paid_amount=Decimal(billing.amount) if paid <= as_of else None,
            )
        )
        ago -= billing.every_days
    Invoice.objects.bulk_create(invoices)


LIFE = 175  # the relationships in the scenarios are about six months old

ARCHETYPES = [
    Archetype(
        "dream",
        (Phase(LIFE, feeling=1.5, flags={"gratitude": 0.3}),),
        Billing(amount=2700),
        band="thriving", weakest="energy", trend="flat", suggestion="keep",
    ),
    Archetype(
        "apprentice",
        (
            Phase(LIFE, 150, per_week=3),
            Phase(150, per_week=3, feeling=-0.5, billable=0.0, minutes=40,
                  kinds={"support_request": 6, "message": 4, "call": 2, "scope_change": 1},
                  flags={"out_of_scope": 0.5, "unreasonable_demand": 0.1}),
        ),
        Billing(amount=900, first=160, last=160),
        band=("critical",), weakest="scope", trend="any", suggestion="end",
    ),
    Archetype(
        "distrustful",
        (Phase(LIFE, feeling=-0.3, flags={"distrust": 0.3, "late_feedback": 0.1},
               kinds=WORK | {"revision_request": 2}),),
        band=("at_risk", "critical"), weakest="trust", trend="any", suggestion="end",
    ),
    Archetype(
        "eternal conflict",
        (Phase(LIFE, feeling=-1.2, kinds=WORK | {"dispute": 2, "complaint": 3},
               flags={"disrespect": 0.3, "unreasonable_demand": 0.3}),),
        Billing(amount=1500, late_days=20),
        band="critical", weakest=("respect", "payments"), trend="any", suggestion="end",
    ),
    Archetype(
        "profitable but draining",
        (Phase(LIFE, per_week=4, feeling=-1.2, flags={"unreasonable_demand": 0.05}),),
        Billing(amount=4200),
        band=("at_risk", "watch"), weakest="energy", trend="flat",
        suggestion="set_boundaries",
    ),
    Archetype(
        "lovely but unprofitable",
        (Phase(LIFE, feeling=1.5, billable=0.3, flags={"gratitude": 0.3}),),
        Billing(amount=350),
        band=("watch", "at_risk"), weakest="profitability", trend="flat",
        suggestion="renegotiate",
    ),
    Archetype(
        "late payer",
        (Phase(LIFE, feeling=0.5, kinds=WORK | {"payment_chase": 1}),),
        Billing(amount=2400, late_days=35),
        band=("at_risk", "watch"), weakest="payments", trend="any", suggestion="set_boundaries",
    ),
    Archetype(
        "good client with one bad week",
        (
            Phase(LIFE, 28, feeling=1.2, flags={"gratitude": 0.2}),
            Phase(28, 21, per_week=7, feeling=-1.5, kinds=WORK | {"complaint": 1},
                  flags={"unreasonable_demand": 0.3}),
            Phase(21, feeling=1.2, flags={"gratitude": 0.2}),
        ),
        Billing(amount=2700),
        band=("healthy", "thriving"), weakest="energy", trend="down", suggestion="keep",
    ),
    Archetype(
        "recovering",
        (
            Phase(LIFE, 60, feeling=-1.3, kinds=WORK | {"complaint": 1, "revision_request": 2},
                  flags={"unclear_brief": 0.3}),
            Phase(60, feeling=1.3),
        ),
        Billing(amount=2700),
        band=("healthy", "thriving", "watch"), trend="up", weakest="energy", suggestion="keep",
    ),
    Archetype(
        "declining",
        (
            Phase(LIFE, 60, feeling=1.3),
            Phase(60, feeling=-1.3, kinds=WORK | {"revision_request": 2, "scope_change": 1},
                  flags={"out_of_scope": 0.3, "late_feedback": 0.2}),
        ),
        Billing(amount=2700),
        band=("watch", "at_risk"), trend="down", weakest="scope", suggestion="renegotiate",
    ),
    Archetype(
        "too little data",
        (Phase(20, per_week=0.7, feeling=-2, kinds={"call": 1}),),
        None,
        band="watch", weakest="profitability", trend="none", suggestion="keep",
        confidence="low",
    ),
    Archetype(
        "conflict-ridden, half of everything",
        (Phase(LIFE, feeling=-1.2, kinds=WORK | {"dispute": 2, "complaint": 3},
               flags={"disrespect": 0.3, "unreasonable_demand": 0.3}),),
        Billing(amount=30000, late_days=10),
        band="critical", weakest="respect", trend="any", suggestion="set_boundaries",
    ),
]  # fmt: skip
