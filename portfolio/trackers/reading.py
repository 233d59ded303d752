"""A tracker export as a header and rows keyed by it, read by the interchange's tolerant reader
(UTF-8 with or without a byte-order mark or Windows-1252; comma or semicolon)."""

from __future__ import annotations

from ..interchange.csvread import UnreadableFile
from ..interchange.csvread import read_csv as read_cells

__all__ = ["UnreadableFile", "read_csv"]


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]], str]:
    header, rows, reading = read_cells(data)
    header = [name.strip() for name in header]
    return header, [dict(zip(header, row.cells, strict=False)) for row in rows], reading.describe()
