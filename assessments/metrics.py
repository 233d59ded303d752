"""Per-client aggregates in SQL: one query over the interactions and one over the invoices for
a whole workspace, whatever the number of clients. Everything is "as of" a day D over a window
(the W days up to and including D), and weighed by recency: an event d whole days before D
weighs 0.5 ** (d / half-life).

Day ages come from dates, never from casting datetimes to numbers (SQLite reads a datetime cast
to float as its year; PostgreSQL refuses it), through `DaysBetween`, the one per-backend piece.

One module on purpose (about 500 lines): the compiled-query cache below checks the very
builders above it against their inputs, and each half is only correct with the other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

from django.db import connections, router, transaction
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
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Exp, Greatest, TruncDate
from django.db.models.lookups import GreaterThan

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

# Before any real invoice: "after the latest invoice" for a client who has none.
NEVER_INVOICED = dt.date(1800, 1, 1)
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


class RowValue(Func):
    """A value computed once per row in `PerRow`'s derived table (the weight, the local day),
    read by the aggregates over it as a plain column."""

    arity = 0

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection, **extra_context):
        table = compiler.quote_name(compiler.query.get_meta().db_table)
        return f"{table}.{connection.ops.quote_name(self.name)}", ()


@dataclass(frozen=True)
class PerRow:
    """Aggregates by client over rows whose per-row values are computed once each: the
    annotations of `rows`, then `then` (computed from those, read as `RowValue`s). Each level
    is a derived table under the model's own name, fenced so the planner does not copy each
    value back into every expression that reads it. Inlined, the weight's exp() ran ~30 times
    a row (two thirds of the query's time), and the local day three times."""

    rows: QuerySet
    aggregates: dict
    then: dict = dataclasses.field(default_factory=dict)

    def filter(self, *args, **kwargs) -> PerRow:
        return dataclasses.replace(self, rows=self.rows.filter(*args, **kwargs))

    def as_sql(self, connection) -> tuple[str, tuple]:
        model = self.rows.model
        query = self.rows.order_by().query
        sql, params = query.get_compiler(connection=connection).as_sql()
        if self.then:
            kept = {
                name: RowValue(name, value.output_field)
                for name, value in query.annotations.items()
            }
            level = model._base_manager.order_by().annotate(**kept, **self.then)
            sql, params = _over(level, (sql, params), connection)
        grouped = model._base_manager.order_by().values("client_id").annotate(**self.aggregates)
        return _over(grouped, (sql, params), connection)

    def __iter__(self):
        """Evaluated as it is (what the compiled cache below stands for)."""
        connection = connections[router.db_for_read(self.rows.model)]
        sql, params = self.as_sql(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            yield from (dict(zip(names, row, strict=True)) for row in cursor.fetchall())


def _over(queryset: QuerySet, rows: tuple[str, tuple], connection) -> tuple[str, tuple]:
    """`queryset`'s SQL read from the derived table `rows` instead of its model's table."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    table = f" FROM {connection.ops.quote_name(queryset.model._meta.db_table)}"
    select, found, rest = sql.partition(table)
    if not found or "%s" in rest:
        raise QueryShapeError(f"{queryset.model.__name__}: not over the rows alone")
    limit = connection.ops.no_limit_value()
    fence = " OFFSET 0" if limit is None else f" LIMIT {limit} OFFSET 0"
    inner, inner_params = rows
    return f"{select} FROM ({inner}{fence}){table[5:]}{rest}", (*params, *inner_params)


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
# Requests that are creep when nobody pays for them, and work when they are billed.
REQUEST_KINDS = tuple(
    kind.value
    for kind in (
        InteractionKind.REVISION_REQUEST,
        InteractionKind.SCOPE_CHANGE,
        InteractionKind.SUPPORT_REQUEST,
    )
)


def _local_date(tzinfo: dt.tzinfo):
    return TruncDate("occurred_at", tzinfo=tzinfo)


def _day_bounds(tzinfo: dt.tzinfo, window: Window) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(window.first_day, dt.time(), tzinfo=tzinfo)
    end = dt.datetime.combine(window.as_of + dt.timedelta(days=1), dt.time(), tzinfo=tzinfo)
    return start, end


def _weighted(weight, condition: Q | None = None, value=None):
    then = weight if value is None else value * weight
    if condition is None:
        return Sum(then, output_field=FloatField())
    return Sum(Case(When(condition, then=then), default=Value(0.0)), output_field=FloatField())


def _interaction_weight(window: Window):
    age = DaysBetween(RowValue("day", DateField()), Value(window.as_of, DateField()))
    return decay_weight(age, window.half_life_days)


def _interaction_aggregates() -> dict:
    weight = RowValue("recency", FloatField())
    day = RowValue("day", DateField())
    uninvoiced = RowValue("uninvoiced", IntegerField())
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
        "last_distrust_on": Max(day, filter=Q(flag_distrust=True)),
        "w_entries": _weighted(weight),
        "w_contacts": _weighted(weight, contact),
        "w_minutes": _weighted(weight, value=minutes),
        "w_billable_minutes": _weighted(weight, billable, minutes),
        "w_feelings": _weighted(weight, has_feeling),
        "w_feeling_sum": _weighted(weight, has_feeling, Cast("feeling", FloatField())),
        "uninvoiced_minutes": Sum(Cast("minutes", IntegerField()) * uninvoiced),
        "w_uninvoiced_minutes": Sum(minutes * Cast(uninvoiced, FloatField()) * weight),
    }
    # Kinds and flags as 0/1 numbers summed: plain arithmetic, cheaper to build than 42
    # filtered aggregates, and the same SQL on both backends.
    for kind in InteractionKind.values:
        one = Cast(Equals(F("kind"), Value(kind)), IntegerField())
        aggregates[f"kind:{kind}"] = Sum(one)
        aggregates[f"w_kind:{kind}"] = Sum(Cast(one, FloatField()) * weight)
    paid = Cast(F("billable"), IntegerField())
    for kind in REQUEST_KINDS:
        one = Cast(Equals(F("kind"), Value(kind)), IntegerField()) * paid
        aggregates[f"paid_kind:{kind}"] = Sum(one)
        aggregates[f"w_paid_kind:{kind}"] = Sum(Cast(one, FloatField()) * weight)
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
    weight = RowValue("recency", FloatField())
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


# The builders take only what their query may depend on (see `_compiled_rows`): no workspace
# object whose other attributes could be read without being part of the compiled shape.


def _interaction_rows(
    *, workspace_id: int, tzinfo: dt.tzinfo, window: Window, client_ids: list[int] | None
) -> PerRow:
    start, end = _day_bounds(tzinfo, window)
    # The interaction table's own workspace column: ~8x faster than going through the client.
    rows = Interaction.objects.filter(
        workspace_id=workspace_id,
        deleted_at__isnull=True,
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    if client_ids is not None:
        rows = rows.filter(client_id__in=client_ids)
    return PerRow(
        rows.annotate(day=_local_date(tzinfo)),
        _prefixed(_interaction_aggregates()),
        then={"recency": _interaction_weight(window), "uninvoiced": _uninvoiced(window)},
    )


def _uninvoiced(window: Window):
    """1 for billable work done after the client's latest invoice of the window (any, when it
    has none in the window), else 0: what the next invoice will carry. Work on the day of the
    invoice counts as invoiced (an invoice is written at the end of the work it bills)."""
    latest = (
        Invoice.objects.filter(
            client_id=OuterRef("client_id"),
            void=False,
            deleted_at__isnull=True,
            issued_on__gte=window.first_day,
            issued_on__lte=window.as_of,
        )
        .order_by("-issued_on")
        .values("issued_on")[:1]
    )
    last_invoiced = Coalesce(
        Subquery(latest, output_field=DateField()), Value(NEVER_INVOICED, DateField())
    )
    return Case(
        When(
            Q(billable=True) & Q(GreaterThan(RowValue("day", DateField()), last_invoiced)),
            then=1,
        ),
        default=0,
        output_field=IntegerField(),
    )


def _invoice_rows(
    *, workspace_id: int, tzinfo: dt.tzinfo, window: Window, client_ids: list[int] | None
) -> PerRow:
    # Invoice days are plain dates: `tzinfo` is only there to match the other builder.
    rows = Invoice.objects.filter(
        workspace_id=workspace_id,
        void=False,
        deleted_at__isnull=True,
        issued_on__gte=window.first_day,
        issued_on__lte=window.as_of,
    )
    if client_ids is not None:
        rows = rows.filter(client_id__in=client_ids)
    rows = rows.annotate(recency=_invoice_weight(window))
    return PerRow(rows, _prefixed(_invoice_aggregates(window)))


# Up to this many clients are filtered in the query; more, and the whole workspace is read
# and the rest dropped (one compiled query per size, so the cache below stays small).
FILTERED_CLIENTS = 50


def client_metrics(
    *, workspace: Workspace, window: Window, client_ids=None
) -> dict[int, ClientMetrics]:
    """Aggregates of every client of the workspace with evidence in the window, keyed by client
    id (all clients, or those in `client_ids`); two queries in all."""
    wanted = None if client_ids is None else set(client_ids)
    if wanted is not None and not wanted:
        return {}
    filtered = None if wanted is None or len(wanted) > FILTERED_CLIENTS else sorted(wanted)
    inputs = {
        "workspace_id": workspace.pk,
        "tzinfo": workspace.tzinfo,
        "window": window,
        "client_ids": filtered,
    }
    results: dict[int, ClientMetrics] = {}
    for build, fill in ((_interaction_rows, _fill_interactions), (_invoice_rows, _fill_invoices)):
        for row in _compiled_rows(build, **inputs):
            if wanted is None or row["client_id"] in wanted:
                metrics = results.setdefault(row["client_id"], ClientMetrics(row["client_id"]))
                fill(metrics, _unprefixed(row))
    return results


# Building and compiling ~50 aggregates takes Django ~6 ms a query, about what the database
# needs to run it for one client; rescoring one client on every logged entry runs four (~30 ms
# saved, bench/metrics_compile.py). So each query shape is compiled once and run with the real
# values put in by position. Shape = builder, database, time zone, window but its day, number
# of clients: everything else a builder is given is an input, `_inputs`. Which positions: the
# shape is compiled for two sample inputs that differ in everything (ids, year, month, day,
# weekday); the SQL must be the same, and every parameter that differs must be the same input
# in both, or compiling fails. The first real call of a shape is also compiled by Django and
# must come out the same. So a new parameter derived from the inputs fails loudly, a constant
# is never replaced, and builders must stay functions of their arguments (the clock or a
# setting read inside one would be frozen into its shape).


class QueryShapeError(RuntimeError):
    """A compiled query shape could not be reused with other inputs and give Django's answer."""


@dataclass(frozen=True)
class _Sample:
    workspace_id: int
    as_of: dt.date
    # Far from any other number in the query (e.g. the exponent's floor, -50).
    first_client_id: int


_SAMPLES = (
    _Sample(-737_373, dt.date(1901, 2, 3), -(10**9)),
    _Sample(-848_484, dt.date(1912, 11, 28), -2 * 10**9),
)


@dataclass(frozen=True)
class Shape:
    sql: str
    params: tuple
    # (position in params, the names of the inputs it is: one, or several always equal)
    slots: tuple[tuple[int, tuple[str, ...]], ...]

    def bind(self, inputs: dict) -> list:
        params = list(self.params)
        for position, names in self.slots:
            value = inputs[names[0]]
            if any(inputs[name] != value for name in names[1:]):
                raise QueryShapeError(
                    f"parameter {position} was {' and '.join(names)} when compiled, "
                    "which now differ"
                )
            params[position] = value
        return params


_compiled: dict[tuple, Shape] = {}
JIT_OFF = "SET LOCAL jit = off"


def _compiled_rows(
    build, *, workspace_id: int, tzinfo: dt.tzinfo, window: Window, client_ids: list[int] | None
) -> list[dict]:
    connection = connections[router.db_for_read(Interaction)]
    count = None if client_ids is None else len(client_ids)
    key = (
        build,
        connection.alias,
        tzinfo,
        dataclasses.replace(window, as_of=_SAMPLES[0].as_of),
        count,
    )
    inputs = _inputs(connection, workspace_id, tzinfo, window, client_ids)
    shape = _compiled.get(key)
    if shape is None:
        shape = _shape(build, connection, tzinfo, window, count)
        real = _as_sql(build, connection, workspace_id, tzinfo, window, client_ids)
        _check_against(shape, real, inputs, build.__name__)
        _compiled[key] = shape
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and client_ids is None:
            # A whole workspace's aggregates cost enough for PostgreSQL to compile them to
            # machine code first, which took longer than running them (0.7 of 2.0 s at 1,000
            # clients, 1.3 s without): off for this query alone (PgBouncer-safe). A few
            # clients' never cost that much.
            cursor.execute(JIT_OFF)
        cursor.execute(shape.sql, shape.bind(inputs))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _inputs(connection, workspace_id: int, tzinfo: dt.tzinfo, window: Window, client_ids) -> dict:
    """Every value a builder's query may take from its inputs, as the backend receives it."""
    foreign_key = Interaction._meta.get_field("client")
    date_field, datetime_field = DateField(), Interaction._meta.get_field("occurred_at")
    start, end = _day_bounds(tzinfo, window)
    inputs = {
        "workspace": Interaction._meta.get_field("workspace").get_db_prep_value(
            workspace_id, connection
        ),
        "as_of": date_field.get_db_prep_value(window.as_of, connection),
        "first_day": date_field.get_db_prep_value(window.first_day, connection),
        "start": datetime_field.get_db_prep_value(start, connection),
        "end": datetime_field.get_db_prep_value(end, connection),
    }
    for n, client_id in enumerate(client_ids or ()):
        inputs[f"client {n}"] = foreign_key.get_db_prep_value(client_id, connection)
    return inputs


def _as_sql(build, connection, workspace_id, tzinfo, window, client_ids) -> tuple[str, tuple]:
    rows = build(workspace_id=workspace_id, tzinfo=tzinfo, window=window, client_ids=client_ids)
    sql, params = rows.as_sql(connection)
    return sql, tuple(params)


def _shape(build, connection, tzinfo: dt.tzinfo, window: Window, count: int | None) -> Shape:
    """The builder's query for this shape, and which of its parameters are which input."""
    name = build.__name__
    compiled = []
    for sample in _SAMPLES:
        sample_window = dataclasses.replace(window, as_of=sample.as_of)
        clients = None if count is None else [sample.first_client_id - n for n in range(count)]
        sql, params = _as_sql(
            build, connection, sample.workspace_id, tzinfo, sample_window, clients
        )
        inputs = _inputs(connection, sample.workspace_id, tzinfo, sample_window, clients)
        compiled.append((sql, params, inputs))
    (sql, params, inputs), (other_sql, other_params, other_inputs) = compiled
    if sql != other_sql or len(params) != len(other_params):
        raise QueryShapeError(f"{name}: the SQL itself depends on the inputs, it cannot be reused")
    slots = []
    for position, (value, other) in enumerate(zip(params, other_params, strict=True)):
        if value == other:
            continue
        names = tuple(n for n in inputs if inputs[n] == value and other_inputs[n] == other)
        if not names:
            raise QueryShapeError(
                f"{name}: parameter {position} ({value!r}, then {other!r}) depends on the "
                f"inputs but is none of them ({', '.join(inputs)}); add it to `_inputs` or "
                "derive it in SQL from one of them"
            )
        slots.append((position, names))
    used = {n for _, names in slots for n in names}
    required = {"workspace", "as_of", *(f"client {n}" for n in range(count or 0))}
    if missing := sorted(required - used):
        raise QueryShapeError(f"{name}: the query does not use {', '.join(missing)}")
    return Shape(sql, params, tuple(slots))


def _check_against(shape: Shape, real: tuple[str, tuple], inputs: dict, name: str) -> None:
    """The shape with these inputs must be what Django compiles for them."""
    sql, params = real
    if sql != shape.sql:
        raise QueryShapeError(f"{name}: the SQL for these inputs is not the compiled shape's")
    bound = shape.bind(inputs)
    if len(bound) != len(params):
        raise QueryShapeError(f"{name}: these inputs give another number of parameters")
    for position, (value, expected) in enumerate(zip(bound, params, strict=True)):
        if value != expected:
            raise QueryShapeError(
                f"{name}: parameter {position} is {expected!r} for these inputs, not {value!r}: "
                "it depends on the inputs in a way the samples did not show"
            )


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
    metrics.paid_kinds = {kind: int(row[f"paid_kind:{kind}"] or 0) for kind in REQUEST_KINDS}
    metrics.w_paid_kinds = {kind: float(row[f"w_paid_kind:{kind}"] or 0) for kind in REQUEST_KINDS}
    metrics.uninvoiced_minutes = int(row["uninvoiced_minutes"] or 0)
    metrics.w_uninvoiced_minutes = float(row["w_uninvoiced_minutes"] or 0.0)
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
