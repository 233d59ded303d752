"""Per-client aggregates in SQL: one query over the interactions and one over the invoices for
a whole workspace, whatever the number of clients. Everything is "as of" a day D over a window
(the W days up to and including D), and weighed by recency: an event d whole days before D
weighs 0.5 ** (d / half-life).

Day ages come from dates, never from casting datetimes to numbers (SQLite reads a datetime cast
to float as its year; PostgreSQL refuses it), through `DaysBetween`, the one per-backend piece.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Exp, Greatest, TruncDate

from accounts.models import Workspace
from portfolio.models import (
    OWN_WORK_KINDS,
    Flag,
    Interaction,
    InteractionKind,
    Invoice,
    flag_field,
)

from .aggregates import ClientMetrics

# PostgreSQL raises on exp() underflow; nothing older than this many half-lives matters anyway.
MIN_EXPONENT = -50.0


class DaysBetween(Func):
    """Whole days from the date `start` to the date `end` (negative when end is earlier)."""

    output_field = FloatField()

    def __init__(self, start, end):
        super().__init__(start, end)

    def _parts(self, compiler, connection):
        start, end = (compiler.compile(expression) for expression in self.source_expressions)
        return start, end

    def as_sqlite(self, compiler, connection, **extra_context):
        (start_sql, start_params), (end_sql, end_params) = self._parts(compiler, connection)
        sql = f"(julianday({end_sql}) - julianday({start_sql}))"
        return sql, (*end_params, *start_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        (start_sql, start_params), (end_sql, end_params) = self._parts(compiler, connection)
        sql = f"((({end_sql})::date - ({start_sql})::date)::double precision)"
        return sql, (*end_params, *start_params)


class Equals(Func):
    """`a = b` as a value (true/false), without the ORM's filter machinery."""

    arg_joiner = " = "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def decay_weight(age_days, half_life_days: int):
    """0.5 ** (age / half-life) as an expression, the exponent clamped against underflow."""
    exponent = Value(-math.log(2) / half_life_days, FloatField()) * age_days
    return Exp(Greatest(exponent, Value(MIN_EXPONENT, FloatField()), output_field=FloatField()))


@dataclass(frozen=True)
class Window:
    as_of: dt.date
    days: int = 180
    half_life_days: int = 45

    @property
    def first_day(self) -> dt.date:
        return self.as_of - dt.timedelta(days=self.days - 1)


CONTACT_KINDS = tuple(kind for kind in InteractionKind.values if kind not in OWN_WORK_KINDS)


def _local_date(workspace: Workspace):
    return TruncDate("occurred_at", tzinfo=workspace.tzinfo)


def _day_bounds(workspace: Workspace, window: Window) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(window.first_day, dt.time(), tzinfo=workspace.tzinfo)
    end = dt.datetime.combine(
        window.as_of + dt.timedelta(days=1), dt.time(), tzinfo=workspace.tzinfo
    )
    return start, end


def _weighted(weight, condition: Q | None = None, value=None):
    then = weight if value is None else value * weight
    if condition is None:
        return Sum(then, output_field=FloatField())
    return Sum(Case(When(condition, then=then), default=Value(0.0)), output_field=FloatField())


def _interaction_weight(workspace: Workspace, window: Window):
    age = DaysBetween(_local_date(workspace), Value(window.as_of, DateField()))
    return decay_weight(age, window.half_life_days)


def _interaction_aggregates(workspace: Workspace) -> dict:
    # The weight is an alias resolved once (building ~20 copies of it cost more than the SQL).
    weight = F("recency")
    minutes = Cast("minutes", FloatField())
    contact = Q(kind__in=CONTACT_KINDS)
    billable = Q(billable=True)
    has_feeling = Q(feeling__isnull=False)
    aggregates = {
        "entries": Count("pk"),
        "contacts": Count("pk", filter=contact),
        "minutes": Sum("minutes"),
        "billable_minutes": Sum("minutes", filter=billable),
        "feelings": Count("pk", filter=has_feeling),
        "feelings_low": Count("pk", filter=Q(feeling__lt=0)),
        "feeling_sum": Sum("feeling"),
        "last_distrust_on": Max(_local_date(workspace), filter=Q(flag_distrust=True)),
        "w_entries": _weighted(weight),
        "w_contacts": _weighted(weight, contact),
        "w_minutes": _weighted(weight, value=minutes),
        "w_billable_minutes": _weighted(weight, billable, minutes),
        "w_feelings": _weighted(weight, has_feeling),
        "w_feeling_sum": _weighted(weight, has_feeling, Cast("feeling", FloatField())),
    }
    # Kinds and flags as 0/1 numbers summed: plain arithmetic, cheaper to build than 42
    # filtered aggregates, and the same SQL on both backends.
    for kind in InteractionKind.values:
        one = Cast(Equals(F("kind"), Value(kind)), IntegerField())
        aggregates[f"kind:{kind}"] = Sum(one)
        aggregates[f"w_kind:{kind}"] = Sum(Cast(one, FloatField()) * weight)
    for flag in Flag.values:
        one = Cast(F(flag_field(flag)), IntegerField())
        aggregates[f"flag:{flag}"] = Sum(one)
        aggregates[f"w_flag:{flag}"] = Sum(Cast(one, FloatField()) * weight)
    return aggregates


