"""The SQL aggregates against a plain Python computation over the same rows, on whichever
database the suite runs on (CI runs it on SQLite and on PostgreSQL).

One module (over 400 lines), like `assessments.metrics`: the aggregates and the compiled-query
cache are tested against the same rows.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import DateField, F, Value
from django.db.models.functions import TruncDate
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import metrics
from assessments.metrics import DaysBetween, Window, client_metrics
from portfolio.models import Flag, Interaction, InteractionKind, Invoice, flag_field
from tests.factories import ClientFactory, InteractionFactory, InvoiceFactory

LISBON = ZoneInfo("Europe/Lisbon")
AS_OF = dt.date(2026, 11, 20)
CONTACT = {k for k in InteractionKind.values if k not in ("work_session", "deliverable")}


@pytest.fixture
def lisbon(workspace):
    workspace.time_zone = "Europe/Lisbon"
    workspace.save()
    return workspace


def _weight(age: int, half_life: int) -> float:
    return math.exp(max(-math.log(2) * age / half_life, -50.0))


def python_metrics(workspace, client, window: Window) -> dict:
    """The definitions, written plainly."""
    result = {
        "entries": 0,
        "contacts": 0,
        "minutes": 0,
        "billable_minutes": 0,
        "feelings": 0,
        "feeling_sum": 0,
        "feelings_low": 0,
        "w_entries": 0.0,
        "w_contacts": 0.0,
        "w_minutes": 0.0,
        "w_billable_minutes": 0.0,
        "w_feelings": 0.0,
        "w_feeling_sum": 0.0,
        "kinds": dict.fromkeys(InteractionKind.values, 0),
        "w_kinds": dict.fromkeys(InteractionKind.values, 0.0),
        "flags": dict.fromkeys(Flag.values, 0),
        "w_flags": dict.fromkeys(Flag.values, 0.0),
        "invoices": 0,
        "revenue": 0.0,
        "invoices_due": 0,
        "invoices_late": 0,
        "days_late": 0,
        "overdue_amount": 0.0,
        "w_revenue": 0.0,
        "w_invoices_due": 0.0,
        "w_invoices_late": 0.0,
        "w_days_late": 0.0,
    }
    for i in Interaction.objects.filter(client=client, deleted_at__isnull=True):
        age = (window.as_of - i.occurred_at.astimezone(workspace.tzinfo).date()).days
        if not 0 <= age < window.days:
            continue
        w = _weight(age, window.half_life_days)
        result["entries"] += 1
        result["w_entries"] += w
        if i.kind in CONTACT:
            result["contacts"] += 1
            result["w_contacts"] += w
        result["minutes"] += i.minutes
        result["w_minutes"] += w * i.minutes
        if i.billable:
            result["billable_minutes"] += i.minutes
            result["w_billable_minutes"] += w * i.minutes
        if i.feeling is not None:
            result["feelings"] += 1
            result["feeling_sum"] += i.feeling
            result["feelings_low"] += i.feeling < 0
            result["w_feelings"] += w
            result["w_feeling_sum"] += w * i.feeling
        result["kinds"][i.kind] += 1
        result["w_kinds"][i.kind] += w
        for flag in Flag.values:
            if getattr(i, flag_field(flag)):
                result["flags"][flag] += 1
                result["w_flags"][flag] += w
    for inv in Invoice.objects.filter(client=client, void=False):
        age = (window.as_of - inv.issued_on).days
        if not 0 <= age < window.days:
            continue
        w = _weight(age, window.half_life_days)
        amount = float(inv.amount)
        paid_by_then = inv.paid_on is not None and inv.paid_on <= window.as_of
        settled = paid_by_then and inv.paid_amount >= inv.amount
        result["invoices"] += 1
        result["revenue"] += amount
        result["w_revenue"] += w * amount
        if inv.due_on is None:
            continue
        late_days = None
        if settled:
            result["invoices_due"] += 1
            result["w_invoices_due"] += w
            if inv.paid_on > inv.due_on:
                late_days = (inv.paid_on - inv.due_on).days
        elif inv.due_on < window.as_of:
            result["invoices_due"] += 1
            result["w_invoices_due"] += w
            late_days = (window.as_of - inv.due_on).days
            paid = float(inv.paid_amount) if paid_by_then else 0.0
            result["overdue_amount"] += amount - paid
        if late_days is not None:
            result["invoices_late"] += 1
            result["days_late"] += late_days
            result["w_invoices_late"] += w
            result["w_days_late"] += w * late_days
    return result


def _history(workspace, seed: int = 7):
    rng = random.Random(seed)
    clients = [ClientFactory(workspace=workspace) for _ in range(3)]
    for client in clients:
        for _ in range(60):
            day = AS_OF - dt.timedelta(days=rng.randint(-5, 240))
            moment = dt.datetime.combine(
                day, dt.time(rng.randint(0, 23), rng.choice([0, 30])), tzinfo=LISBON
            )
            interaction = InteractionFactory.build(
                client=client,
                workspace=workspace,
                occurred_at=moment,
                kind=rng.choice(InteractionKind.values),
                minutes=rng.randint(0, 180),
                billable=rng.random() < 0.6,
                feeling=rng.choice([None, -2, -1, 0, 1, 2]),
            )
            interaction.set_flags([f for f in Flag.values if rng.random() < 0.15])
            interaction.save()
        for n in range(8):
            issued = AS_OF - dt.timedelta(days=rng.randint(-3, 220))
            due = issued + dt.timedelta(days=rng.choice([0, 15, 30])) if n % 4 else None
            paid_on = None
            if rng.random() < 0.7:
                paid_on = issued + dt.timedelta(days=rng.randint(0, 70))
            amount = Decimal(rng.randint(100, 3000)) + Decimal("0.45")
            partly = paid_on is not None and rng.random() < 0.2
            InvoiceFactory(
                client=client,
                number=f"{client.pk}-{n}",
                issued_on=issued,
                due_on=due,
                amount=amount,
                paid_on=paid_on,
                paid_amount=((amount / 2).quantize(Decimal("0.01")) if partly else amount)
                if paid_on
                else None,
                void=rng.random() < 0.1,
            )
    return clients


@pytest.mark.parametrize("half_life", [45, 10])
def test_sql_aggregates_equal_a_plain_python_computation(lisbon, half_life):
    clients = _history(lisbon)
    window = Window(AS_OF, 180, half_life)
    found = client_metrics(workspace=lisbon, window=window)
    assert set(found) == {c.pk for c in clients}
    for client in clients:
        expected = python_metrics(lisbon, client, window)
        actual = found[client.pk]
        for name, value in expected.items():
            got = getattr(actual, name)
            if isinstance(value, dict):
                for key in value:
                    assert got[key] == pytest.approx(value[key], rel=1e-9, abs=1e-9), (name, key)
            else:
                assert got == pytest.approx(value, rel=1e-9, abs=1e-6), name


def test_the_whole_workspace_takes_two_queries_whatever_the_number_of_clients(lisbon):
    _history(lisbon)
    with CaptureQueriesContext(connection) as captured:
        client_metrics(workspace=lisbon, window=Window(AS_OF))
    statements = [query["sql"] for query in captured]
    # On PostgreSQL each is run without JIT compilation, which cost more than it saved.
    settings = [metrics.JIT_OFF] * 2 if connection.vendor == "postgresql" else []
    assert [sql for sql in statements if sql == metrics.JIT_OFF] == settings
    assert len(statements) == 2 + len(settings)


def test_a_few_clients_take_two_queries_and_no_setting(lisbon, django_assert_num_queries):
    clients = _history(lisbon)
    with django_assert_num_queries(2):
        client_metrics(workspace=lisbon, window=Window(AS_OF), client_ids=[clients[0].pk])


def test_window_edges_are_whole_days_in_the_workspace_time_zone(lisbon):
    client = ClientFactory(workspace=lisbon)
    window = Window(AS_OF, 180, 45)
    at = lambda day, hour, minute: dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LISBON)  # noqa: E731
    InteractionFactory(client=client, occurred_at=at(AS_OF, 23, 50), minutes=1)  # in, age 0
    InteractionFactory(
        client=client, occurred_at=at(AS_OF + dt.timedelta(days=1), 0, 10), minutes=10
    )  # after D
    InteractionFactory(client=client, occurred_at=at(window.first_day, 0, 5), minutes=100)  # in
    InteractionFactory(
        client=client, occurred_at=at(window.first_day - dt.timedelta(days=1), 23, 55), minutes=1000
    )
    metrics = client_metrics(workspace=lisbon, window=window)[client.pk]
    assert metrics.minutes == 101
    # The entry of D itself weighs 1; the one on the first day weighs 0.5 ** (179 / 45).
    assert metrics.w_minutes == pytest.approx(1 + 100 * 0.5 ** (179 / 45))


def test_very_old_events_weigh_nothing_and_never_underflow(lisbon):
    client = ClientFactory(workspace=lisbon)
    InteractionFactory(
        client=client, occurred_at=timezone.make_aware(dt.datetime(2024, 12, 1)), minutes=60
    )
    metrics = client_metrics(workspace=lisbon, window=Window(AS_OF, 730, 7))[client.pk]
    assert metrics.minutes == 60
    assert metrics.w_minutes == pytest.approx(60 * math.exp(-50))


def test_other_workspaces_deleted_entries_and_void_invoices_are_not_counted(
    lisbon, other_workspace
):
    mine = ClientFactory(workspace=lisbon)
    theirs = ClientFactory(workspace=other_workspace)
    day = timezone.make_aware(dt.datetime(2026, 11, 1, 12))
    InteractionFactory(client=mine, occurred_at=day, minutes=30)
    InteractionFactory(client=mine, occurred_at=day, minutes=45, deleted_at=day)
    InteractionFactory(client=theirs, occurred_at=day, minutes=99)
    InvoiceFactory(client=mine, issued_on=dt.date(2026, 11, 1), amount=Decimal("100"))
    InvoiceFactory(client=mine, issued_on=dt.date(2026, 11, 1), amount=Decimal("900"), void=True)
    InvoiceFactory(client=theirs, issued_on=dt.date(2026, 11, 1))
    found = client_metrics(workspace=lisbon, window=Window(AS_OF))
    assert list(found) == [mine.pk]
    assert (found[mine.pk].minutes, found[mine.pk].revenue) == (30, 100.0)


def test_days_between_counts_whole_days_across_months_years_and_clock_changes(lisbon):
    client = ClientFactory(workspace=lisbon)
    # Lisbon's clocks went back on 25 October 2026; 23:30 there is already the next day in UTC.
    InteractionFactory(client=client, occurred_at=dt.datetime(2025, 10, 24, 23, 30, tzinfo=LISBON))
    row = (
        Interaction.objects.filter(client=client)
        .annotate(
            age=DaysBetween(
                TruncDate("occurred_at", tzinfo=LISBON), Value(AS_OF, output_field=DateField())
            )
        )
        .get()
    )
    assert row.age == (AS_OF - dt.date(2025, 10, 24)).days == 392
    invoice = InvoiceFactory(
        client=client, issued_on=dt.date(2026, 2, 27), due_on=dt.date(2026, 3, 2)
    )
    days = Invoice.objects.filter(pk=invoice.pk).annotate(
        days=DaysBetween(F("issued_on"), F("due_on"))
    )
    assert days.get().days == 3
    backwards = Invoice.objects.filter(pk=invoice.pk).annotate(
        days=DaysBetween(F("due_on"), F("issued_on"))
    )
    assert backwards.get().days == -3


def test_a_compiled_query_serves_other_days_workspaces_and_clients_correctly(
    lisbon, other_workspace
):
    """Each query shape is compiled once and reused with other values: every reuse must give
    the plain Python answer for its own workspace, day and clients."""
    other_workspace.time_zone = "Europe/Lisbon"
    other_workspace.save()
    mine = _history(lisbon, seed=1)
    theirs = _history(other_workspace, seed=2)
    for workspace, clients in ((lisbon, mine), (other_workspace, theirs)):
        for as_of in (AS_OF, AS_OF - dt.timedelta(days=30), AS_OF - dt.timedelta(days=95)):
            window = Window(as_of, 180, 45)
            for subset in (clients[:1], clients[1:], None):
                ids = None if subset is None else [c.pk for c in subset]
                found = client_metrics(workspace=workspace, window=window, client_ids=ids)
                expected_ids = {c.pk for c in (subset or clients)}
                assert set(found) <= expected_ids
                for client in subset or clients:
                    expected = python_metrics(workspace, client, window)
                    actual = found.get(client.pk)
                    if actual is None:
                        assert expected["entries"] == expected["invoices"] == 0
                        continue
                    for name in (
                        "entries",
                        "minutes",
                        "revenue",
                        "w_minutes",
                        "w_revenue",
                        "invoices_late",
                        "days_late",
                    ):
                        assert getattr(actual, name) == pytest.approx(expected[name]), name


# The compiled-query cache (`metrics._compiled_rows`) against Django's own compilation.


def _plain_rows(build, **inputs):
    """What the cache stands for: the builder's queryset, evaluated by the ORM."""
    return list(build(**inputs))


