"""Geometry for the server-rendered SVG charts: numbers in, coordinates out. The templates draw
them and give each chart its text alternative."""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

from .choices import AT_RISK_BANDS, BAND_FLOORS, HEALTHY_SCORE, NOTABLE_SHARE

# The portfolio map's lines are fixed (healthy from HEALTHY_SCORE up, a large client from
# NOTABLE_SHARE up): a client's place depends on it alone, not on how many others there are.
MAP_HEALTHY = HEALTHY_SCORE
MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 600, 360, 36


def sparkline(scores: list[int], width: int = 96, height: int = 24) -> str:
    """`points` of an SVG polyline through the scores (0 at the bottom, 100 at the top)."""
    if len(scores) < 2:
        return ""
    xs, ys = _spark_xs(len(scores), width), _spark_ys(height)
    return " ".join(f"{x},{ys[score]}" for x, score in zip(xs, scores, strict=True))


# A table of 25 sparklines of 90 days formatted 4,500 numbers; the same few, each time.
@functools.cache
def _spark_xs(count: int, width: int) -> tuple[str, ...]:
    step = width / (count - 1)
    return tuple(f"{index * step:.1f}" for index in range(count))


@functools.cache
def _spark_ys(height: int) -> tuple[str, ...]:
    return tuple(f"{height - score * height / 100:.1f}" for score in range(101))


@dataclass
class TrendChart:
    points: str
    markers: list[dict]  # {"x", "as_of", "reason"}: the formula or the settings changed
    first: object  # date
    last: object
    width: int
    height: int
    bands: list[dict]  # horizontal band floors: {"y", "score"}


def trend_chart(snapshots, width: int = 600, height: int = 160) -> TrendChart | None:
    """A score history with a marker wherever the formula version or the settings changed."""
    if len(snapshots) < 2:
        return None
    first, last = snapshots[0].as_of, snapshots[-1].as_of
    span = max((last - first).days, 1)

    def x(day) -> float:
        return (day - first).days * width / span

    def y(score) -> float:
        return height - score * height / 100

    points = " ".join(f"{x(s.as_of):.1f},{y(s.score):.1f}" for s in snapshots)
    markers = []
    for before, after in itertools.pairwise(snapshots):
        if before.formula_version != after.formula_version:
            markers.append(
                {"x": round(x(after.as_of), 1), "as_of": after.as_of, "reason": "formula"}
            )
        elif before.settings != after.settings:
            markers.append(
                {"x": round(x(after.as_of), 1), "as_of": after.as_of, "reason": "settings"}
            )
    bands = [{"y": round(y(score), 1), "score": score} for score, _band in BAND_FLOORS]
    return TrendChart(points, markers, first, last, width, height, bands)


@dataclass
class Bubble:
    row: object  # PortfolioRow
    cx: float
    cy: float
    r: float
    quadrant: str


def quadrant(score: int, revenue_share: float) -> str:
    """A client's quadrant, from its own score and share alone. A healthy client is never in
    a quadrant whose name suggests renegotiating or ending."""
    large = revenue_share >= NOTABLE_SHARE
    if score >= MAP_HEALTHY:
        return "keep_and_grow" if large else "room_to_grow"
    # Under the line, a large share is one the person depends on; a small one costs little to lose.
    return "protect_your_energy" if large else "consider_ending"


# The map draws this many clients at most, and names this many per quadrant in words.
MAP_MOST = 60
MAP_NAMES = 12
QUADRANT_CODES = ("keep_and_grow", "room_to_grow", "protect_your_energy", "consider_ending")


def is_placed(row) -> bool:
    """An active client with enough evidence. A client with little data would sit at the
    neutral score and look like one to let go: left out, as are prospects (no money to weigh
    yet)."""
    snapshot = row.snapshot
    return bool(snapshot) and row.client.status == "active" and snapshot.confidence != "low"


@dataclass
class Placed:
    """Sums over the clients the map places, drawn or not."""

    count: int = 0
    healthy: int = 0  # from MAP_HEALTHY up
    troubled: int = 0  # at risk or critical
    revenue_share: float = 0.0
    hours_share: float = 0.0
    largest_share: float = 0.0
    most_hours: float = 0.0


@dataclass
class MapClients:
    """What the map draws and says: the clients drawn, the sums over every client placed, and
    per quadrant how many clients it holds and the first of them by share of revenue, named in
    words."""

    drawn: list
    placed: Placed
    sizes: dict[str, int]
    named: dict[str, list]


