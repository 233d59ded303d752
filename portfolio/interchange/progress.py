"""How far an import got, where a polling request can see it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sized

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

from ..models import ImportBatch

ProgressCallback = Callable[[int, int], None]


class Progress:
    """Told to the caller's callback, and written to the batch row through a connection of its
    own, outside the import's transaction, so that a request polling the batch sees it move
    while the rows themselves stay invisible until the commit.

    SQLite lets one connection write at a time, and the import holds that lock until it
    commits: there the row goes from 0 to done at the end, and only the callback sees the steps.
    """

    def __init__(self, *, batch: ImportBatch, callback: ProgressCallback | None) -> None:
        self.batch, self.callback = batch, callback
        self.done = 0
        self._side = None
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)

    def advance(self, count: int) -> None:
        self.done += count
        if self._side is not None:
            self._write()
        if self.callback is not None:
            self.callback(self.done, self.batch.progress_total)

    def _write(self) -> None:
        table = self._side.ops.quote_name(ImportBatch._meta.db_table)
        try:
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress_done = %s, progress_at = %s WHERE id = %s",
                    [self.done, timezone.now(), self.batch.pk],
                )
        except DatabaseError:
            # Progress is a courtesy: losing it must never fail the import.
            self.close()

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


RowsCallback = Callable[[int], None]
EVERY = 5000  # rows between two reports while reading


class RowsRead:
    """A file's rows (or records) that tell `report` how many were gone through, every EVERY
    and at the end: how a preview reading a large file shows its progress."""

    def __init__(self, rows: Sized, report: RowsCallback) -> None:
        self.rows, self.report = rows, report

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator:
        count = 0
        for count, row in enumerate(self.rows, start=1):
            if count % EVERY == 0:
                self.report(count)
            yield row
        self.report(count)
