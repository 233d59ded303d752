"""Geometry for the server-rendered SVG charts: numbers in, coordinates out. The templates draw
them and give each chart its text alternative."""

from __future__ import annotations

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
    step = width / (len(scores) - 1)
    return " ".join(
        f"{index * step:.1f},{height - score * height / 100:.1f}"
        for index, score in enumerate(scores)
    )


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


def portfolio_map(rows, *, most: int = 60) -> tuple[list[Bubble], dict]:
    """Active clients with enough evidence placed by share of revenue (x) against health (y),
    bubble area by hours. A client with little data would sit at the neutral score and look
    like one to let go: left out, as are prospects (no money to weigh yet).

    Past `most` clients the circles pile up into a cloud that says nothing and no one can tap:
    the map draws the troubled ones (at risk, critical; at most half of the bubbles, the lowest
    scores first) and the largest by share of revenue, and `frame["others"]` sums up the rest.
    `frame["quadrants"]` holds every placed client, drawn or not, for the map in words."""
    placed = [
        r
        for r in rows
        if r.snapshot and r.client.status == "active" and r.snapshot.confidence != "low"
    ]
    if not placed:
        return [], {}
    largest_share = max((r.revenue_share or 0) for r in placed) or 1.0
    # Room on both sides of the vertical line, however small the largest share.
    x_max = min(1.0, max(largest_share * 1.1, 2 * NOTABLE_SHARE))
    most_hours = max(r.hours for r in placed) or 1.0
    inner_w, inner_h = MAP_WIDTH - 2 * MAP_PAD, MAP_HEIGHT - 2 * MAP_PAD

    def x(share: float) -> float:
        return MAP_PAD + inner_w * min(share / x_max, 1.0)

    def y(score: float) -> float:
        return MAP_PAD + inner_h * (1 - score / 100)

    drawn = placed
    if len(placed) > most:
        troubled = sorted(
            (r for r in placed if r.snapshot.band in AT_RISK_BANDS),
            key=lambda r: (r.snapshot.score, -r.hours),
        )
        largest = sorted(placed, key=lambda r: -(r.revenue_share or 0))
        chosen = {id(r): r for r in troubled[: most // 2]}
        for r in largest:
            if len(chosen) >= most:
                break
            chosen.setdefault(id(r), r)
        drawn = list(chosen.values())
    bubbles = [
        Bubble(
            row=r,
            cx=round(x(r.revenue_share or 0.0), 1),
            cy=round(y(r.snapshot.score), 1),
            r=round(4 + 14 * math.sqrt(r.hours / most_hours), 1),
            quadrant=quadrant(r.snapshot.score, r.revenue_share or 0.0),
        )
        for r in drawn
    ]
    bubbles.sort(key=lambda b: -b.r)  # small bubbles drawn last, on top
    quadrants: dict[str, list] = {
        code: []
        for code in ("keep_and_grow", "room_to_grow", "protect_your_energy", "consider_ending")
    }
    for r in sorted(placed, key=lambda r: -(r.revenue_share or 0)):
        quadrants[quadrant(r.snapshot.score, r.revenue_share or 0.0)].append(r)
    drawn_ids = {id(r) for r in drawn}
    others = [r for r in placed if id(r) not in drawn_ids]
    others_healthy = sum(r.snapshot.score >= MAP_HEALTHY for r in others)
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
        "placed": len(placed),
        "quadrants": quadrants,
        "others": {
            "count": len(others),
            "healthy": others_healthy,
            "healthy_share": others_healthy / len(others),
            "troubled": sum(r.snapshot.band in AT_RISK_BANDS for r in others),
            "revenue_share": sum(r.revenue_share or 0 for r in others),
            "hours_share": sum(r.hours_share or 0 for r in others),
        }
        if others
        else None,
    }
    return bubbles, frame
