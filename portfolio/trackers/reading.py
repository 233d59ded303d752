"""A tracker export as a header and rows keyed by it, read by the interchange's tolerant reader
(UTF-8 with or without a byte-order mark or Windows-1252; comma or semicolon)."""

from __future__ import annotations

from collections.abc import Iterator

from ..interchange.csvread import Rows, UnreadableFile
from ..interchange.csvread import read_csv as read_cells

__all__ = ["Records", "UnreadableFile", "read_csv"]


class Records:
    """The export's rows as dicts keyed by its column names (stripped, lower-cased), each made
    as it is read and let go: a long export is held once, as text."""

    def __init__(self, header: list[str], rows: Rows) -> None:
        self.keys = [name.strip().lower() for name in header]
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, str]]:
        keys = self.keys
        for row in self.rows:
            yield dict(zip(keys, row.cells, strict=False))


def read_csv(data: bytes) -> tuple[list[str], Records, str]:
    header, rows, reading = read_cells(data)
    header = [name.strip() for name in header]
    return header, Records(header, rows), reading.describe()