@pytest.fixture
def fresh_cache():
    metrics._compiled.clear()
    yield
    metrics._compiled.clear()


def _with_a_parameter(builder, filters):
    def build(**inputs):
        return builder(**inputs).filter(**filters(**inputs))

    build.__name__ = builder.__name__
    return build


@pytest.mark.parametrize(
    "new_filter",
    [
        # From the window: a day that is none of the known ones.
        lambda workspace_id, tzinfo, window, client_ids: {
            "occurred_at__lt": dt.datetime.combine(
                window.as_of + dt.timedelta(days=2), dt.time(), tzinfo=tzinfo
            )
        },
        # From the workspace: a number derived from its id.
        lambda workspace_id, tzinfo, window, client_ids: {"workspace_id__gt": workspace_id - 1},
        # From the window, seen only by the first real call (the samples agree on it).
        lambda workspace_id, tzinfo, window, client_ids: {
            "minutes__gte": 0 if window.as_of.year < 2000 else 1
        },
    ],
    ids=["window", "workspace", "hidden-from-the-samples"],
)
def test_a_new_parameter_that_depends_on_the_inputs_fails_loudly(
    lisbon, monkeypatch, fresh_cache, new_filter
):
    ClientFactory(workspace=lisbon)
    monkeypatch.setattr(
        metrics,
        "_interaction_rows",
        _with_a_parameter(metrics._interaction_rows, filters=new_filter),
    )
    with pytest.raises(metrics.QueryShapeError, match="_interaction_rows: parameter"):
        client_metrics(workspace=lisbon, window=Window(AS_OF))


