"""Reading the detailed-report exports of Toggl Track, Clockify and Harvest.

Pure functions: rows in (dicts keyed by the header), entries and problems out. The format is
recognised by its column names, never by position; columns vary between versions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Format:
    code: str
    label: str
    required: frozenset[str]  # columns (lower-cased) that identify the format


TOGGL = Format(
    "toggl", gettext_lazy("Toggl Track"),
    frozenset({"client", "project", "description", "billable", "start date", "start time",
               "duration"}),
)  # fmt: skip
CLOCKIFY = Format(
    "clockify", gettext_lazy("Clockify"),
    frozenset({"project", "client", "description", "billable", "start date", "start time"}),
)  # fmt: skip
HARVEST = Format(
    "harvest", gettext_lazy("Harvest"),
    frozenset({"date", "client", "project", "notes", "hours", "billable?"}),
)  # fmt: skip


def detect_format(header: list[str]) -> Format | None:
    """Which tracker wrote this header. Clockify has "Duration (h)"; Toggl a bare "Duration"."""
    columns = {name.strip().lower() for name in header}
    if HARVEST.required <= columns:
        return HARVEST
    if CLOCKIFY.required <= columns and (
        "duration (h)" in columns or "duration (decimal)" in columns
    ):
        return CLOCKIFY
    if TOGGL.required <= columns:
        return TOGGL
    return None


@dataclass(frozen=True, slots=True)  # one per row of an export: no dict of its own
class Entry:
    """One tracked block of time, as the export describes it."""

    line: int
    client: str
    project: str
    description: str
    day: dt.date
    start: dt.time | None  # Harvest has no start time
    minutes: int
    billable: bool
    person: str = ""  # who tracked it, as the export names them (an email, or a name)

    @property
    def summary(self) -> str:
        text = self.description.strip()
        return f"[{self.project}] {text}".strip() if self.project else text

    @property
    def key(self) -> str:
        """The identity of an entry across re-imports: client + start + duration + description."""
        start = self.day.isoformat() + (f"T{self.start:%H:%M:%S}" if self.start else "")
        return "|".join([self.client.strip().lower(), start, str(self.minutes), self.summary])


@dataclass(frozen=True)
class Problem:
    line: int  # the header is line 1; a problem of the whole file is on line 1 or 0
    column: str
    message: str

    def __str__(self) -> str:
        """As the preview lists it: "Line 3, start date: …" (the file as a whole: the message)."""
        if self.line <= 1:
            return self.message
        where = _("Line %(line)s") % {"line": self.line}
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
DATE_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\s*$")


def date_order(values: Iterable[str]) -> str | None:
    """ "iso", "dmy" or "mdy" for a column of dates; None when every date reads both ways.
    One pass over `values`, which may be read as they come."""
    numeric = day_first = month_first = False
    for value in values:
        if not value or DATE_ISO.match(value) or not (match := DATE_NUMERIC.match(value)):
            continue
        numeric = True
        day_first = day_first or int(match.group(1)) > 12
        month_first = month_first or int(match.group(2)) > 12
    if not numeric:
        return "iso"
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    return None


def parse_date(value: str, order: str) -> dt.date:
    if m := DATE_ISO.match(value):
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = DATE_NUMERIC.match(value)
    if not m:
        raise ValueError(value)
    first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    year += 2000 if year < 100 else 0
    day, month = (first, second) if order == "dmy" else (second, first)
    return dt.date(year, month, day)


TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?\s?[Mm]\.?)?\s*$")


def parse_time(value: str) -> dt.time:
    """24-hour or 12-hour ("01:30 PM", "1:30:00 pm") times."""
    m = TIME.match(value)
    if not m:
        raise ValueError(value)
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if suffix := m.group(4):
        if not 1 <= hour <= 12:
            raise ValueError(value)
        pm = suffix.lower().startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
    return dt.time(hour, minute, second)


def parse_decimal(value: str) -> Decimal:
    """1.5, 1,5 and 1.234,5 all read as numbers (Excel in pt/es locales writes decimal commas)."""
    text = value.strip().replace(" ", "")
    if "," in text and "." in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    else:
        text = text.replace(",", ".")
    return Decimal(text)


def minutes_from_clock(value: str) -> int:
    """HH:MM:SS (or H:MM) to whole minutes, rounded to the nearest (half a minute up)."""
    parts = [int(p) for p in value.strip().split(":")]
    if len(parts) == 2:
        parts.append(0)
    hours, minutes, seconds = parts
    return (hours * 3600 + minutes * 60 + seconds + 30) // 60


def minutes_from_hours(value: str) -> int:
    if ":" in value:
        return minutes_from_clock(value)
    return int((parse_decimal(value) * 60).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


YES = {"yes", "true", "1", "sim", "sí", "si", "y"}


def _get(row: dict[str, str], *names: str) -> str:
    for name in names:
        if name in row and row[name] is not None:
            return row[name].strip()
    return ""


def parse_entries(
    fmt: Format,
    rows: Iterable[dict[str, str]],
    *,
    date_order_hint: str | None = None,
    on_row: Callable[[int], None] | None = None,
) -> tuple[list[Entry], list[Problem], str | None]:
    """Entries of the export, problems by line (the header is line 1), and the date order used.
    `on_row(count)` hears every thousand rows how many were read.

    When every date reads both ways (03/04/2026) and no hint is given, the order is None and
    every row is a problem: the caller asks the user which order the export uses.

    Without a hint, `rows` is gone through twice (first for the dates alone): each row is made
    and let go as it is read, so it may be a file's records, read afresh each time.
    """
    date_column = "date" if fmt is HARVEST else "start date"
    order = date_order_hint or date_order(_get(r, date_column) for r in _keyed(rows))
    entries: list[Entry] = []
    problems: list[Problem] = []
    for line, row in enumerate(_keyed(rows), start=2):
        if on_row is not None and (line - 1) % 1000 == 0:
            on_row(line - 1)
        raw_date = _get(row, date_column)
        try:
            if order is None and not DATE_ISO.match(raw_date):
                raise LookupError
            day = parse_date(raw_date, order or "iso")
        except LookupError:
            problems.append(Problem(line, date_column, _("Day and month can be read both ways.")))
            continue
        except ValueError:
            problems.append(
                Problem(line, date_column, _("“%(value)s” is not a date.") % {"value": raw_date})
            )
            continue
        try:
            start = None if fmt is HARVEST else parse_time(_get(row, "start time"))
        except ValueError:
            problems.append(
                Problem(line, "start time", _("“%(value)s” is not a time of day.")
                        % {"value": _get(row, "start time")})
            )  # fmt: skip
            continue
        try:
            minutes = _minutes(fmt, row)
        except (ValueError, InvalidOperation, TypeError):
            column = {"harvest": "hours", "clockify": "duration (h)"}.get(fmt.code, "duration")
            problems.append(
                Problem(line, column, _("“%(value)s” is not a duration.")
                        % {"value": _get(row, column)})
            )  # fmt: skip
            continue
        entries.append(
            Entry(
                line=line,
                client=_get(row, "client"),
                project=_get(row, "project"),
                description=_get(row, "notes" if fmt is HARVEST else "description")
                or _get(row, "task"),
                day=day,
                start=start,
                minutes=minutes,
                billable=_get(row, "billable?" if fmt is HARVEST else "billable").lower() in YES,
                person=_person(fmt, row),
            )
        )
    return entries, problems, order


def _keyed(rows: Iterable[dict[str, str]]) -> Iterator[dict[str, str]]:
    """The rows keyed by their column names stripped and lower-cased, one at a time."""
    for row in rows:
        yield {k.strip().lower(): v for k, v in row.items() if k is not None}


def _person(fmt: Format, row: dict[str, str]) -> str:
    """Who tracked the entry: Toggl and Clockify give an email (else a user name), Harvest a
    first and last name. Lower-cased: the same person however the export spells them."""
    if fmt is HARVEST:
        return " ".join(filter(None, (_get(row, "first name"), _get(row, "last name")))).lower()
    return (_get(row, "email") or _get(row, "user")).lower()


def _minutes(fmt: Format, row: dict[str, str]) -> int:
    if fmt is HARVEST:
        return minutes_from_hours(_get(row, "hours"))
    if fmt is CLOCKIFY:
        if clock := _get(row, "duration (h)"):
            return minutes_from_hours(clock)
        return minutes_from_hours(_get(row, "duration (decimal)"))
    return minutes_from_clock(_get(row, "duration"))