def choose_drawn(troubled: list, largest: list, most: int = MAP_MOST) -> list:
    """The clients to draw when there are more than `most`: the troubled ones (at most half,
    `troubled` ordered lowest score first) and then the largest (`largest` ordered by share of
    revenue, largest first)."""
    chosen = {id(r): r for r in troubled[: most // 2]}
    for r in largest:
        if len(chosen) >= most:
            break
        chosen.setdefault(id(r), r)
    return list(chosen.values())


def troubled_first(row) -> tuple:
    return (row.snapshot.score, -row.hours)


def largest_first(row) -> float:
    return -(row.revenue_share or 0.0)


def row_quadrant(row) -> str:
    return quadrant(row.snapshot.score, row.revenue_share or 0.0)


def map_clients(rows, *, most: int = MAP_MOST, names: int = MAP_NAMES) -> MapClients:
    """The map's clients chosen among `rows` (every portfolio row, in name order). The
    portfolio page asks the database for the same choice (assessments.portfolio_reads), so
    that its cost does not grow with the clients; this is the rule it follows."""
    placed = [r for r in rows if is_placed(r)]
    sums = Placed(
        count=len(placed),
        healthy=sum(r.snapshot.score >= MAP_HEALTHY for r in placed),
        troubled=sum(r.snapshot.band in AT_RISK_BANDS for r in placed),
        revenue_share=sum(r.revenue_share or 0 for r in placed),
        hours_share=sum(r.hours_share or 0 for r in placed),
        largest_share=max((r.revenue_share or 0 for r in placed), default=0.0),
        most_hours=max((r.hours for r in placed), default=0.0),
    )
    sizes = dict.fromkeys(QUADRANT_CODES, 0)
    named: dict[str, list] = {code: [] for code in QUADRANT_CODES}
    for r in sorted(placed, key=largest_first):
        code = row_quadrant(r)
        sizes[code] += 1
        if len(named[code]) < names:
            named[code].append(r)
    drawn = placed
    if len(placed) > most:
        troubled = sorted(
            (r for r in placed if r.snapshot.band in AT_RISK_BANDS), key=troubled_first
        )
        drawn = choose_drawn(troubled, sorted(placed, key=largest_first), most)
    return MapClients(drawn=drawn, placed=sums, sizes=sizes, named=named)


def portfolio_map(clients: MapClients) -> tuple[list[Bubble], dict]:
    """The placed clients by share of revenue (x) against health (y), bubble area by hours.

    Past MAP_MOST clients the circles pile up into a cloud that says nothing and no one can
    tap: the map draws the troubled ones and the largest (`choose_drawn`), and
    `frame["others"]` sums up the rest. `frame["quadrants"]` counts every placed client, drawn
    or not, and names the first of each, for the map in words."""
    placed, drawn = clients.placed, clients.drawn
    if not placed.count:
        return [], {}
    largest_share = placed.largest_share or 1.0
    # Room on both sides of the vertical line, however small the largest share.
    x_max = min(1.0, max(largest_share * 1.1, 2 * NOTABLE_SHARE))
    most_hours = placed.most_hours or 1.0
    inner_w, inner_h = MAP_WIDTH - 2 * MAP_PAD, MAP_HEIGHT - 2 * MAP_PAD

    def x(share: float) -> float:
        return MAP_PAD + inner_w * min(share / x_max, 1.0)

    def y(score: float) -> float:
        return MAP_PAD + inner_h * (1 - score / 100)

    bubbles = [
        Bubble(
            row=r,
            cx=round(x(r.revenue_share or 0.0), 1),
            cy=round(y(r.snapshot.score), 1),
            r=round(4 + 14 * math.sqrt(r.hours / most_hours), 1),
            quadrant=row_quadrant(r),
        )
        for r in drawn
    ]
    bubbles.sort(key=lambda b: -b.r)  # small bubbles drawn last, on top
    others = placed.count - len(drawn)
    others_healthy = placed.healthy - sum(r.snapshot.score >= MAP_HEALTHY for r in drawn)
    frame = {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "pad": MAP_PAD,
        "right": MAP_WIDTH - MAP_PAD,
        "bottom": MAP_HEIGHT - MAP_PAD,
        "split_x": round(x(NOTABLE_SHARE), 1),
        "healthy_y": round(y(MAP_HEALTHY), 1),
        "healthy_score": MAP_HEALTHY,
        "x_max_percent": round(100 * x_max),
        "split_percent": round(100 * NOTABLE_SHARE),
        "placed": placed.count,
        "quadrants": {
            code: {"count": clients.sizes[code], "named": clients.named[code]}
            for code in QUADRANT_CODES
        },
        "others": {
            "count": others,
            "healthy": others_healthy,
            "healthy_share": others_healthy / others,
            "troubled": placed.troubled - sum(r.snapshot.band in AT_RISK_BANDS for r in drawn),
            # What is left of the sums once the drawn clients' part is taken (never below 0).
            "revenue_share": max(
                0.0, placed.revenue_share - sum(r.revenue_share or 0 for r in drawn)
            ),
            "hours_share": max(0.0, placed.hours_share - sum(r.hours_share or 0 for r in drawn)),
        }
        if others
        else None,
    }
    return bubbles, frame
