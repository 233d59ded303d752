"""The triggers of the trail in migrations (PostgreSQL only; SQLite has none of them).

`migrate` installs them after every run (PGTRIGGER_INSTALL_ON_MIGRATE). A migration that goes
back past the trail takes them off first, since they hold on to the tracked columns it may drop,
and its way forward puts them back. A later audit migration that changes the copied fields ends
with `install` too."""

from __future__ import annotations

import pgtrigger


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        pgtrigger.install(database=schema_editor.connection.alias)


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        pgtrigger.uninstall(database=schema_editor.connection.alias)
