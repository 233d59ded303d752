"""Reads of the portfolio that views share: the client list, a client's totals and timeline."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Lower

from accounts.models import User, Workspace

from .models import Client, ClientStatus, HandOver, Interaction, Invoice
from .rules import noon_in

# Sort keys of the client list (the `sort` query parameter) and their orderings.
CLIENT_SORTS = {
    "name": (Lower("name").asc(), "pk"),
    "-name": (Lower("name").desc(), "-pk"),
    "last_contact": (F("last_contact").desc(nulls_last=True), Lower("name")),
    "-last_contact": (F("last_contact").asc(nulls_first=True), Lower("name")),
    "status": ("status", Lower("name")),
    "newest": ("-created_at", "-pk"),
}


def client_list(
    *,
    workspace: Workspace,
    search: str = "",
    status: str = "",
    owner: User | None = None,
    billing_model: str = "",
    sort: str = "name",
    trash: bool = False,
) -> QuerySet[Client]:
    clients = Client.objects.for_workspace(workspace)
    clients = clients.in_trash() if trash else clients.alive()
    if search := search.strip():
        clients = clients.filter(
            Q(name__icontains=search) | Q(company__icontains=search) | Q(email__icontains=search)
        )
    if status:
        clients = clients.filter(status=status)
    if owner is not None:
        clients = clients.filter(owner=owner)
    if billing_model:
        clients = clients.filter(billing_model=billing_model)
    return (
        clients.select_related("owner")
        # Kept by the entries' writers (portfolio.contacts): no lookup per client to sort by.
        .annotate(last_contact=F("activity__last_entry_at"))
        .order_by(*CLIENT_SORTS.get(sort, CLIENT_SORTS["name"]))
    )


def workspace_has_clients(*, workspace: Workspace) -> bool:
    """Whether the workspace holds a client outside the trash: a new one does not."""
    return Client.objects.for_workspace(workspace).alive().exists()


# How many names the client field suggests at a time (a datalist of every client was 39 KB at a
# thousand clients, sent with every page that has the quick log).
SUGGESTIONS = 50
# How far back the latest entries are read for the clients worked with lately.
RECENT_ENTRIES = 500


def client_suggestions(*, workspace: Workspace, query: str = "") -> list[str]:
    """Names of live clients for the client field: those whose name or company holds `query`,
    by name; with no query, the clients with the latest entries, then the rest by name (all of
    them, by name, in a workspace of up to SUGGESTIONS clients)."""
    clients = Client.objects.for_workspace(workspace).alive().exclude(status=ClientStatus.ENDED)
    by_name = clients.order_by(Lower("name")).values_list("name", flat=True)
    if query := query.strip():
        holding = Q(name__icontains=query) | Q(company__icontains=query)
        return list(by_name.filter(holding)[:SUGGESTIONS])
    names = list(by_name[: SUGGESTIONS + 1])
    if len(names) <= SUGGESTIONS:
        return names
    latest = (
        Interaction.objects.filter(
            workspace=workspace, deleted_at__isnull=True, client__in=clients.values("pk")
        )
        .order_by("-occurred_at")
        .values_list("client__name", flat=True)[:RECENT_ENTRIES]
    )
    recent = list(dict.fromkeys(latest))[:SUGGESTIONS]
    return recent + [name for name in names if name not in recent][: SUGGESTIONS - len(recent)]


@dataclass(frozen=True)
class Totals:
    billable_minutes: int
    unbilled_minutes: int
    revenue: Decimal

    @property
    def hours(self) -> Decimal:
        return Decimal(self.billable_minutes + self.unbilled_minutes) / 60

    @property
    def billable_hours(self) -> Decimal:
        return Decimal(self.billable_minutes) / 60

    @property
    def unbilled_hours(self) -> Decimal:
        return Decimal(self.unbilled_minutes) / 60

    @property
    def effective_rate(self) -> Decimal | None:
        """Revenue per hour of all time spent, billed or not: what the client really pays."""
        minutes = self.billable_minutes + self.unbilled_minutes
        if not minutes:
            return None
        return (self.revenue * 60 / minutes).quantize(Decimal("0.01"))


WINDOWS = {"30": 30, "90": 90, "all": None}


def client_totals(*, client: Client, today: dt.date) -> dict[str, Totals]:
    """Hours (billable and not), revenue (invoices issued, void excluded) and effective hourly
    rate over the last 30 and 90 days and all time. Two queries, whatever the history."""
    tz_start = {
        key: noon_in(client.workspace, today - dt.timedelta(days=days)).replace(hour=0)
        for key, days in WINDOWS.items()
        if days is not None
    }
    minutes = {}
    for key in WINDOWS:
        window = Q(occurred_at__gte=tz_start[key]) if key in tz_start else Q()
        minutes[f"b{key}"] = Sum("minutes", filter=window & Q(billable=True), default=0)
        minutes[f"u{key}"] = Sum("minutes", filter=window & Q(billable=False), default=0)
    spent = Interaction.objects.filter(client=client, deleted_at__isnull=True).aggregate(**minutes)
    revenue = {}
    for key, days in WINDOWS.items():
        window = Q(issued_on__gt=today - dt.timedelta(days=days)) if days is not None else Q()
        revenue[key] = Sum("amount", filter=window, default=Decimal("0"))
    earned = Invoice.objects.filter(client=client).counted().aggregate(**revenue)
    return {
        key: Totals(spent[f"b{key}"], spent[f"u{key}"], earned[key] or Decimal("0"))
        for key in WINDOWS
    }


def invoice_summary(*, client: Client, today: dt.date) -> dict:
    """Outstanding and overdue amounts of a client's invoices (void excluded)."""
    invoices = list(Invoice.objects.filter(client=client).counted())
    overdue = [i for i in invoices if i.status_on(today) == "overdue"]
    return {
        "outstanding": sum((i.outstanding for i in invoices), Decimal("0")),
        "overdue": sum((i.outstanding for i in overdue), Decimal("0")),
        "overdue_count": len(overdue),
    }


