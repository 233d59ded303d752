"""What an import would do, before it does it: shown as a preview, printed by the command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User, Workspace


class RowError(NamedTuple):
    file: str  # "clients.csv", "interactions.csv" or "invoices.csv"
    line: int  # the header is line 1
    column: str  # "" when the whole line or file is wrong
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("%(file)s, line %(line)s, column %(column)s: %(message)s") % self._asdict()
        return _("%(file)s, line %(line)s: %(message)s") % self._asdict()


@dataclass
class Update:
    obj: models.Model  # already holding the new values
    before: dict[str, Any]  # attname -> the value it replaces


@dataclass
class HeldBack:
    """The lines of one file that name a client whose own line in clients.csv has an error:
    they wait for that line, and are counted neither as new nor as changed."""

    client: str  # as clients.csv names it
    client_line: int
    lines: list[int] = field(default_factory=list)


@dataclass
class FilePlan:
    role: str  # "clients", "interactions" or "invoices"
    target: str  # ImportChange.Target: "client", "interaction" or "invoice"
    read_as: str = ""
    rows: int = 0
    to_create: list[models.Model] = field(default_factory=list)
    to_update: list[Update] = field(default_factory=list)
    unchanged: int = 0
    held: dict[int, HeldBack] = field(default_factory=dict)  # by the client's line
    # False for a preview: the rows are counted, not kept, so memory stays flat however long
    # the file (an import plans again, keeping them, to write them).
    keep: bool = True
    created: int = 0
    updated: int = 0
    # Told of every row kept: an import writing while it plans takes them off in chunks, so
    # that however long the file, only a chunk of its rows is held at a time.
    on_kept: Callable[[FilePlan], None] | None = field(default=None, repr=False)

    @property
    def file(self) -> str:
        return f"{self.role}.csv"

    def add(self, obj: models.Model, before: dict[str, Any]) -> None:
        """A planned row: new, changed (`before` holds what changed), or the same as stored."""
        if obj.pk is None:
            self.created += 1
            if self.keep:
                self.to_create.append(obj)
        elif before:
            self.updated += 1
            if self.keep:
                self.to_update.append(Update(obj, before))
        else:
            self.unchanged += 1
            return
        if self.keep and self.on_kept is not None:
            self.on_kept(self)

    def hold(self, line: int, *, client: str, client_line: int) -> None:
        """A line that names a client whose line in clients.csv was refused."""
        self.held.setdefault(client_line, HeldBack(client, client_line)).lines.append(line)

    @property
    def held_back(self) -> list[HeldBack]:
        return sorted(self.held.values(), key=lambda held: held.client_line)

    @property
    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportPlan:
    workspace: Workspace
    user: User
    files: dict[str, FilePlan] = field(default_factory=dict)  # by role, in import order
    errors: list[RowError] = field(default_factory=list)
    filenames: dict[str, str] = field(default_factory=dict)  # by role, as the user named them
    kept: bool = True  # False when planned for a preview, counting the rows without them

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def read_as(self) -> dict[str, str]:
        return {role: plan.read_as for role, plan in self.files.items()}

    @property
    def total(self) -> int:
        """Rows to write: what the progress counts up to."""
        return sum(p.created + p.updated for p in self.files.values())

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.files.values())

    def report(self) -> list[str]:
        """The preview in words: one line per file, then every error."""
        lines = []
        for plan in self.files.values():
            name = self.filenames.get(plan.role)
            heading = f"{plan.file} ({name})" if name and name != plan.file else plan.file
            counts = _("%(created)s to add, %(updated)s to update, %(unchanged)s unchanged")
            lines.append(f"{heading}: {plan.read_as}; {counts % plan.counts}")
            for held in plan.held_back:
                count = len(held.lines)
                sentence = ngettext(
                    "%(file)s: %(count)s line is held back: its client, “%(client)s”, has an "
                    "error on line %(line)s of clients.csv.",
                    "%(file)s: %(count)s lines are held back: their client, “%(client)s”, has an "
                    "error on line %(line)s of clients.csv.",
                    count,
                )
                lines.append(
                    sentence
                    % {
                        "file": plan.file,
                        "count": count,
                        "client": held.client,
                        "line": held.client_line,
                    }
                )
        if self.errors:
            count = len(self.errors)
            lines.append(
                ngettext(
                    "%(count)s error: nothing will be imported until it is fixed.",
                    "%(count)s errors: nothing will be imported until they are fixed.",
                    count,
                )
                % {"count": count}
            )
            lines.extend(str(error) for error in self.errors)
        elif not self.total:
            lines.append(nothing_to_import(self))
        return lines


def nothing_to_import(plan: ImportPlan) -> str:
    """Why a valid plan writes nothing (for the command; the preview says it in its template)."""
    if plan.rows:
        return _("Nothing to import: every row matches what is already here.")
    return _("Nothing to import: the files have no rows under their header.")
