"""Many rows into PostgreSQL by COPY. Django's bulk_create sends each column there as one array,
which psycopg quotes in Python element by element: for wide rows (JSON of kilobytes each) or
for hundreds of thousands of them, most of the time went there. Callers keep bulk_create for
other databases and for a few rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def stored_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns an insert writes: all but the automatic key and generated columns."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not getattr(field, "generated", False)
    ]


def column_list(model: type[models.Model], connection) -> str:
    return ", ".join(connection.ops.quote_name(field.column) for field in stored_fields(model))


def copy_rows(cursor, model: type[models.Model], objs: Iterable[models.Model], *, into: str) -> int:
    """COPY the `model` objects' stored fields into the table `into` (the model's own, or one
    shaped like it) through a Django cursor on PostgreSQL; returns how many. Each field gets
    what bulk_create would give it (pre_save: auto_now and the like), but the objects get no
    primary key back. Nothing may query on the connection while the rows are read from
    `objs`: give a list, not a generator that queries."""
    connection = cursor.db
    fields = stored_fields(model)
    table = connection.ops.quote_name(into)
    statement = f"COPY {table} ({column_list(model, connection)}) FROM STDIN"
    written = 0
    with cursor.cursor.copy(statement) as copy:
        for obj in objs:
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )
            written += 1
    return written