def test_sql_that_depends_on_the_inputs_fails_loudly(lisbon, monkeypatch, fresh_cache):
    original = metrics._invoice_rows

    def build(**inputs):
        rows = original(**inputs)
        return rows.filter(void=False) if inputs["window"].as_of.year > 1905 else rows

    build.__name__ = original.__name__
    monkeypatch.setattr(metrics, "_invoice_rows", build)
    with pytest.raises(metrics.QueryShapeError, match="the SQL itself depends on the inputs"):
        client_metrics(workspace=lisbon, window=Window(AS_OF))


def test_a_query_that_ignores_an_input_fails_loudly(lisbon, monkeypatch, fresh_cache):
    original = metrics._invoice_rows
    monkeypatch.setattr(
        metrics,
        "_invoice_rows",
        lambda **inputs: original(**(inputs | {"client_ids": None})),
    )
    with pytest.raises(metrics.QueryShapeError, match="does not use client 0"):
        client_metrics(workspace=lisbon, window=Window(AS_OF), client_ids=[1])


def test_a_constant_equal_to_a_sample_value_is_never_replaced(lisbon, monkeypatch, fresh_cache):
    """The old cache swapped parameters by value: this constant became the workspace's id."""
    client = ClientFactory(workspace=lisbon)
    InteractionFactory(client=client, occurred_at=dt.datetime(2026, 11, 2, tzinfo=LISBON))
    sample = metrics._SAMPLES[0].workspace_id
    monkeypatch.setattr(
        metrics,
        "_interaction_rows",
        _with_a_parameter(metrics._interaction_rows, filters=lambda **_: {"minutes__gt": sample}),
    )
    cached = client_metrics(workspace=lisbon, window=Window(AS_OF))
    monkeypatch.setattr(metrics, "_compiled_rows", _plain_rows)
    assert cached == client_metrics(workspace=lisbon, window=Window(AS_OF)) != {}


