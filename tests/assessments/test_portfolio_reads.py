"""The portfolio's reads in SQL (assessments.portfolio_reads) make the choices of the rules
written over every row in Python: the figures of `selectors.overview`, the map of
`charts.map_clients` and the table's sorts below. Checked on a portfolio of every kind of
client (prospects, paused, ended, in the trash, not scored yet, scored on too little evidence),
with ties in score, revenue and hours, each read in one query whatever the number of clients."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from assessments import charts, portfolio_reads, selectors
from assessments.choices import BAND_FLOORS
from assessments.models import HealthSnapshot
from portfolio.models import ClientStatus
from tests.factories import ClientFactory


def _judged(row) -> bool:
    return row.snapshot is not None and row.snapshot.confidence != "low"


def _shown(row, field):
    return getattr(row.snapshot, field) if _judged(row) else None


# The table's sorts over rows in name order (a stable sort: ties keep the name order).
SORTS = {
    "score": (lambda r: (_shown(r, "score") is None, _shown(r, "score") or 0), False),
    "-score": (lambda r: (_shown(r, "score") is not None, _shown(r, "score") or 0), True),
    "trend": (lambda r: (_shown(r, "trend_30d") is None, _shown(r, "trend_30d") or 0), False),
    "revenue": (lambda r: r.revenue_share or 0, True),
    "hours": (lambda r: r.hours_share or 0, True),
    "name": (lambda r: r.client.name.lower(), False),
}
STATUSES = [ClientStatus.ACTIVE] * 6 + [
    ClientStatus.PAUSED,
    ClientStatus.OFFBOARDING,
    ClientStatus.PROSPECT,
    ClientStatus.ENDED,
]


@pytest.fixture(params=["paid", "unpaid"])
def mixed(request, workspace):
    """110 clients of every kind; "unpaid": no revenue at all, so there are no shares."""
    rng = random.Random(15)
    revenues = [0.0, 0.0, 500.0, 1000.0, 1000.0, 2500.0, 15000.0]
    for n in range(110):
        client = ClientFactory(
            workspace=workspace,
            name=f"{rng.choice(['Acme', 'beta', 'Zed', 'mango'])} {n:03}",
            status=rng.choice(STATUSES),
            deleted_at=timezone.now() if n % 37 == 5 else None,
        )
        if n % 11 == 0:
            continue  # not scored yet
        score = rng.choice([20, 34, 35, 50, 64, 65, 66, 80, 95])
        HealthSnapshot.objects.create(
            workspace=workspace,
            client=client,
            as_of=workspace.today(),
            score=score,
            band=next((band for floor, band in BAND_FLOORS if score >= floor), "critical"),
            confidence=rng.choice(["low", "medium", "high", "high"]),
            trend_30d=rng.choice([None, -12, -3, 0, 4, 4]),
            revenue=rng.choice(revenues) if request.param == "paid" else 0.0,
            minutes=rng.choice([0, 60, 600, 600, 1200]),
            suggestion="keep",
            formula_version=1,
        )
    return workspace


def _pks(rows) -> list[int]:
    return [row.client.pk for row in rows]


def test_the_figures_are_the_overview_of_every_row(mixed, django_assert_num_queries):
    rows = selectors.portfolio_rows(workspace=mixed)
    expected = selectors.overview(rows)
    with django_assert_num_queries(1):
        figures = portfolio_reads.portfolio_figures(workspace=mixed)
    found = figures.overview
    assert figures.clients == len(rows) > 80
    assert found.band_counts == expected.band_counts
    assert (found.unscored, found.not_enough_data, found.prospects) == (
        expected.unscored,
        expected.not_enough_data,
        expected.prospects,
    )
    assert found.at_risk_hours_share == pytest.approx(expected.at_risk_hours_share)
    unplaced = [
        row
        for row in rows
        if row.client.status == ClientStatus.PROSPECT
        or (row.client.status == ClientStatus.ACTIVE and not _judged(row))
    ]
    assert figures.unplaced == len(unplaced)
    with django_assert_num_queries(1):
        named = portfolio_reads.portfolio_clients_named(workspace=mixed, figures=figures)
    assert _pks(named.unplaced) == _pks(unplaced[: charts.MAP_NAMES])
    if expected.largest is None:
        assert named.largest is None
    else:
        assert named.largest.client.pk == expected.largest.client.pk


@pytest.mark.parametrize("most", [10, 200])
def test_the_map_chooses_draws_and_names_the_clients_the_rule_over_every_row_does(
    mixed, most, django_assert_num_queries
):
    """With room for 10 bubbles (fewer than the clients placed) and for 200 (all of them)."""
    expected = charts.map_clients(selectors.portfolio_rows(workspace=mixed), most=most)
    figures = portfolio_reads.portfolio_figures(workspace=mixed)
    with django_assert_num_queries(1):
        found = portfolio_reads.portfolio_clients_named(
            workspace=mixed, figures=figures, most=most
        ).map
    assert sorted(_pks(found.drawn)) == sorted(_pks(expected.drawn))
    assert (len(found.drawn) == most) == (expected.placed.count > most)
    assert {code: _pks(rows) for code, rows in found.named.items()} == {
        code: _pks(rows) for code, rows in expected.named.items()
    }
    assert vars(found.placed) == pytest.approx(vars(expected.placed))
    assert found.sizes == expected.sizes

    def drawing(clients):
        bubbles, frame = charts.portfolio_map(clients)
        circles = {b.row.client.pk: (b.cx, b.cy, b.r, b.quadrant) for b in bubbles}
        counts = {code: quadrant["count"] for code, quadrant in frame["quadrants"].items()}
        return circles, counts, frame["others"], frame["x_max_percent"]

    circles, counts, others, x_max = drawing(found)
    want_circles, want_counts, want_others, want_x_max = drawing(expected)
    assert (circles, counts, x_max) == (want_circles, want_counts, want_x_max)
    assert others == pytest.approx(want_others)


def test_the_table_is_sorted_and_cut_as_the_rule_over_every_row_sorts_it(
    mixed, django_assert_num_queries
):
    rows = selectors.portfolio_rows(workspace=mixed)
    figures = portfolio_reads.portfolio_figures(workspace=mixed)

    def seen(row):
        snapshot = row.snapshot
        health = snapshot and (
            snapshot.score,
            snapshot.band,
            snapshot.get_band_display(),
            snapshot.confidence,
            snapshot.trend_30d,
        )
        return row.client.code, row.client.name, row.client.status, health

    for sort, (key, reverse) in SORTS.items():
        expected = sorted(rows, key=key, reverse=reverse)
        table = portfolio_reads.portfolio_table(workspace=mixed, sort=sort, figures=figures)
        assert table.count() == len(expected)
        with django_assert_num_queries(1):
            page = table[25:50]
        assert _pks(page) == _pks(expected[25:50]), sort
        found = table[0 : len(expected)]
        assert _pks(found) == _pks(expected), sort
        assert [seen(row) for row in found] == [seen(row) for row in expected]
        for got, want in zip(found, expected, strict=True):
            assert (got.revenue_share, got.hours_share) == pytest.approx(
                (want.revenue_share, want.hours_share)
            )
