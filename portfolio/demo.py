"""Six months of believable history for the demo workspace, one client per situation the
product must handle: the dream client, the apprentice, the distrustful, the late payer, the one
who left… Deterministic (a fixed seed) and relative to today, so `make run` always looks current.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User, Workspace

from .models import Client, Interaction, InteractionKind, Invoice, flag_field
from .rules import is_out_of_hours
from .signals import announce_clients_changed

K = InteractionKind
DAYS = 182


@dataclass
class Pattern:
    """How a relationship behaves, as frequencies and tendencies the generator samples from."""

    kinds: dict[str, int]  # kind -> weight
    per_week: float  # interactions per week
    feeling: tuple[float, float]  # mean feeling early (6 months ago) and late (now)
    flags: dict[str, float] = field(default_factory=dict)  # flag -> probability per entry
    billable_share: float = 0.7
    minutes: tuple[int, int] = (15, 120)
    out_of_hours: float = 0.05  # share of contact at night or at weekends
    invoice_every_days: int | None = 30
    invoice_amount: tuple[int, int] = (800, 2000)
    pays_late_days: tuple[int, int] = (-5, 0)  # days after due date (negative: early)
    active_days: tuple[int, int] = (DAYS, 0)  # from N days ago until M days ago


STEADY = {K.MEETING: 2, K.CALL: 2, K.MESSAGE: 4, K.WORK_SESSION: 6, K.DELIVERABLE: 2}

PATTERNS = {
    "dream": Pattern(
        kinds=STEADY | {K.PRAISE: 2}, per_week=3, feeling=(1.2, 1.6),
        flags={"gratitude": 0.25}, billable_share=0.9, invoice_amount=(1800, 2600),
    ),
    "steady": Pattern(kinds=STEADY, per_week=2, feeling=(0.6, 0.7), flags={"gratitude": 0.05}),
    "apprentice": Pattern(
        kinds={K.SUPPORT_REQUEST: 6, K.MESSAGE: 4, K.CALL: 2, K.SCOPE_CHANGE: 1},
        per_week=2.5, feeling=(0.0, -1.0), flags={"out_of_scope": 0.5, "unreasonable_demand": 0.1},
        billable_share=0.05, minutes=(10, 45), invoice_every_days=None,
    ),
    "distrustful": Pattern(
        kinds={K.MEETING: 2, K.MESSAGE: 4, K.REVISION_REQUEST: 3, K.COMPLAINT: 2,
               K.WORK_SESSION: 3},
        per_week=2.5, feeling=(-0.3, -1.3), flags={"distrust": 0.35, "late_feedback": 0.15},
        billable_share=0.6,
    ),
    "conflict": Pattern(
        kinds={K.DISPUTE: 2, K.COMPLAINT: 3, K.REVISION_REQUEST: 3, K.MESSAGE: 3, K.CALL: 2,
               K.WORK_SESSION: 2},
        per_week=3, feeling=(-1.0, -1.7), out_of_hours=0.3,
        flags={"disrespect": 0.3, "unreasonable_demand": 0.35, "unclear_brief": 0.2},
        billable_share=0.5, pays_late_days=(5, 25),
    ),
    "draining_but_profitable": Pattern(
        kinds={K.CALL: 3, K.MESSAGE: 5, K.WORK_SESSION: 5, K.SCOPE_CHANGE: 1},
        per_week=4, feeling=(-0.8, -1.5), out_of_hours=0.35,
        flags={"unreasonable_demand": 0.15}, billable_share=0.95, invoice_amount=(3500, 5000),
    ),
    "lovely_unprofitable": Pattern(
        kinds=STEADY | {K.PRAISE: 2}, per_week=3, feeling=(1.3, 1.5), flags={"gratitude": 0.3},
        billable_share=0.3, invoice_amount=(250, 450), minutes=(30, 150),
    ),
    "late_payer": Pattern(
        kinds=STEADY | {K.PAYMENT_CHASE: 2}, per_week=2, feeling=(0.3, -0.2),
        pays_late_days=(18, 45),
    ),
    "recovering": Pattern(
        kinds=STEADY | {K.COMPLAINT: 1}, per_week=2, feeling=(-1.2, 1.0),
        flags={"unclear_brief": 0.1},
    ),
    "declining": Pattern(
        kinds=STEADY | {K.REVISION_REQUEST: 2, K.SCOPE_CHANGE: 1}, per_week=2,
        feeling=(1.0, -1.2), flags={"late_feedback": 0.15, "out_of_scope": 0.15},
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
                        feeling=(0.5, 0.5), invoice_every_days=None, active_days=(21, 0)),
}  # fmt: skip


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


CLIENTS = [
    DemoClient("Padaria Estrela", "Padaria Estrela Lda", "dream", 0, rate="70", language="pt-BR",
               note="Family bakery. Pays within days, says thank you, knows what it wants."),
    DemoClient("Nordlicht Apps", "Nordlicht GmbH", "dream", 1, billing="retainer", rate="2400"),
    DemoClient("Café Lua", "", "apprentice", 0, billing="fixed", rate="450", language="pt-BR",
               note="Paid once for a landing page in May; has asked for help every week since."),
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
               note="Rocky start; clearer briefs since we agreed on a process in the summer."),
    DemoClient("Atlas Logistics", "Atlas Logistics SA", "declining", 0,
               note="New marketing director since September; feedback slower, scope creeping."),
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
               note="Moving the site to a no-code builder; handing over in December."),
    DemoClient("Quill Publishing", "Quill Publishing House", "steady", 1, rate="65"),
    DemoClient("Andes Coffee", "Andes Coffee Traders", "steady", 0, language="es"),
    DemoClient("Fjord Analytics", "Fjord Analytics AS", "dream", 1, rate="80"),
    DemoClient("Mercado Pinheiro", "", "steady", 2, language="pt-BR", rate="50"),
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


def _interactions(rng, workspace, client, spec: DemoClient, people, today) -> list[Interaction]:
    pattern = PATTERNS[spec.pattern]
    start, end = pattern.active_days
    span = max(start - end, 1)
    count = max(1, round(pattern.per_week * span / 7)) if spec.pattern != "little_data" else 2
    kinds, weights = zip(*pattern.kinds.items(), strict=True)
    entries = []
    for _ in range(count):
        days_ago = rng.randint(end, start)
        progress = 1 - (days_ago - end) / span  # 0 six months ago, 1 at the end
        early, late = pattern.feeling
        mean = early + (late - early) * progress
        bad_week = spec.week_bad and 18 <= days_ago <= 25
        if bad_week:
            mean = -1.6
        kind = rng.choices(kinds, weights)[0]
        own_work = kind in (K.WORK_SESSION, K.DELIVERABLE)
        when = _moment(
            rng, today - dt.timedelta(days=days_ago), workspace.tzinfo,
            out_of_hours=not own_work and rng.random() < pattern.out_of_hours,
        )  # fmt: skip
        entry = Interaction(
            workspace=workspace,
            client=client,
            author=people[spec.owner] if rng.random() < 0.8 else rng.choice(people),
            kind=kind,
            occurred_at=when,
            minutes=rng.randint(*pattern.minutes) // 5 * 5,
            billable=(own_work and rng.random() < pattern.billable_share)
            or (kind == K.MEETING and rng.random() < pattern.billable_share / 2),
            feeling=_clamp_feeling(rng.gauss(mean, 0.6)) if rng.random() < 0.85 else None,
            summary=rng.choice(SUMMARIES.get(kind, ["…"])),
        )
        chosen = {flag for flag, p in pattern.flags.items() if rng.random() < p}
        if bad_week:
            chosen |= {"unreasonable_demand"} if rng.random() < 0.5 else {"late_feedback"}
        if is_out_of_hours(occurred_at=when, kind=kind, workspace=workspace):
            chosen.add("out_of_hours")
        for flag in chosen:
            setattr(entry, flag_field(flag), True)
        entries.append(entry)
    return entries


def _invoices(rng, workspace, client, spec: DemoClient, today, numbers) -> list[Invoice]:
    pattern = PATTERNS[spec.pattern]
    invoices = []
    if spec.pattern == "apprentice":  # paid once, at the very start
        schedule = [DAYS - 5]
    elif pattern.invoice_every_days is None:
        return []
    else:
        start, end = pattern.active_days
        schedule = list(range(start - 10, max(end, 0), -pattern.invoice_every_days))
    for days_ago in schedule:
        issued = today - dt.timedelta(days=days_ago)
        due = issued + dt.timedelta(days=30)
        amount = Decimal(rng.randint(*pattern.invoice_amount)).quantize(Decimal("1"))
        paid_on = due + dt.timedelta(days=rng.randint(*pattern.pays_late_days))
        paid = paid_on <= today
        invoices.append(
            Invoice(
                workspace=workspace,
                client=client,
                number=f"{issued:%Y}-{next(numbers):03d}",
                issued_on=issued,
                due_on=due,
                amount=amount,
                paid_on=paid_on if paid else None,
                paid_amount=amount if paid else None,
            )
        )
    return invoices


@transaction.atomic
def demo_history_load(*, workspace: Workspace, people: list[User]) -> int:
    """Add the demo clients and their history, unless the workspace already has clients."""
    if Client.objects.for_workspace(workspace).exists():
        return 0
    rng = random.Random(20261124)
    today = timezone.localdate(timezone=workspace.tzinfo)
    numbers = iter(range(1, 10_000))
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
        interactions += _interactions(rng, workspace, client, spec, people, today)
        invoices += _invoices(rng, workspace, client, spec, today, numbers)
    Interaction.objects.bulk_create(interactions, batch_size=500)
    Invoice.objects.bulk_create(invoices, batch_size=500)
    announce_clients_changed(workspace_id=workspace.pk, client_ids=[c.pk for c in clients])
    return len(clients)