# Which parameter is which input, in order, and how many parameters in all (the rest are
# constants). A change here is a change of the queries' shape: check that every new parameter
# is a constant or one of `metrics._inputs`, then update these.
# Each row's weight, then "not invoiced yet" (the latest invoice of the window), are computed
# once in the rows the aggregates read; the invoices' conditions each still name the day.
INTERACTION_SLOTS = [
    ("as_of",),
    ("first_day",),
    ("as_of",),
    ("start",),
    ("end",),
    ("workspace",),
    ("client 0",),
    ("client 1",),
]
INVOICE_SLOTS = [("as_of",)] * 25 + [("first_day",), ("as_of",), ("workspace",), ("client 0",)]
PARAMETERS = {
    "_interaction_rows": {"sqlite": 79, "postgresql": 73},
    "_invoice_rows": {"sqlite": 39, "postgresql": 38},
}


@pytest.mark.parametrize(
    ("build", "clients", "slots"),
    [
        (metrics._interaction_rows, 2, INTERACTION_SLOTS),
        (metrics._invoice_rows, 1, INVOICE_SLOTS),
    ],
    ids=["interactions", "invoices"],
)
def test_the_compiled_parameters_keep_their_shape(db, build, clients, slots):
    shape = metrics._shape(build, connection, LISBON, Window(AS_OF), clients)
    assert [names for _, names in shape.slots] == slots
    assert len(shape.params) == PARAMETERS[build.__name__][connection.vendor]