@dataclass(frozen=True)
class TimelineCursor:
    """Where the next page starts in each of the two streams (interactions, invoices)."""

    interaction: tuple[dt.datetime, int] | None = None
    invoice: tuple[dt.date, int] | None = None
    interactions_done: bool = False
    invoices_done: bool = False

    def encode(self) -> str:
        parts = []
        if self.interactions_done:
            parts.append("i=done")
        elif self.interaction:
            parts.append(f"i={self.interaction[0].isoformat()}~{self.interaction[1]}")
        if self.invoices_done:
            parts.append("v=done")
        elif self.invoice:
            parts.append(f"v={self.invoice[0].isoformat()}~{self.invoice[1]}")
        return "|".join(parts)

    @classmethod
    def decode(cls, raw: str) -> TimelineCursor:
        """A malformed cursor starts from the top rather than failing."""
        values: dict = {}
        try:
            for part in filter(None, raw.split("|")):
                key, _, value = part.partition("=")
                if value == "done":
                    values["interactions_done" if key == "i" else "invoices_done"] = True
                    continue
                stamp, _, pk = value.rpartition("~")
                if key == "i":
                    values["interaction"] = (dt.datetime.fromisoformat(stamp), int(pk))
                elif key == "v":
                    values["invoice"] = (dt.date.fromisoformat(stamp), int(pk))
        except ValueError:
            return cls()
        return cls(**values)


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    interaction: Interaction | None = None
    invoice: Invoice | None = None
    # The invoice's status on the workspace's today (open, overdue, paid late…).
    invoice_status: str = ""
    hand_over: HandOver | None = None


