"""Six months of believable history for the demo workspace, one client per situation the
product must handle: the dream client, the apprentice, the distrustful, the late payer, the one
who left… Deterministic (a fixed seed) and relative to today, so `make run` always looks current.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User, Workspace

from .models import Client, Interaction, InteractionKind, Invoice, flag_field
from .rules import is_out_of_hours
from .signals import ALL_HISTORY, announce_clients_changed

K = InteractionKind
DAYS = 182

# How long each kind of entry usually takes, in minutes (before a pattern's scale).
MINUTES = {
    K.MEETING: (30, 90), K.CALL: (15, 45), K.MESSAGE: (10, 40), K.WORK_SESSION: (90, 180),
    K.DELIVERABLE: (30, 90), K.REVISION_REQUEST: (15, 60), K.SCOPE_CHANGE: (15, 60),
    K.SUPPORT_REQUEST: (10, 60), K.COMPLAINT: (10, 40), K.PRAISE: (5, 15), K.DISPUTE: (20, 60),
    K.PAYMENT_CHASE: (5, 15), K.OTHER: (10, 30),
}  # fmt: skip

# How likely a freelancer in good standing is to bill an entry of each kind: their own work
# almost always, meetings often, calls sometimes, messages and complaints never.
BILLABLE = {
    K.WORK_SESSION: 0.95, K.DELIVERABLE: 0.95, K.MEETING: 0.5, K.CALL: 0.2,
    K.REVISION_REQUEST: 0.5, K.SCOPE_CHANGE: 0.4, K.SUPPORT_REQUEST: 0.6,
}  # fmt: skip


@dataclass
class Pattern:
    """How a relationship behaves, as frequencies and tendencies the generator samples from.

    A relationship can change: over the last `change_days` of its activity the feeling moves
    from its early to its late mean, and the kinds and flags blend into `late_kinds` and
    `late_flags` (when given). Without `change_days` the change spans the whole history."""

    kinds: dict[str, int]  # kind -> weight
    per_week: float  # interactions per week
    feeling: tuple[float, float]  # mean feeling early (before the change) and late (now)
    flags: dict[str, float] = field(default_factory=dict)  # flag -> probability per entry
    late_kinds: dict[str, int] | None = None
    late_flags: dict[str, float] | None = None
    change_days: int | None = None
    bills: float = 1.0  # share of the usually billable time actually billed
    minutes_scale: float = 1.0
    out_of_hours: float = 0.05  # share of contact at night or at weekends
    invoice_every_days: int | None = 30
    # No invoice in the last N days: the billable work since waits for the next one.
    invoiced_until_days: int = 0
    pays_late_days: tuple[int, int] = (-5, 0)  # days after due date (negative: early)
    active_days: tuple[int, int] = (DAYS, 0)  # from N days ago until M days ago
    billable: dict[str, float] = field(default_factory=dict)  # kind -> chance, over BILLABLE
    summaries: dict[str, list[str]] = field(default_factory=dict)  # kind -> over SUMMARIES


STEADY = {K.MEETING: 2, K.CALL: 2, K.MESSAGE: 4, K.WORK_SESSION: 6, K.DELIVERABLE: 2}

PATTERNS = {
    "dream": Pattern(
        kinds=STEADY | {K.PRAISE: 2}, per_week=3, feeling=(1.2, 1.6), flags={"gratitude": 0.25},
    ),
    "steady": Pattern(kinds=STEADY, per_week=2, feeling=(0.6, 0.7), flags={"gratitude": 0.05}),
    # Paid once for a small job; since then, free help every week.
    "apprentice": Pattern(
        kinds={K.SUPPORT_REQUEST: 6, K.MESSAGE: 4, K.CALL: 2, K.SCOPE_CHANGE: 1},
        per_week=2.5, feeling=(0.0, -1.0), flags={"out_of_scope": 0.5, "unreasonable_demand": 0.1},
        bills=0.03, minutes_scale=0.8, invoice_every_days=None,
    ),
    # The work goes out and gets done; what breaks is that every decision is questioned.
    "distrustful": Pattern(
        kinds={K.MEETING: 2, K.MESSAGE: 4, K.REVISION_REQUEST: 1, K.COMPLAINT: 1,
               K.WORK_SESSION: 5, K.DELIVERABLE: 2},
        per_week=2.5, feeling=(-0.1, -0.8), flags={"distrust": 0.35, "late_feedback": 0.1},
        bills=0.9,
    ),
    "conflict": Pattern(
        kinds={K.DISPUTE: 2, K.COMPLAINT: 3, K.REVISION_REQUEST: 1, K.MESSAGE: 3, K.CALL: 2,
               K.WORK_SESSION: 4, K.DELIVERABLE: 1},
        per_week=3, feeling=(-1.0, -1.6), out_of_hours=0.3,
        flags={"disrespect": 0.3, "unreasonable_demand": 0.35, "unclear_brief": 0.1},
        bills=0.85, pays_late_days=(5, 25),
    ),
    # Pays the best rate, respects the work; every call leaves you drained.
    "draining_but_profitable": Pattern(
        kinds={K.CALL: 3, K.MESSAGE: 5, K.MEETING: 1, K.WORK_SESSION: 5, K.DELIVERABLE: 1,
               K.SCOPE_CHANGE: 1},
        per_week=4, feeling=(-0.9, -1.0), out_of_hours=0.35, flags={"unreasonable_demand": 0.05},
    ),
    "lovely_unprofitable": Pattern(
        kinds=STEADY | {K.PRAISE: 2}, per_week=3, feeling=(1.3, 1.5), flags={"gratitude": 0.3},
        bills=0.5, minutes_scale=1.2,
    ),
    "late_payer": Pattern(
        kinds=STEADY | {K.PAYMENT_CHASE: 2}, per_week=2, feeling=(0.4, 0.1),
        pays_late_days=(5, 30),
    ),
    # A rocky start; a process agreed two months ago, and it has been good since.
    "recovering": Pattern(
        kinds=STEADY | {K.COMPLAINT: 1, K.REVISION_REQUEST: 2}, per_week=2, feeling=(-0.6, 1.4),
        flags={"unclear_brief": 0.25, "late_feedback": 0.1},
        late_kinds=STEADY | {K.PRAISE: 1}, late_flags={"gratitude": 0.15}, change_days=60,
    ),
    # Good for months; a new contact six weeks ago, and since then slower feedback and creep.
    "declining": Pattern(
        kinds=STEADY | {K.PRAISE: 1}, per_week=2, feeling=(0.9, -1.6), flags={"gratitude": 0.1},
        late_kinds=STEADY | {K.REVISION_REQUEST: 4, K.SCOPE_CHANGE: 2, K.COMPLAINT: 1},
        late_flags={"late_feedback": 0.35, "out_of_scope": 0.3, "unreasonable_demand": 0.1},
        change_days=45,
    ),
    "little_data": Pattern(kinds={K.CALL: 1, K.MEETING: 1}, per_week=0.1, feeling=(0.3, 0.3),
                           invoice_every_days=None, active_days=(30, 0)),
    "left": Pattern(kinds=STEADY, per_week=2, feeling=(0.5, 0.2), active_days=(DAYS, 60)),
    "ended_by_us": Pattern(
        kinds={K.COMPLAINT: 2, K.DISPUTE: 1, K.MESSAGE: 3, K.WORK_SESSION: 2}, per_week=2,
        feeling=(-1.0, -1.6), flags={"disrespect": 0.25}, active_days=(DAYS, 25),
        pays_late_days=(10, 30),
    ),
    "prospect": Pattern(kinds={K.CALL: 1, K.MEETING: 1, K.MESSAGE: 1}, per_week=0.5,
                        feeling=(0.5, 0.5), bills=0, invoice_every_days=None,
                        active_days=(21, 0)),
    # Support requests are the job itself, billed by the hour: paid work, not scope creep.
    "paid_support": Pattern(
        kinds={K.SUPPORT_REQUEST: 10, K.CALL: 2, K.MESSAGE: 2, K.WORK_SESSION: 2, K.MEETING: 1},
        per_week=3.5, feeling=(0.8, 0.9), flags={"gratitude": 0.1},
        billable={K.SUPPORT_REQUEST: 0.95, K.CALL: 0.6},
        summaries={K.SUPPORT_REQUEST: [
            "Reception PC not syncing email", "Laptop set up for the new nurse",
            "Printer at the front desk offline", "VPN access for a doctor working from home",
            "Backup check and security updates", "Scheduling software will not start",
        ], K.WORK_SESSION: ["Monthly maintenance", "Network cabling in the new room"]},
    ),
    # Invoiced monthly until two months ago; the project since is billed when it ships.
    "invoice_pending": Pattern(
        kinds=STEADY, per_week=2.5, feeling=(0.7, 0.9), flags={"gratitude": 0.1},
        invoiced_until_days=58,
    ),
    # Writes late in the evening and on Saturdays, and expects an answer (the rate is good).
    "out_of_hours": Pattern(
        kinds={K.MESSAGE: 6, K.CALL: 3, K.MEETING: 1, K.WORK_SESSION: 5, K.DELIVERABLE: 2,
               K.REVISION_REQUEST: 1},
        per_week=4, feeling=(-0.8, -1.2), out_of_hours=0.55,
        summaries={K.MESSAGE: ["Message about tomorrow's shoot", "Feedback on the edit",
                               "Wants the cut-down by Monday"]},
    ),
    # Leaves its owner drained; the teammate who joined the account gets on with them well.
    "clashes_with_owner": Pattern(
        kinds=STEADY | {K.CALL: 3, K.REVISION_REQUEST: 2}, per_week=3, feeling=(-1.3, -1.5),
        flags={"unreasonable_demand": 0.1, "late_feedback": 0.1},
    ),
}  # fmt: skip


# What a rough week brings, as a steady client's otherwise clean log shows it.
BAD_WEEK_FLAGS = ("late_feedback", "late_feedback", "unclear_brief", "unreasonable_demand")


@dataclass(frozen=True)
class Teammate:
    """Someone other than the owner who works with the client, and how it leaves them."""

    person: int  # index into the workspace's people
    share: float  # of the entries since `since_days` ago
    feeling: float  # mean feeling of their entries
    since_days: int = DAYS


@dataclass
class DemoClient:
    name: str
    company: str
    pattern: str
    owner: int  # index into the workspace's people (0 = Ana, 1 = Bruno, 2 = Carla)
    billing: str = "hourly"
    rate: str = "60"
    status: str = "active"
    language: str = "en"
    ended_by: str = ""
    departure_reason: str = ""
    end_reason: str = ""
    week_bad: bool = False  # one bad week three weeks ago
    note: str = ""
    # Without one, a fifth of the entries are by anyone, with the same feeling as the owner's.
    teammate: Teammate | None = None


CLIENTS = [
    DemoClient("Padaria Estrela", "Padaria Estrela Lda", "dream", 0, rate="70", language="pt-BR",
               note="Family bakery. Pays within days, says thank you, knows what it wants."),
    DemoClient("Nordlicht Apps", "Nordlicht GmbH", "dream", 1, billing="retainer", rate="2400"),
    DemoClient("Café Lua", "", "apprentice", 0, billing="fixed", rate="450", language="pt-BR",
               note="Paid once for a landing page six months ago; asks for help every week since."),
    DemoClient("Grupo Vértice", "Vértice Inmobiliaria", "distrustful", 1, language="es",
               note="Questions every estimate; asked for timesheets twice."),
    DemoClient("Hartley & Sons", "Hartley & Sons Ltd", "conflict", 0,
               note="Criticises everything, messages at 11 pm, disputes every invoice."),
    DemoClient("Meridian Capital", "Meridian Capital Partners", "draining_but_profitable", 0,
               rate="95", note="Best rate we have. Also the most stressful calls of the week."),
    DemoClient("Escola Semear", "Associação Semear", "lovely_unprofitable", 2, rate="35",
               language="pt-BR", note="A joy to work with. The budget is tiny."),
    DemoClient("Oakridge Dental", "Oakridge Dental Clinic", "late_payer", 1),
    DemoClient("Tienda Verde", "Tienda Verde SL", "late_payer", 2, language="es"),
    DemoClient("Blue Fern Studio", "", "steady", 2, week_bad=True,
               note="Good client; one rough week around a launch."),
    DemoClient("Lumen Health", "Lumen Health Inc.", "recovering", 1,
               note="Rocky start; clearer briefs since we agreed on a process two months ago."),
    DemoClient("Atlas Logistics", "Atlas Logistics SA", "declining", 0,
               note="New marketing director six weeks ago; feedback slower, scope creeping."),
    DemoClient("Bodega Sol", "", "little_data", 2, language="es"),
    DemoClient("Kite & Co", "", "little_data", 1),
    DemoClient("Maré Alta Surf", "Maré Alta", "left", 2, status="ended", language="pt-BR",
               ended_by="they_ended", departure_reason="budget",
               end_reason="Season was weak; they cut all outside spending."),
    DemoClient("Pixelwerk", "Pixelwerk AG", "left", 1, status="ended",
               ended_by="they_ended", departure_reason="other_provider",
               end_reason="Moved to an agency that also does their ads."),
    DemoClient("Norte Construções", "Norte Construções SA", "ended_by_us", 0, status="ended",
               language="pt-BR", ended_by="we_ended",
               end_reason="Repeated disrespect towards Carla; we finished the site and left."),
    DemoClient("Rocío Marketing", "", "prospect", 2, status="prospect", language="es",
               billing="retainer", rate="900"),
    DemoClient("Greenway Bikes", "Greenway Bikes Ltd", "prospect", 1, status="prospect"),
    DemoClient("Casa Azul Hotel", "Casa Azul", "steady", 0, status="paused", language="pt-BR",
               note="Paused until the renovation ends in spring."),
    DemoClient("Solstice Yoga", "", "steady", 2, status="offboarding",
               note="Moving the site to a no-code builder; handing over next month."),
    DemoClient("Quill Publishing", "Quill Publishing House", "steady", 1, rate="65"),
    DemoClient("Andes Coffee", "Andes Coffee Traders", "steady", 0, language="es"),
    DemoClient("Fjord Analytics", "Fjord Analytics AS", "dream", 1, rate="80"),
    DemoClient("Mercado Pinheiro", "", "steady", 2, language="pt-BR", rate="50"),
    # Added after the others, so that their history stays as it was.
    DemoClient("Vila Nova Clínica", "Clínica Vila Nova Ltda", "paid_support", 2, rate="70",
               language="pt-BR",
               note="IT support for a small clinic, by the hour; invoiced monthly, paid on time."),
    DemoClient("Sunday Studio", "", "invoice_pending", 2, rate="65",
               note="Invoiced monthly until the rebrand started; it is billed when it ships."),
    DemoClient("Kestrel Media", "Kestrel Media Ltd", "out_of_hours", 1, rate="90",
               note="Pays well above our target; writes at 10 pm and on Saturdays, and expects "
               "an answer by morning."),
    DemoClient("Brightwater Events", "Brightwater Events Ltd", "clashes_with_owner", 0,
               rate="60", teammate=Teammate(2, 0.33, 1.2, since_days=90),
               note="Ana and the founder clash on every call; since Carla joined the account "
               "three months ago, it goes well with her."),
]  # fmt: skip

SUMMARIES = {
    K.MEETING: ["Weekly check-in", "Planning the next release", "Workshop on the new pages"],
    K.CALL: ["Quick call about the brief", "Call to agree priorities", "Phone call about timing"],
    K.MESSAGE: ["Answered questions by email", "Sent the status update", "Chat about copy"],
    K.WORK_SESSION: ["Design work", "Development", "Fixes and polish", "Content updates"],
    K.DELIVERABLE: ["Delivered the new version", "Sent the final files", "Launched the update"],
    K.REVISION_REQUEST: ["Another round of changes", "Asked to redo the header again"],
    K.SCOPE_CHANGE: ["New page requested mid-sprint", "Wants a shop added, same budget"],
    K.SUPPORT_REQUEST: ["Help with their email settings", "Printer problem, asked for help",
                        "Password reset, again", "How do I change the photo?"],
    K.COMPLAINT: ["Unhappy with the colours", "Said the work was too slow"],
    K.PRAISE: ["Loved the new design", "Thanked us in front of their team"],
    K.DISPUTE: ["Disputed the invoice hours", "Refused to pay for the revisions"],
    K.PAYMENT_CHASE: ["Reminder about the overdue invoice", "Second reminder: invoice unpaid"],
    K.OTHER: ["Other"],
}  # fmt: skip


def _clamp_feeling(value: float) -> int:
    return max(-2, min(2, round(value)))


def _moment(rng: random.Random, day: dt.date, tz, out_of_hours: bool) -> dt.datetime:
    if out_of_hours:
        hour = rng.choice([7, 19, 20, 21, 22, 23])
        if rng.random() < 0.4:
            day += dt.timedelta(days=(5 - day.weekday()) % 7)  # a Saturday
    else:
        hour = rng.randint(9, 17)
        if day.weekday() >= 5:
            day -= dt.timedelta(days=day.weekday() - 4)  # back to Friday
    moment = dt.datetime.combine(day, dt.time(hour, rng.choice([0, 10, 20, 30, 40, 50])), tz)
    # Nothing in the demo happens later than now.
    return min(moment, timezone.now() - dt.timedelta(minutes=rng.randint(5, 90)))


def _change(pattern: Pattern, days_ago: int) -> float:
    """How far the relationship has moved from its early to its late self: 0 before the change
    begins, 1 at the end of its activity."""
    start, end = pattern.active_days
    span = max(min(pattern.change_days or start - end, start - end), 1)
    return min(1.0, max(0.0, 1 - (days_ago - end) / span))


def _flag_chances(pattern: Pattern, change: float) -> dict[str, float]:
    if pattern.late_flags is None:
        return pattern.flags
    names = pattern.flags.keys() | pattern.late_flags.keys()
    return {
        name: pattern.flags.get(name, 0.0) * (1 - change)
        + pattern.late_flags.get(name, 0.0) * change
        for name in sorted(names)
    }


def _author(rng, spec: DemoClient, people, days_ago: int, mean: float) -> tuple[User, float]:
    """Who logged an entry, and the mean feeling it leaves them with."""
    mate = spec.teammate
    if mate is None:
        return (people[spec.owner] if rng.random() < 0.8 else rng.choice(people)), mean
    if days_ago <= mate.since_days and rng.random() < mate.share:
        return people[mate.person], mate.feeling
    return people[spec.owner], mean


def _interactions(rng, workspace, client, spec: DemoClient, people, today) -> list[Interaction]:
    pattern = PATTERNS[spec.pattern]
    start, end = pattern.active_days
    span = max(start - end, 1)
    count = max(1, round(pattern.per_week * span / 7)) if spec.pattern != "little_data" else 2
    entries = []
    for _ in range(count):
        days_ago = rng.randint(end, start)
        change = _change(pattern, days_ago)
        early, late = pattern.feeling
        mean = early + (late - early) * change
        bad_week = spec.week_bad and 18 <= days_ago <= 25
        if bad_week:
            mean = -1.6
        mix = pattern.late_kinds if pattern.late_kinds and rng.random() < change else pattern.kinds
        kind = rng.choices(list(mix), list(mix.values()))[0]
        own_work = kind in (K.WORK_SESSION, K.DELIVERABLE)
        when = _moment(
            rng, today - dt.timedelta(days=days_ago), workspace.tzinfo,
            out_of_hours=not own_work and rng.random() < pattern.out_of_hours,
        )  # fmt: skip
        low, high = MINUTES[kind]
        minutes = max(5, round(rng.randint(low, high) * pattern.minutes_scale / 5) * 5)
        author, mean = _author(rng, spec, people, days_ago, mean)
        entry = Interaction(
            workspace=workspace,
            client=client,
            author=author,
            kind=kind,
            occurred_at=when,
            minutes=minutes,
            billable=rng.random() < (BILLABLE | pattern.billable).get(kind, 0.0) * pattern.bills,
            feeling=_clamp_feeling(rng.gauss(mean, 0.6)) if rng.random() < 0.85 else None,
            summary=rng.choice(pattern.summaries.get(kind) or SUMMARIES.get(kind, ["…"])),
            out_of_hours_by_rule=True,
        )
        chosen = {flag for flag, p in _flag_chances(pattern, change).items() if rng.random() < p}
        if bad_week:
            chosen.add(rng.choice(BAD_WEEK_FLAGS))
        if is_out_of_hours(occurred_at=when, kind=kind, workspace=workspace):
            chosen.add("out_of_hours")
        for flag in chosen:
            setattr(entry, flag_field(flag), True)
        entries.append(entry)
    return entries


def _billed_minutes(entries, workspace, today, newer: int, older: int | None) -> int:
    """Billable minutes of the entries from `older` days ago (exclusive) to `newer` (inclusive
    of that day): the work one invoice covers."""
    total = 0
    for entry in entries:
        days_ago = (today - timezone.localtime(entry.occurred_at, workspace.tzinfo).date()).days
        if entry.billable and days_ago >= newer and (older is None or days_ago < older):
            total += entry.minutes
    return total


def _invoices(rng, workspace, client, spec: DemoClient, entries, today) -> list[Invoice]:
    """Monthly invoices, each billing the work since the one before: billable hours at the rate
    for hourly clients, the agreed amount for the others. The apprentice paid once, long ago;
    work after the latest invoice waits for the next one."""
    pattern = PATTERNS[spec.pattern]
    start, end = pattern.active_days
    if spec.pattern == "apprentice":
        schedule = [DAYS - 5]
    elif pattern.invoice_every_days is None:
        return []
    else:  # newest first: a few days before the work stopped (or before today), then monthly
        latest = max(end, pattern.invoiced_until_days) + rng.randint(1, 4)
        schedule = list(range(latest, start - 10 + 1, pattern.invoice_every_days))
    invoices = []
    for index, days_ago in enumerate(schedule):
        if spec.billing == "hourly":
            older = None if index == len(schedule) - 1 else schedule[index + 1]
            hours = Decimal(_billed_minutes(entries, workspace, today, days_ago, older)) / 60
            amount = (hours * client.rate).quantize(Decimal("1"))
        else:
            amount = client.rate
        if not amount:
            continue
        issued = today - dt.timedelta(days=days_ago)
        due = issued + dt.timedelta(days=30)
        paid_on = due + dt.timedelta(days=rng.randint(*pattern.pays_late_days))
        paid = paid_on <= today
        invoices.append(
            Invoice(
                workspace=workspace,
                client=client,
                issued_on=issued,
                due_on=due,
                amount=amount,
                paid_on=paid_on if paid else None,
                paid_amount=amount if paid else None,
            )
        )
    invoices.reverse()  # oldest first
    return invoices


@transaction.atomic
def demo_history_load(*, workspace: Workspace, people: list[User]) -> int:
    """Add the demo clients and their history, unless the workspace already has clients."""
    if Client.objects.for_workspace(workspace).exists():
        return 0
    today = workspace.today()
    clients = Client.objects.bulk_create(
        Client(
            workspace=workspace,
            name=spec.name,
            company=spec.company,
            status=spec.status,
            owner=people[spec.owner],
            billing_model=spec.billing,
            rate=Decimal(spec.rate),
            started_on=today - dt.timedelta(days=PATTERNS[spec.pattern].active_days[0] + 7),
            ended_on=today - dt.timedelta(days=PATTERNS[spec.pattern].active_days[1])
            if spec.status == "ended"
            else None,
            ended_by=spec.ended_by,
            departure_reason=spec.departure_reason,
            end_reason=spec.end_reason,
            language=spec.language,
            notes=spec.note,
        )
        for spec in CLIENTS
    )
    interactions, invoices = [], []
    for client, spec in zip(clients, CLIENTS, strict=True):
        # A draw of its own for each client, so that no client's story depends on how many
        # draws the ones before it took (which the date changes: a weekend moves entries).
        rng = random.Random(f"20261124:{spec.name}")
        entries = _interactions(rng, workspace, client, spec, people, today)
        interactions += entries
        invoices += _invoices(rng, workspace, client, spec, entries, today)
    numbers = Counter()  # numbered in the order they were issued, a sequence per year
    for invoice in sorted(invoices, key=lambda invoice: invoice.issued_on):
        numbers[invoice.issued_on.year] += 1
        invoice.number = f"{invoice.issued_on:%Y}-{numbers[invoice.issued_on.year]:03d}"
    Interaction.objects.bulk_create(interactions, batch_size=500)
    Invoice.objects.bulk_create(invoices, batch_size=500)
    announce_clients_changed(
        workspace_id=workspace.pk, client_ids=[c.pk for c in clients], since=ALL_HISTORY
    )
    return len(clients)