def _invoice_weight(window: Window):
    as_of = Value(window.as_of, DateField())
    return decay_weight(DaysBetween(F("issued_on"), as_of), window.half_life_days)


def _invoice_aggregates(window: Window) -> dict:
    as_of = Value(window.as_of, DateField())
    weight = F("recency")
    amount = Cast("amount", FloatField())
    # Settled = paid in full by D. Late = settled after its due day, or still unsettled past it.
    settled = Q(paid_on__isnull=False, paid_on__lte=window.as_of, paid_amount__gte=F("amount"))
    due = Q(due_on__isnull=False, due_on__lt=window.as_of) | (settled & Q(due_on__isnull=False))
    late_settled = settled & Q(due_on__isnull=False, paid_on__gt=F("due_on"))
    overdue = ~settled & Q(due_on__isnull=False, due_on__lt=window.as_of)
    late = late_settled | overdue
    days_late = Case(
        When(late_settled, then=DaysBetween(F("due_on"), F("paid_on"))),
        When(overdue, then=DaysBetween(F("due_on"), as_of)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    paid_by_then = Case(
        When(
            Q(paid_on__isnull=False, paid_on__lte=window.as_of),
            then=Cast("paid_amount", FloatField()),
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return {
        "invoices": Count("pk"),
        "revenue": Sum(amount, output_field=FloatField()),
        "invoices_due": Count("pk", filter=due),
        "invoices_late": Count("pk", filter=late),
        "days_late": Sum(days_late, output_field=FloatField()),
        "overdue_amount": Sum(
            Case(When(overdue, then=amount - paid_by_then), default=Value(0.0)),
            output_field=FloatField(),
        ),
        "w_revenue": _weighted(weight, value=amount),
        "w_invoices_due": _weighted(weight, due),
        "w_invoices_late": _weighted(weight, late),
        "w_days_late": _weighted(weight, late, days_late),
    }


def _interaction_rows(workspace: Workspace, window: Window, client_ids) -> QuerySet:
    start, end = _day_bounds(workspace, window)
    # The interaction table's own workspace column: ~8x faster than going through the client.
    rows = Interaction.objects.filter(
        workspace_id=workspace.pk,
        deleted_at__isnull=True,
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    if client_ids is not None:
        rows = rows.filter(client_id__in=client_ids)
    return (
        rows.order_by()
        .alias(recency=_interaction_weight(workspace, window))
        .values("client_id")
        .annotate(**_prefixed(_interaction_aggregates(workspace)))
    )


def _invoice_rows(workspace: Workspace, window: Window, client_ids) -> QuerySet:
    rows = Invoice.objects.filter(
        workspace_id=workspace.pk,
        void=False,
        issued_on__gte=window.first_day,
        issued_on__lte=window.as_of,
    )
    if client_ids is not None:
        rows = rows.filter(client_id__in=client_ids)
    return (
        rows.order_by()
        .alias(recency=_invoice_weight(window))
        .values("client_id")
        .annotate(**_prefixed(_invoice_aggregates(window)))
    )


# Up to this many clients are filtered in the query; more, and the whole workspace is read
# and the rest dropped (one compiled query per size, so the cache below stays small).
FILTERED_CLIENTS = 50


def client_metrics(
    *, workspace: Workspace, window: Window, client_ids=None
) -> dict[int, ClientMetrics]:
    """Aggregates of every client of the workspace with evidence in the window, keyed by client
    id (all clients, or those in `client_ids`); two queries in all."""
    wanted = None if client_ids is None else set(client_ids)
    filtered = None if wanted is None or len(wanted) > FILTERED_CLIENTS else sorted(wanted)
    results: dict[int, ClientMetrics] = {}
    for build, fill in ((_interaction_rows, _fill_interactions), (_invoice_rows, _fill_invoices)):
        for row in _compiled_rows(build, workspace, window, filtered):
            if wanted is None or row["client_id"] in wanted:
                metrics = results.setdefault(row["client_id"], ClientMetrics(row["client_id"]))
                fill(metrics, _unprefixed(row))
    return results


# Compiling ~50 aggregates takes Django ~10 ms, several times what the database needs to run
# them; rescoring one client on every logged entry pays that twice. So each query shape is
# compiled once, with sentinel values in place of the workspace, the day and the clients, and
# run with the real values swapped in. Shape = backend, time zone, window, half-life, number
# of clients; tests compare the results with a plain Python computation.
_SENTINEL_DAY = dt.date(1901, 2, 3)
_SENTINEL_WORKSPACE = -737_373
_compiled: dict[tuple, tuple[str, tuple]] = {}


def _compiled_rows(build, workspace: Workspace, window: Window, client_ids) -> list[dict]:
    connection = connections[router.db_for_read(Interaction)]
    sentinel_window = Window(_SENTINEL_DAY, window.days, window.half_life_days)
    # Far from any other number in the query (e.g. the exponent's floor, -50).
    sentinel_clients = (
        None if client_ids is None else [-(10**9 + n) for n in range(len(client_ids))]
    )
    key = (
        build.__name__,
        connection.alias,
        workspace.time_zone,
        window.days,
        window.half_life_days,
        None if client_ids is None else len(client_ids),
    )
    if key not in _compiled:
        sentinel = Workspace(pk=_SENTINEL_WORKSPACE, time_zone=workspace.time_zone)
        queryset = build(sentinel, sentinel_window, sentinel_clients)
        _compiled[key] = queryset.query.get_compiler(connection=connection).as_sql()
    sql, params = _compiled[key]
    swap = _adapted_swaps(connection, workspace, sentinel_window, window)
    swap[_SENTINEL_WORKSPACE] = workspace.pk
    swap.update(zip(sentinel_clients or (), client_ids or (), strict=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, [swap.get(param, param) for param in params])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _adapted_swaps(connection, workspace: Workspace, sentinel: Window, real: Window) -> dict:
    """Sentinel parameter -> real parameter, both as the backend receives them."""
    date_field, datetime_field = DateField(), Interaction._meta.get_field("occurred_at")
    swaps = {}
    for fake, true in ((sentinel.as_of, real.as_of), (sentinel.first_day, real.first_day)):
        swaps[date_field.get_db_prep_value(fake, connection)] = date_field.get_db_prep_value(
            true, connection
        )
    for fake, true in zip(
        _day_bounds(workspace, sentinel), _day_bounds(workspace, real), strict=True
    ):
        swaps[datetime_field.get_db_prep_value(fake, connection)] = (
            datetime_field.get_db_prep_value(true, connection)
        )
    return swaps


def _prefixed(aggregates: dict) -> dict:
    # Annotation names must not shadow the model's fields ("minutes", "amount").
    return {f"agg_{name}": aggregate for name, aggregate in aggregates.items()}


def _unprefixed(row: dict) -> dict:
    return {name.removeprefix("agg_"): value for name, value in row.items()}


def _fill_interactions(metrics: ClientMetrics, row: dict) -> None:
    for name in (
        "entries",
        "contacts",
        "minutes",
        "billable_minutes",
        "feelings",
        "feeling_sum",
        "feelings_low",
    ):
        setattr(metrics, name, int(row[name] or 0))
    for name in (
        "w_entries",
        "w_contacts",
        "w_minutes",
        "w_billable_minutes",
        "w_feelings",
        "w_feeling_sum",
    ):
        setattr(metrics, name, float(row[name] or 0.0))
    metrics.last_distrust_on = _as_date(row["last_distrust_on"])
    metrics.kinds = {kind: int(row[f"kind:{kind}"] or 0) for kind in InteractionKind.values}
    metrics.w_kinds = {kind: float(row[f"w_kind:{kind}"] or 0) for kind in InteractionKind.values}
    metrics.flags = {flag: int(row[f"flag:{flag}"] or 0) for flag in Flag.values}
    metrics.w_flags = {flag: float(row[f"w_flag:{flag}"] or 0) for flag in Flag.values}


def _fill_invoices(metrics: ClientMetrics, row: dict) -> None:
    for name in ("invoices", "invoices_due", "invoices_late"):
        setattr(metrics, name, int(row[name] or 0))
    metrics.days_late = round(row["days_late"] or 0)
    for name in (
        "revenue",
        "overdue_amount",
        "w_revenue",
        "w_invoices_due",
        "w_invoices_late",
        "w_days_late",
    ):
        setattr(metrics, name, float(row[name] or 0.0))


def _as_date(value) -> dt.date | None:
    # SQLite hands back the truncated date as text.
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
