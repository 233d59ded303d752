"""The portfolio's reads for Today and the portfolio page, counted, sorted and cut by the
database: their cost is the rows a page shows (a page of the table, the map's bubbles, a dozen
names a quadrant), not the number of clients. Read into Python whole, 5,000 clients were most of
the portfolio page's time.

Each read follows a rule written over every row in Python, which the tests compare it with:
`selectors.overview` for the figures, `charts.map_clients` for the map, the table's sorts for
the table."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    FilteredRelation,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower

from accounts.models import Workspace
from portfolio.models import Client, ClientStatus

from . import charts
from .choices import AT_RISK_BANDS, NOTABLE_SHARE, Band, Confidence
from .selectors import (
    HEALTH_STATES,
    HealthCounts,
    Overview,
    PortfolioRow,
    health_counts,
    portfolio_clients,
    state_of,
)


def _with_health(workspace: Workspace):
    """The portfolio's clients, each joined to its latest snapshot as `latest` (none yet: its
    fields are null)."""
    latest = FilteredRelation(
        "health_snapshots",
        # The workspace too, for the index of the latest marks (workspace, client).
        condition=Q(health_snapshots__is_latest=True, health_snapshots__workspace=workspace),
    )
    return portfolio_clients(workspace).annotate(latest=latest)


# A score is shown (and the client judged) from medium confidence up. Written with `in`: a
# negation would become a subquery on a joined relation.
JUDGED_CONFIDENCE = (Confidence.MEDIUM.value, Confidence.HIGH.value)
JUDGED = Q(latest__confidence__in=JUDGED_CONFIDENCE)


class ClientSeen:
    """What the portfolio's rows read of a client (a Client has the same names)."""

    __slots__ = ("code", "name", "pk", "status")

    def __init__(self, pk: int, status: str, name: str, code) -> None:
        self.pk, self.status, self.name, self.code = pk, status, name, code


class HealthSeen:
    """What the portfolio's rows read of a snapshot (a HealthSnapshot has the same names): the
    columns the covering index of the latest marks holds (models.LATEST_READ)."""

    __slots__ = ("band", "confidence", "minutes", "revenue", "score", "trend_30d")

    def __init__(self, band, confidence, score, trend_30d, minutes, revenue) -> None:
        self.band, self.confidence, self.score = band, confidence, score
        self.trend_30d, self.minutes, self.revenue = trend_30d, minutes, revenue

    def get_band_display(self) -> str:
        return Band(self.band).label


ROW_FIELDS = (
    "pk",
    "status",
    "name",
    "code",
    *(
        f"latest__{name}"
        for name in ("band", "confidence", "score", "trend_30d", "minutes", "revenue")
    ),
)


@dataclass(frozen=True)
class Totals:
    """The sums of the portfolio's latest snapshots: the wholes that shares are taken of."""

    revenue: float
    minutes: int

    def row(self, values) -> PortfolioRow:
        """A row of ROW_FIELDS' values, with its shares."""
        pk, status, name, code, band, *health = values
        row = PortfolioRow(
            ClientSeen(pk, status, name, code),  # type: ignore[arg-type]
            HealthSeen(band, *health) if band is not None else None,  # type: ignore[arg-type]
        )
        row.revenue_share = row.revenue / self.revenue if self.revenue else None
        row.hours_share = row.hours / (self.minutes / 60) if self.minutes else None
        return row


@dataclass
class Figures:
    """The portfolio in numbers: its counts and figures at a glance, its totals, the sums over
    the clients the map places, and how many clients the map leaves out."""

    overview: Overview
    clients: int
    totals: Totals
    placed: charts.Placed
    unplaced: int