def test_a_one_day_window_reuses_one_parameter_for_its_first_and_last_day(db):
    shape = metrics._shape(metrics._invoice_rows, connection, LISBON, Window(AS_OF, 1, 7), None)
    assert ("as_of", "first_day") in [names for _, names in shape.slots]


ZONES = ["Europe/Lisbon", "America/Los_Angeles", "Pacific/Kiritimati"]  # UTC+0/+1, -8/-7, +14


def test_the_cache_gives_the_orm_answer_for_any_workspace_day_zone_and_clients(
    workspace, other_workspace, monkeypatch, fresh_cache
):
    """The same querysets, compiled once and reused, against each evaluated by the ORM."""
    workspaces = [workspace, other_workspace]
    clients = {w.pk: _history(w, seed=w.pk) for w in workspaces}
    windows = [
        Window(AS_OF),
        Window(AS_OF - dt.timedelta(days=26), 30, 10),  # 25 October 2026: clocks go back
        Window(dt.date(2026, 3, 29), 90, 7),  # clocks go forward
        Window(AS_OF - dt.timedelta(days=95), 1, 7),  # one day: its first day is its day
    ]
    cases = []
    for zone in ZONES:
        for w in workspaces:
            w.time_zone = zone
            w.save()
            mine, theirs = clients[w.pk], clients[next(o.pk for o in workspaces if o != w)]
            for window in windows:
                for client_ids in (
                    None,
                    [mine[0].pk],
                    [mine[1].pk, theirs[0].pk],
                    [c.pk for c in mine] + list(range(10**6, 10**6 + 48)),  # over 50: unfiltered
                    [],
                ):
                    cached = client_metrics(workspace=w, window=window, client_ids=client_ids)
                    cases.append(((w.pk, zone, window, client_ids), cached))
    assert metrics._compiled  # the cache was used...
    monkeypatch.setattr(metrics, "_compiled_rows", _plain_rows)
    for (pk, zone, window, client_ids), cached in cases:
        w = next(w for w in workspaces if w.pk == pk)
        w.time_zone = zone
        plain = client_metrics(workspace=w, window=window, client_ids=client_ids)
        assert cached == plain, (zone, window, client_ids)
    assert any(cached for _, cached in cases)  # ...and found something
