"""Client stories written as data: streams of entries and invoices, relative to the day of
assessment, built into a real workspace. `assess` runs the whole pipeline on them (SQL
aggregates, pure scoring, the advice ladder)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from portfolio.models import Interaction, Invoice
from tests.factories import ClientFactory

AS_OF = dt.date(2026, 11, 20)


@dataclass(frozen=True)
class Stream:
    """An entry every `every` days from `start` to `end` days before the day assessed."""

    start: int
    end: int = 0
    every: int = 3
    kind: str = "meeting"
    feeling: int | None = 1
    billable: bool = False
    minutes: int = 60
    flags: tuple[str, ...] = ()
    hour: int = 11
    author: str = "owner"  # or "teammate"


@dataclass(frozen=True)
class Invoices:
    """An invoice every `every` days from `start` to `end` days ago, paid `late` days after
    its due day (negative: before)."""

    start: int = 170
    end: int = 5
    every: int = 30
    amount: int = 2000
    late: int = -2
    terms: int = 15


@dataclass(frozen=True)
class Story:
    streams: tuple[Stream, ...]
    invoices: Invoices | None = Invoices()
    billing: str = "hourly"
    rate: str | None = None
    status: str = "active"
    extra: dict = field(default_factory=dict)


def build(story: Story, workspace, owner, teammate=None, name: str = "Client"):
    client = ClientFactory(
        workspace=workspace,
        name=name,
        owner=owner,
        billing_model=story.billing,
        rate=Decimal(story.rate) if story.rate else None,
        status=story.status,
    )
    tz = workspace.tzinfo
    people = {"owner": owner, "teammate": teammate}
    rows = []
    for stream in story.streams:
        for ago in range(stream.start, stream.end - 1, -stream.every):
            day = AS_OF - dt.timedelta(days=ago)
            entry = Interaction(
                workspace=workspace,
                client=client,
                author=people[stream.author],
                kind=stream.kind,
                occurred_at=dt.datetime.combine(day, dt.time(stream.hour), tzinfo=tz),
                minutes=stream.minutes,
                billable=stream.billable,
                feeling=stream.feeling,
            )
            entry.set_flags(list(stream.flags))
            rows.append(entry)
    Interaction.objects.bulk_create(rows)
    bills = story.invoices
    if bills is not None:
        invoices = []
        for ago in range(bills.start, bills.end - 1, -bills.every):
            issued = AS_OF - dt.timedelta(days=ago)
            due = issued + dt.timedelta(days=bills.terms)
            paid = due + dt.timedelta(days=bills.late)
            invoices.append(
                Invoice(
                    workspace=workspace,
                    client=client,
                    number=f"{client.pk}-{ago}",
                    issued_on=issued,
                    due_on=due,
                    amount=Decimal(bills.amount),
                    paid_on=paid if paid <= AS_OF else None,
                    paid_amount=Decimal(bills.amount) if paid <= AS_OF else None,
                )
            )
        Invoice.objects.bulk_create(invoices)
    return client


# The parts stories are made of.
WEEKLY_WORK = (
    Stream(175, every=7, kind="work_session", feeling=None, billable=True, minutes=120),
    Stream(174, every=7, kind="deliverable", feeling=None, billable=True, minutes=30),
)


def good(start: int = 175, end: int = 0) -> tuple[Stream, ...]:
    """A pleasant, steady relationship: weekly meetings and messages that leave you well."""
    return (
        Stream(start, end, every=7, kind="meeting", feeling=1, billable=True),
        Stream(start - 3, end, every=7, kind="message", feeling=1, minutes=10),
    )