def client_timeline(
    *, client: Client, cursor: TimelineCursor | None = None, size: int = 20
) -> tuple[list[TimelineItem], TimelineCursor | None]:
    """A page of the client's history, newest first: interactions and invoices merged.

    Each stream keeps its own cursor, so a page costs two queries however deep it is.
    Returns the items and the cursor of the next page (None at the end).
    """
    cursor = cursor or TimelineCursor()
    interactions: list[Interaction] = []
    if not cursor.interactions_done:
        query = Interaction.objects.filter(client=client, deleted_at__isnull=True)
        if cursor.interaction:
            at, pk = cursor.interaction
            query = query.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, pk__lt=pk))
        interactions = list(
            query.select_related("author").order_by("-occurred_at", "-pk")[: size + 1]
        )
    invoices: list[Invoice] = []
    if not cursor.invoices_done:
        query = Invoice.objects.filter(client=client, deleted_at__isnull=True)
        if cursor.invoice:
            on, pk = cursor.invoice
            query = query.filter(Q(issued_on__lt=on) | Q(issued_on=on, pk__lt=pk))
        invoices = list(query.order_by("-issued_on", "-pk")[: size + 1])

    workspace = client.workspace
    today = workspace.today()
    items = [TimelineItem(at=i.occurred_at, interaction=i) for i in interactions] + [
        TimelineItem(
            at=noon_in(workspace, v.issued_on), invoice=v, invoice_status=v.status_on(today)
        )
        for v in invoices
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    page = items[:size]
    if len(items) <= size:
        return _with_hand_overs(client, page, cursor, last_page=True), None
    shown_interactions = [i.interaction for i in page if i.interaction]
    shown_invoices = [i.invoice for i in page if i.invoice]
    interaction_at, interactions_done = _advance(
        interactions,
        shown_interactions,
        cursor.interaction,
        cursor.interactions_done,
        size,
        key=lambda i: (i.occurred_at, i.pk),
    )
    invoice_at, invoices_done = _advance(
        invoices,
        shown_invoices,
        cursor.invoice,
        cursor.invoices_done,
        size,
        key=lambda v: (v.issued_on, v.pk),
    )
    page = _with_hand_overs(client, page, cursor, last_page=False)
    return page, TimelineCursor(interaction_at, invoice_at, interactions_done, invoices_done)


def _with_hand_overs(
    client: Client, page: list[TimelineItem], cursor: TimelineCursor, *, last_page: bool
) -> list[TimelineItem]:
    """The page with the hand-overs of its stretch of time: they are few, and follow the two
    streams' pages (after the previous page's end, down to this page's last item)."""
    query = HandOver.objects.filter(client=client).select_related("by", "from_owner", "to_owner")
    ends = [cursor.interaction[0]] if cursor.interaction else []
    if cursor.invoice:
        ends.append(noon_in(client.workspace, cursor.invoice[0]))
    if ends:
        query = query.filter(occurred_at__lte=max(ends))
    if page and not last_page:
        query = query.filter(occurred_at__gt=page[-1].at)
    notes = [TimelineItem(at=h.occurred_at, hand_over=h) for h in query.order_by("-occurred_at")]
    return sorted(page + notes, key=lambda item: item.at, reverse=True)


def _advance(fetched, shown, previous, was_done, size, *, key):
    """The next cursor of one stream: past its last shown row, or done when all of it is shown."""
    if was_done or (len(shown) == len(fetched) and len(fetched) <= size):
        return None, True
    return (key(shown[-1]) if shown else previous), False


# The quick log's memory: the author's recent entries, where it finds the usual kind (among the
# newest) and the usual length of a kind.
USUAL_KIND_ENTRIES = 30
RECENT_ENTRIES = 100
FIRST_DEFAULTS = {"kind": "message", "minutes": 15}


def interaction_defaults(
    *, workspace: Workspace, author: User, client: Client | None = None
) -> dict:
    """Where the quick log starts. With a client: the author's last kind with that client;
    without: the author's most usual kind. Never longer than the author's typical entry of that
    kind (the median), so one long complaint call does not become the default."""
    entries = Interaction.objects.for_workspace(workspace).alive().filter(author=author)
    last = None
    if client is not None:
        last = (
            entries.filter(client=client).order_by("-created_at").values("kind", "minutes").first()
        )
    recent = list(entries.order_by("-created_at").values_list("kind", "minutes")[:RECENT_ENTRIES])
    if not recent:
        return dict(FIRST_DEFAULTS)
    if last is None:
        kind = Counter(k for k, _m in recent[:USUAL_KIND_ENTRIES]).most_common(1)[0][0]
        minutes = None
    else:
        kind, minutes = last["kind"], last["minutes"]
    lengths = [m for k, m in recent if k == kind] or [minutes]
    typical = round(statistics.median(lengths))
    return {"kind": kind, "minutes": typical if minutes is None else min(minutes, typical)}


def recent_interactions(*, workspace: Workspace, limit: int = 10) -> list[TimelineItem]:
    entries = (
        Interaction.objects.for_workspace(workspace)
        .alive()
        .select_related("client", "author")
        .order_by("-occurred_at", "-pk")[:limit]
    )
    return [TimelineItem(at=entry.occurred_at, interaction=entry) for entry in entries]


TRASHED_INVOICES_SHOWN = 100


def invoices_in_trash(*, workspace: Workspace) -> list[Invoice]:
    """The newest invoices in the trash whose client is not (those come back with it)."""
    return list(
        Invoice.objects.for_workspace(workspace)
        .in_trash()
        .filter(client__deleted_at__isnull=True)
        .select_related("client")
        .order_by("-deleted_at", "-pk")[:TRASHED_INVOICES_SHOWN]
    )
