"""The triggers of the trail in migrations (PostgreSQL only; SQLite has none of them).

`migrate` installs them after every run (PGTRIGGER_INSTALL_ON_MIGRATE). A migration that goes
back past the trail takes them off first, since they hold on to the tracked columns it may drop,
and its way forward puts them back. A later audit migration that changes the copied fields ends
with `install` too.

Each install also writes pgtrigger's `_pgtrigger_should_ignore`, which every trigger calls for
every row. Its body reads the setting in a block that catches errors, and such a block is a
subtransaction: one per row written, which made every thousand rows of a bulk write slower than
the last (the 10,000 rows after the first 50,000 took 4.4 s instead of 1.1 s; a million-row
import ran for most of an hour). `lighten` writes it again, reading the setting with
`missing_ok` instead, which needs no block and answers the same. It runs after pgtrigger's own
install, in every `migrate` and wherever `install` is called.
"""

from __future__ import annotations

import pgtrigger
from pgtrigger import features

SHOULD_IGNORE = """
CREATE OR REPLACE FUNCTION {schema}._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT[];
    BEGIN
        -- Unset, or emptied when a SET LOCAL of it ended: nothing is ignored.
        _pgtrigger_ignore := NULLIF(CURRENT_SETTING('pgtrigger.ignore', TRUE), '')::TEXT[];
        IF _pgtrigger_ignore IS NULL THEN
            RETURN FALSE;
        END IF;
        RETURN trigger_name = ANY(_pgtrigger_ignore);
    END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        pgtrigger.install(database=schema_editor.connection.alias)
        lighten(schema_editor.connection)


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        pgtrigger.uninstall(database=schema_editor.connection.alias)


def lighten(connection) -> None:
    """pgtrigger's check for ignored triggers, without a subtransaction per row."""
    schema = connection.ops.quote_name(features.schema())
    with connection.cursor() as cursor:
        cursor.execute(SHOULD_IGNORE.format(schema=schema))


def lighten_after_migrate(using, **kwargs) -> None:
    """After pgtrigger's own install of every `migrate` (its app comes before this one)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql":
        lighten(connection)
