"""The portfolio map places a client by its own score and its own share of the revenue, against
fixed lines (HEALTHY_SCORE across, NOTABLE_SHARE up): no other client moves it, and a client in
good health is never in a quadrant that speaks of renegotiating or ending."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import charts, selectors
from assessments.choices import AT_RISK_BANDS, BAND_FLOORS, HEALTHY_SCORE, NOTABLE_SHARE
from assessments.models import HealthSnapshot
from assessments.services import clients_rescore
from portfolio.models import Client, ClientStatus
from portfolio.services import client_change_status
from tests.factories import ClientFactory, InvoiceFactory
from tests.history import history

TROUBLING = {"consider_ending", "protect_your_energy"}


def _row(name: str, score: int, share: float, *, hours: float = 10) -> selectors.PortfolioRow:
    band = next((band for floor, band in BAND_FLOORS if score >= floor), "critical")
    snapshot = HealthSnapshot(score=score, band=band, confidence="high", minutes=hours * 60)
    return selectors.PortfolioRow(Client(name=name), snapshot, revenue_share=share)


def _quadrants(rows) -> dict[str, str]:
    bubbles, _frame = charts.portfolio_map(charts.map_clients(rows))
    return {bubble.row.client.name: bubble.quadrant for bubble in bubbles}


@pytest.mark.parametrize(
    ("score", "share", "expected"),
    [
        (HEALTHY_SCORE, NOTABLE_SHARE, "keep_and_grow"),
        (95, 0.60, "keep_and_grow"),
        (HEALTHY_SCORE, NOTABLE_SHARE - 0.01, "room_to_grow"),
        (90, 0.0, "room_to_grow"),
        (HEALTHY_SCORE - 1, NOTABLE_SHARE, "protect_your_energy"),
        (20, 0.50, "protect_your_energy"),
        (HEALTHY_SCORE - 1, NOTABLE_SHARE - 0.01, "consider_ending"),
        (20, 0.02, "consider_ending"),
    ],
)
def test_a_clients_quadrant_is_read_from_its_score_and_share_against_fixed_lines(
    score, share, expected
):
    assert charts.quadrant(score, share) == expected


def test_a_client_in_good_health_is_never_told_to_renegotiate_or_to_consider_ending():
    shares = [n / 100 for n in range(101)]
    quadrants = {
        charts.quadrant(score, share) for score in range(HEALTHY_SCORE, 101) for share in shares
    }
    assert quadrants == {"keep_and_grow", "room_to_grow"}


def test_a_thriving_client_with_2_percent_of_the_revenue_has_room_to_grow():
    # Two clients: an equal share would have been 50%, and this one "renegotiate".
    rows = [_row("Anchor", 80, 0.98), _row("Little gem", 92, 0.02)]
    assert _quadrants(rows)["Little gem"] == "room_to_grow"


def test_adding_or_ending_another_client_does_not_move_a_client():
    rows = [
        _row("Anchor", 90, 0.50),
        _row("Steady", 85, 0.25),
        _row("Storm", 30, 0.25),
    ]
    before = _quadrants(rows)
    newcomer = _row("Newcomer", 70, 0.0)  # no invoice yet: every other share stays the same
    assert _quadrants([*rows, newcomer]) == before | {"Newcomer": "room_to_grow"}
    # With a line at 1 / number of clients, Steady (25%) would have moved when one ended.
    assert _quadrants(rows[:2]) == {"Anchor": "keep_and_grow", "Steady": "keep_and_grow"}


def test_the_vertical_line_sits_at_the_notable_share_and_stays_inside_the_map():
    for largest in (0.05, 0.5, 1.0):
        _bubbles, frame = charts.portfolio_map(charts.map_clients([_row("Only", 70, largest)]))
        assert frame["split_percent"] == round(100 * NOTABLE_SHARE)
        assert frame["pad"] < frame["split_x"] < frame["right"]
        assert frame["healthy_score"] == HEALTHY_SCORE


def _large_portfolio(size: int) -> list[selectors.PortfolioRow]:
    """`size` clients of every kind: a few large ones, many small ones, one in six troubled."""
    rng = random.Random(5000)
    weights = [rng.paretovariate(1.2) for _ in range(size)]
    total = sum(weights)
    rows = [
        _row(
            f"Client {n}",
            rng.randint(5, 49) if n % 6 == 0 else rng.randint(50, 100),
            weight / total,
            hours=rng.uniform(1, 40),
        )
        for n, weight in enumerate(weights)
    ]
    total_hours = sum(row.hours for row in rows)
    for row in rows:
        row.hours_share = row.hours / total_hours
    return rows


def test_a_map_of_5000_clients_draws_the_troubled_and_the_largest_and_sums_up_the_rest():
    rows = _large_portfolio(5000)
    bubbles, frame = charts.portfolio_map(charts.map_clients(rows))
    assert len(bubbles) == 60
    drawn = {id(bubble.row) for bubble in bubbles}
    troubled = sorted(
        (r for r in rows if r.snapshot.band in AT_RISK_BANDS),
        key=lambda r: (r.snapshot.score, -r.hours),
    )
    assert len(troubled) > 30
    assert all(id(row) in drawn for row in troubled[:30])  # the most troubled half
    largest = sorted(rows, key=lambda r: -r.revenue_share)
    assert all(id(row) in drawn for row in largest[:30])  # and the clients that pay most
    others = [row for row in rows if id(row) not in drawn]
    summary = frame["others"]
    assert summary["count"] == len(others) == 4940
    healthy = sum(row.snapshot.score >= HEALTHY_SCORE for row in others)
    assert (summary["healthy"], summary["healthy_share"]) == (healthy, healthy / 4940)
    assert summary["troubled"] == sum(row.snapshot.band in AT_RISK_BANDS for row in others)
    drawn_share = sum(bubble.row.revenue_share for bubble in bubbles)
    assert drawn_share + summary["revenue_share"] == pytest.approx(1.0)
    drawn_hours = sum(bubble.row.hours_share for bubble in bubbles)
    assert drawn_hours + summary["hours_share"] == pytest.approx(1.0)
    # The words still count every client, drawn or not, in its own quadrant, and name the
    # first of each by share of revenue.
    assert sum(quadrant["count"] for quadrant in frame["quadrants"].values()) == 5000
    for code, quadrant in frame["quadrants"].items():
        inside = [
            row for row in rows if charts.quadrant(row.snapshot.score, row.revenue_share) == code
        ]
        assert quadrant["count"] == len(inside)
        assert quadrant["named"] == sorted(inside, key=lambda row: -row.revenue_share)[:12]


def test_a_map_with_room_for_everyone_draws_everyone():
    rows = _large_portfolio(60)
    bubbles, frame = charts.portfolio_map(charts.map_clients(rows))
    assert len(bubbles) == 60 and frame["others"] is None


def test_the_trend_chart_draws_a_line_at_each_band_floor():
    day = dt.date(2026, 1, 1)
    snapshots = [
        HealthSnapshot(as_of=day + dt.timedelta(days=n), score=70, formula_version=1, settings={})
        for n in range(2)
    ]
    chart = charts.trend_chart(snapshots)
    assert [band["score"] for band in chart.bands] == [floor for floor, _band in BAND_FLOORS]


# The same rules through the database and the page a person reads.


def _paid_invoice(client, amount: str, days_ago: int = 5) -> None:
    issued = client.workspace.today() - dt.timedelta(days=days_ago)
    InvoiceFactory(
        client=client,
        issued_on=issued,
        due_on=issued + dt.timedelta(days=14),
        amount=Decimal(amount),
        paid_on=issued + dt.timedelta(days=1),
        paid_amount=Decimal(amount),
    )


@pytest.fixture
def anchor_and_little_gem(scored_workspace, owner):
    """A large client and a lovely one that pays about 2% of the revenue."""
    anchor = ClientFactory(workspace=scored_workspace, name="Anchor", owner=owner)
    history(anchor, owner, feeling=1, invoices=0)
    _paid_invoice(anchor, "73500.00", days_ago=5)
    _paid_invoice(anchor, "73500.00", days_ago=35)
    gem = ClientFactory(workspace=scored_workspace, name="Little Gem", owner=owner)
    history(gem, owner, feeling=2, flags=["gratitude"])  # 3000 of about 150000
    clients_rescore(workspace=scored_workspace)
    return anchor, gem


def _map_quadrants(workspace) -> dict[str, str]:
    bubbles, _frame = charts.portfolio_map(
        charts.map_clients(selectors.portfolio_rows(workspace=workspace))
    )
    return {bubble.row.client.name: bubble.quadrant for bubble in bubbles}


def test_a_thriving_client_with_a_small_share_is_in_room_to_grow_on_the_portfolio_map(
    anchor_and_little_gem, owner, logged_in
):
    _anchor, gem = anchor_and_little_gem
    row = next(
        r for r in selectors.portfolio_rows(workspace=gem.workspace) if r.client.pk == gem.pk
    )
    assert row.snapshot.band == "thriving"
    assert round(100 * row.revenue_share) == 2
    assert _map_quadrants(gem.workspace)["Little Gem"] == "room_to_grow"
    page = logged_in(owner).get(reverse("home:portfolio", kwargs={"ws": gem.workspace.slug}))
    words = page.content.decode().split('id="map-text"')[1]
    room = re.search(r"<strong>Room to grow</strong> \(1\): (.*?)</li>", words).group(1)
    assert "Little Gem" in room
    assert "Renegotiate" not in page.content.decode()


def test_a_client_joining_or_ending_moves_no_other_client_on_the_portfolio_map(
    scored_workspace, owner
):
    # Half, a quarter and a quarter of the revenue: with a line at an equal share (a third,
    # then a quarter once a fourth client joins) Steady would have moved.
    for name, feeling, flags, invoices in (
        ("Anchor", 2, ["gratitude"], 2),
        ("Steady", 2, ["gratitude"], 1),
        ("Storm", -2, ["disrespect", "distrust"], 1),
    ):
        client = ClientFactory(workspace=scored_workspace, name=name, owner=owner)
        history(client, owner, feeling=feeling, flags=flags, invoices=invoices)
    clients_rescore(workspace=scored_workspace)
    before = _map_quadrants(scored_workspace)
    assert before == {
        "Anchor": "keep_and_grow",
        "Steady": "keep_and_grow",
        "Storm": "protect_your_energy",
    }
    newcomer = ClientFactory(workspace=scored_workspace, name="Newcomer", owner=owner)
    history(newcomer, owner, feeling=1, invoices=0)  # no invoice yet: no other share changes
    clients_rescore(workspace=scored_workspace)
    after = _map_quadrants(scored_workspace)
    assert "Newcomer" in after
    assert {name: after[name] for name in before} == before
    client_change_status(client=newcomer, status=ClientStatus.ENDED)
    clients_rescore(workspace=scored_workspace)
    assert _map_quadrants(scored_workspace) == before


def test_an_outsider_sees_nothing_of_the_map(anchor_and_little_gem, outsider, logged_in):
    _anchor, gem = anchor_and_little_gem
    for name in ("home:portfolio", "home:today"):
        response = logged_in(outsider).get(reverse(name, kwargs={"ws": gem.workspace.slug}))
        assert response.status_code == 404
        assert b"Little Gem" not in response.content


def test_the_client_page_marks_the_day_the_formula_changed(good_and_bad, owner, logged_in):
    """Scores of formula 1 stay in the history; the chart says where formula 2 begins."""
    good, _bad = good_and_bad
    workspace = good.workspace
    clients_rescore(workspace=workspace, client_ids=[good.pk])
    today = workspace.today()
    current = HealthSnapshot.objects.get(client=good, as_of=today)
    for days in (3, 2):
        HealthSnapshot.objects.create(
            workspace=workspace,
            client=good,
            as_of=today - dt.timedelta(days=days),
            score=current.score - 5,
            band=current.band,
            confidence=current.confidence,
            suggestion="keep",
            formula_version=current.formula_version - 1,
            settings=current.settings,
        )
    page = logged_in(owner).get(
        reverse("home:client_health", kwargs={"ws": workspace.slug, "code": good.code})
    )
    text = page.content.decode()
    assert "the scoring formula changed" in text
    assert text.count('class="marker"') == 1


def test_a_sparkline_runs_from_the_first_score_to_the_last_across_its_width():
    assert charts.sparkline([0, 50, 100]) == "0.0,24.0 48.0,12.0 96.0,0.0"
    assert charts.sparkline([70, 70, 70, 40], width=30, height=10) == (
        "0.0,3.0 10.0,3.0 20.0,3.0 30.0,6.0"
    )
    assert charts.sparkline([55]) == ""  # one day is not a line