def portfolio_figures(*, workspace: Workspace) -> Figures:
    """One grouped query, whatever the number of clients: by status, band, confidence and
    whether the score is a healthy one. Nothing here names a client (`largest` is left None:
    `portfolio_clients_named` finds it)."""
    groups = (
        _with_health(workspace)
        .annotate(
            healthy=Case(
                When(latest__score__gte=charts.MAP_HEALTHY, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values_list("status", "latest__band", "latest__confidence", "healthy")
        .annotate(
            clients=Count("pk"),
            minutes=Sum("latest__minutes"),
            revenue=Sum("latest__revenue"),
            most_minutes=Max("latest__minutes"),
            most_revenue=Max("latest__revenue"),
        )
        .order_by()
    )
    groups = list(groups)
    totals = Totals(
        revenue=float(sum(group[6] or 0 for group in groups)),
        minutes=sum(group[5] or 0 for group in groups),
    )
    counts = dict.fromkeys(HEALTH_STATES, 0)
    risky_minutes, unplaced, placed = 0, 0, charts.Placed()
    largest_revenue = 0.0
    for status, band, confidence, healthy, clients, minutes, revenue, most_m, most_r in groups:
        state = state_of(status, band, confidence)
        counts[state] += clients
        if state in AT_RISK_BANDS:  # only a judged client is a troubled one
            risky_minutes += minutes or 0
        if status == ClientStatus.ACTIVE and state in Band.values:
            placed.count += clients
            placed.healthy += clients if healthy else 0
            placed.troubled += clients if band in AT_RISK_BANDS else 0
            placed.revenue_share += revenue / totals.revenue if totals.revenue else 0.0
            placed.hours_share += minutes / totals.minutes if totals.minutes else 0.0
            largest_revenue = max(largest_revenue, most_r)
            placed.most_hours = max(placed.most_hours, most_m / 60)
        elif status in (ClientStatus.PROSPECT, ClientStatus.ACTIVE):
            unplaced += clients
    placed.largest_share = largest_revenue / totals.revenue if totals.revenue else 0.0
    overview = Overview(
        **vars(health_counts(counts)),
        at_risk_hours_share=risky_minutes / totals.minutes if totals.minutes else None,
    )
    return Figures(overview, sum(counts.values()), totals, placed, unplaced)


def portfolio_overview(*, workspace: Workspace) -> tuple[HealthCounts, int]:
    """How many portfolio clients stand in each state, and how many there are (for Today)."""
    figures = portfolio_figures(workspace=workspace)
    return figures.overview, figures.clients


# The table's sorts: the order of `home.views.SORTS`, in SQL. A score or a trend is only
# shown from medium confidence up: the others go last, as do clients without a snapshot.
_SHOWN_SCORE = Case(When(JUDGED, then="latest__score"))
_SHOWN_TREND = Case(When(JUDGED, then="latest__trend_30d"))
TABLE_ORDERS = {
    "score": [_SHOWN_SCORE.asc(nulls_last=True)],
    "-score": [_SHOWN_SCORE.desc(nulls_last=True)],
    "trend": [_SHOWN_TREND.asc(nulls_last=True)],
    "revenue": [Coalesce("latest__revenue", 0.0).desc()],
    "hours": [Coalesce("latest__minutes", 0).desc()],
    "name": [Lower("name")],
}


class TableRows:
    """The portfolio's rows in a table's order, for a Paginator: counted already (`Figures`),
    cut by the database, a page made into rows."""

    def __init__(self, query, count: int, totals: Totals) -> None:
        self._query, self._count, self._totals = query, count, totals

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, cut: slice) -> list[PortfolioRow]:
        return [self._totals.row(values) for values in self._query[cut]]


def portfolio_table(*, workspace: Workspace, sort: str, figures: Figures) -> TableRows:
    query = (
        _with_health(workspace).order_by(*TABLE_ORDERS[sort], "name", "pk").values_list(*ROW_FIELDS)
    )
    return TableRows(query, figures.clients, figures.totals)


@dataclass
class Named:
    """The clients the portfolio page names outside its table."""

    map: charts.MapClients
    unplaced: list[PortfolioRow]  # the first MAP_NAMES by name
    largest: PortfolioRow | None  # the largest share of revenue, of every portfolio client


# ROW_FIELDS as the columns of `portfolio_clients_named`'s statement.
_COLUMNS = (
    *("id", "status", "name", "code"),
    *("band", "confidence", "score", "trend_30d", "minutes", "revenue"),
)

# The lists `portfolio_clients_named` reads: (name, the rows it takes, their order, how many).
# Ties go by name, as the rows in Python are in name order and sorted stably.
_BY_REVENUE = "revenue DESC, name, id"


def _lists(most: int) -> list[tuple[str, str, str, int]]:
    names, placed = charts.MAP_NAMES, "grp NOT IN ('unplaced', 'other')"
    troubled = f"{placed} AND band IN {_sql_list(AT_RISK_BANDS)}"
    return [
        *((code, f"grp = '{code}'", _BY_REVENUE, names) for code in charts.QUADRANT_CODES),
        ("unplaced", "grp = 'unplaced'", "name, id", names),
        ("largest", "revenue > 0", _BY_REVENUE, 1),
        ("placed", placed, _BY_REVENUE, most),
        ("troubled", troubled, "score, minutes DESC, name, id", most // 2),
    ]


def _sql_list(values) -> str:
    """Choices' codes (constants, never input) as an SQL list."""
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def _named_sql(workspace: Workspace, totals: Totals, most: int) -> tuple[str, list]:
    """One statement: the portfolio's rows once (a common table), then the first few of each
    list, each cut by a LIMIT (a bounded sort, where ranking every row by a window function
    sorted all of them five times: 20 ms at 5,000 clients against 6), and the size of each
    quadrant. A list's rows come with their place in it."""
    rows = _with_health(workspace).values_list(*ROW_FIELDS)
    inner, params = rows.query.get_compiler(connection=connection).as_sql()
    # A large share and a healthy score as charts.quadrant has them, the share divided here
    # as Python divides it.
    large = "revenue / %s >= %s"
    active, prospect = ClientStatus.ACTIVE.value, ClientStatus.PROSPECT.value
    placed = f"status = '{active}' AND confidence IN {_sql_list(JUDGED_CONFIDENCE)}"
    group = f"""CASE WHEN {placed} THEN
            CASE WHEN score >= %s THEN
                CASE WHEN {large} THEN 'keep_and_grow' ELSE 'room_to_grow' END
            ELSE CASE WHEN {large} THEN 'protect_your_energy' ELSE 'consider_ending' END END
        WHEN status IN ('{prospect}', '{active}') THEN 'unplaced'
        ELSE 'other' END"""
    share_params = [totals.revenue or None, NOTABLE_SHARE]
    params = [*params, charts.MAP_HEALTHY, *share_params, *share_params]
    chosen = []
    for name, where, order, limit in _lists(most):
        chosen.append(
            f"SELECT '{name}' AS list, id, ROW_NUMBER() OVER (ORDER BY {order}) AS position "
            f"FROM (SELECT * FROM grouped WHERE {where} ORDER BY {order} LIMIT %s) AS {name}"
        )
        params.append(limit)
    chosen.append("SELECT 'size:' || grp, NULL, COUNT(*) FROM grouped GROUP BY grp")
    sql = f"""WITH portfolio ({", ".join(_COLUMNS)}) AS ({inner}),
        grouped AS (
            SELECT {", ".join(_COLUMNS[:-1])}, COALESCE(revenue, 0) AS revenue, {group} AS grp
            FROM portfolio
        ),
        chosen AS ({" UNION ALL ".join(chosen)})
    SELECT chosen.list, chosen.position, {", ".join(f"grouped.{c}" for c in _COLUMNS)}
    FROM chosen LEFT JOIN grouped ON grouped.id = chosen.id"""
    return sql, params


def portfolio_clients_named(
    *, workspace: Workspace, figures: Figures, most: int = charts.MAP_MOST
) -> Named:
    """The map's clients (`charts.map_clients`' choice), the first clients left off the map
    and the largest client, in one query whatever the number of clients."""
    totals = figures.totals
    sql, params = _named_sql(workspace, totals, most)
    lists: dict[str, list] = {name: [] for name, *_rest in _lists(most)}
    sizes = dict.fromkeys(charts.QUADRANT_CODES, 0)  # a quadrant no row came from is empty
    seen: dict[int, PortfolioRow] = {}  # a client in two lists is one row
    code_field = Client._meta.get_field("code")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, position, *fields in cursor.fetchall():
            if name.startswith("size:"):
                if name[5:] in sizes:
                    sizes[name[5:]] = position
                continue
            if fields[0] not in seen:
                fields[3] = code_field.to_python(fields[3])  # a UUID, read raw from SQLite
                seen[fields[0]] = totals.row(fields)
            row = seen[fields[0]]
            lists[name].append((position, row))
    ordered = {
        name: [row for _position, row in sorted(found, key=lambda pair: pair[0])]
        for name, found in lists.items()
    }
    drawn = ordered["placed"]
    if figures.placed.count > most:
        drawn = charts.choose_drawn(ordered["troubled"], ordered["placed"], most)
    return Named(
        map=charts.MapClients(
            drawn=drawn,
            placed=figures.placed,
            sizes=sizes,
            named={code: ordered[code] for code in charts.QUADRANT_CODES},
        ),
        unplaced=ordered["unplaced"],
        largest=next(iter(ordered["largest"]), None),
    )
