"""One interchange file read into typed records, every problem with its header or its cells
reported with the file, line and column."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .columns import FILES, CellError, Column, Kind, read_cell
from .csvread import Reading, Row, Rows, UnreadableFile, read_csv
from .plan import RowError


@dataclass(slots=True)  # one per line of a file: no dict of its own
class Record:
    line: int
    values: dict[str, Any]  # by column name: every present column whose cell reads well
    failed: bool = False  # some cell did not read; its error is reported


@dataclass
class Sheet:
    file: str
    reading: Reading
    columns: set[str] = field(default_factory=set)  # the known columns the header has
    records: Iterable[Record] = ()  # gone through once by its planner (see Records)
    complete: bool = True  # every required column is there: the lines can be planned


def read_sheet(
    *, role: str, data: bytes, tzinfo: dt.tzinfo, errors: list[RowError]
) -> Sheet | None:
    """None when the bytes are not a CSV file at all (the error says so)."""
    file = f"{role}.csv"
    try:
        header, rows, reading = read_csv(data)
    except UnreadableFile as error:
        errors.append(RowError(file, error.line, "", error.message))
        return None
    sheet = Sheet(file=file, reading=reading)
    positions = _check_header(sheet, header, FILES[role], errors)
    money = [index for column, index in positions if column.kind == Kind.MONEY]
    if money:
        reading.choose_decimal_mark(
            row.cells[index] for row in rows for index in money if index < len(row.cells)
        )
    sheet.records = Records(sheet, rows, header, positions, tzinfo, errors)
    return sheet


class Records:
    """A sheet's records, made from its rows as they are gone through, so that a large file is
    never held as records; what a cell or a line has wrong is reported the first time through.
    """

    def __init__(
        self,
        sheet: Sheet,
        rows: Rows,
        header: list[str],
        positions: list[tuple[Column, int]],
        tzinfo: dt.tzinfo,
        errors: list[RowError],
    ) -> None:
        self.sheet, self.rows, self.header, self.positions = sheet, rows, header, positions
        self.tzinfo, self.errors = tzinfo, errors
        self.unnamed = {index for index, name in enumerate(header) if not _clean(name)}
        self.reported = False

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Record]:
        problems: list[RowError] = [] if self.reported else self.errors
        for row in self.rows:
            yield self._record(row, problems)
        self.reported = True

    def _record(self, row: Row, problems: list[RowError]) -> Record:
        file, reading = self.sheet.file, self.sheet.reading
        record = Record(line=row.line, values={})
        for column, index in self.positions:
            raw = row.cells[index] if index < len(row.cells) else ""
            try:
                record.values[column.name] = read_cell(column, raw, reading, self.tzinfo)
            except CellError as error:
                problems.append(RowError(file, row.line, column.name, str(error)))
                record.failed = True
        stray = [
            index
            for index, cell in enumerate(row.cells)
            if (index >= len(self.header) or index in self.unnamed) and cell.strip()
        ]
        if stray:
            problems.append(
                RowError(
                    file,
                    row.line,
                    "",
                    _("This line has a value in a column the header does not name (column %(n)s).")
                    % {"n": stray[0] + 1},
                )
            )
            record.failed = True
        return record


def _check_header(
    sheet: Sheet, header: list[str], columns: tuple[Column, ...], errors: list[RowError]
) -> list[tuple[Column, int]]:
    """The known columns and their positions. Names are read without case or surrounding
    spaces; a column without a name is allowed as long as its cells are empty (Excel keeps
    columns that once held something)."""
    by_name = {column.name: column for column in columns}
    positions: list[tuple[Column, int]] = []

    def problem(column: str, message: str) -> None:
        errors.append(RowError(sheet.file, sheet.reading.header_line, column, message))

    for index, raw in enumerate(header):
        name = _clean(raw).lower()
        if not name:
            continue
        if name in sheet.columns:
            problem(name, _("This column appears twice."))
        elif name in by_name:
            sheet.columns.add(name)
            positions.append((by_name[name], index))
        else:
            problem(_clean(raw), _unknown_column(_clean(raw), sheet.file, list(by_name)))
    for column in columns:
        if column.required and column.name not in sheet.columns:
            problem(column.name, _("This column is missing; it is required."))
            sheet.complete = False
    return positions


def _clean(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip()


def _unknown_column(name: str, file: str, known: list[str]) -> str:
    sentences = [_("“%(column)s” is not a column of %(file)s.") % {"column": name, "file": file}]
    if close := difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.75):
        sentences.append(_("Did you mean “%(suggestion)s”?") % {"suggestion": close[0]})
    sentences.append(_("The columns are: %(columns)s.") % {"columns": ", ".join(known)})
    return " ".join(sentences)
