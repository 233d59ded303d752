"""What a page's reads take of a table, for tests of the indexes that answer them alone."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def columns_read(read, model) -> set[str]:
    """The columns of `model`'s table that the queries `read()` sends name (under the table's
    name or an alias of it), in any clause."""
    table = model._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        read()
    found: set[str] = set()
    for query in queries.captured_queries:
        sql = query["sql"]
        aliases = {f'"{table}"', *re.findall(rf'"{table}" ("?\w+"?)', sql)}
        for alias in aliases:
            found |= set(re.findall(rf'(?<![\w"]){re.escape(alias)}\."(\w+)"', sql))
    return found


def covered_by(model, index_name: str) -> set[str]:
    """The columns an index of `model` holds: its fields, the ones it includes, and those of
    its condition (a row in a partial index meets it)."""
    [index] = [index for index in model._meta.indexes if index.name == index_name]
    names = [name.lstrip("-") for name in index.fields] + list(index.include)
    if index.condition is not None:
        names += [lookup.split("__")[0] for lookup, _value in index.condition.children]
    return {model._meta.get_field(name).column for name in names}
