"""What every file's plan looks things up in: the workspace's members and clients, loaded once
(a query each), and the clients that clients.csv is about to create or change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import Membership, User, Workspace

from ..models import Client, ImportChange, ImportStatus
from .columns import CellError


def name_key(name: str) -> str:
    """Clients are the same client whatever the case or the surrounding spaces."""
    return name.strip().lower()


@dataclass
class Context:
    workspace: Workspace
    user: User
    members: dict[str, int]  # lower-cased email -> user id
    clients: dict[str, Client]  # name key -> stored client, trash included
    clients_by_pk: dict[int, Client]
    # Clients as clients.csv leaves them. A line of clients.csv with an error still names its
    # client, so that the lines referring to it are checked without repeating that error.
    planned: dict[str, Client] = field(default_factory=dict)
    # Name key -> the line of clients.csv that was refused: the lines naming that client are
    # held back with it, never counted as changes (its stand-in in `planned` is not a real
    # client: against it, every stored entry of the client would look moved).
    refused: dict[str, int] = field(default_factory=dict)
    # The rows undone imports added (their undo put them in the trash): importing them again
    # brings them back. Read at the first row found in the trash.
    undone: UndoneRows | None = None

    @classmethod
    def load(cls, *, workspace: Workspace, user: User) -> Context:
        members = {
            email.lower(): pk
            for pk, email in Membership.objects.for_workspace(workspace).values_list(
                "user_id", "user__email"
            )
        }
        clients = list(
            Client.objects.for_workspace(workspace)
            .annotate(owner_email=F("owner__email"))
            .order_by("pk")
        )
        return cls(
            workspace=workspace,
            user=user,
            members=members,
            clients={name_key(client.name): client for client in clients},
            clients_by_pk={client.pk: client for client in clients},
            undone=UndoneRows(workspace),
        )

    def restorable(self, target: str, obj: models.Model) -> bool:
        """In the trash because an import that added it was undone: this import restores it."""
        return obj.deleted_at is not None and obj.pk in self.undone.of(target)

    def client_for(self, name: str) -> Client:
        """The client a line of interactions.csv or invoices.csv refers to."""
        key = name_key(name)
        if (client := self.planned.get(key)) is not None:
            return client
        client = self.clients.get(key)
        if client is None:
            raise CellError(
                _("“%(name)s” is not in clients.csv or in this workspace.") % {"name": name}
            )
        if client.in_trash:
            raise CellError(in_trash(client.name))
        return client

    def refuse(self, name: str, line: int) -> None:
        """A line of clients.csv with an error: its client stands in for the lines naming it,
        unless an earlier line of the file already planned it."""
        key = name_key(name)
        if key not in self.planned:
            self.planned[key] = Client(workspace=self.workspace, name=name)
            self.refused[key] = line

    def refused_line(self, client: Client) -> int | None:
        """The line of clients.csv, refused, that `client` (from `client_for`) stands in for."""
        key = name_key(client.name)
        return self.refused.get(key) if self.planned.get(key) is client else None

    def person(self, email: str, *, stored: models.Model | None, attname: str) -> int | None:
        """The user id an owner_email or author_email names. Empty means the importing user,
        except on a stored row that has nobody (their account was deleted): it stays so. The
        stored person is accepted even after leaving the workspace, so that re-importing an
        export of this workspace never fails."""
        stored_id = getattr(stored, attname) if stored is not None else None
        if not email:
            return None if stored is not None and stored_id is None else self.user.pk
        if (pk := self.members.get(email.lower())) is not None:
            return pk
        stored_email = getattr(stored, attname.removesuffix("_id") + "_email", None) or ""
        if stored_id is not None and email.lower() == stored_email.lower():
            return stored_id
        raise CellError(_("%(email)s is not a member of this workspace.") % {"email": email})


class UndoneRows:
    """Per target, the rows that imports since undone had added: one query, at the first
    question (most imports never ask: nothing they meet is in the trash)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._rows: dict[str, set[int]] | None = None

    def of(self, target: str) -> set[int]:
        if self._rows is None:
            self._rows = {}
            for kind, pk in ImportChange.objects.filter(
                batch__workspace=self.workspace,
                batch__status=ImportStatus.UNDONE,
                action=ImportChange.Action.CREATED,
            ).values_list("target", "object_id"):
                self._rows.setdefault(kind, set()).add(pk)
        return self._rows.get(target, set())


class LineError(Exception):
    """A line that cannot be imported as it is, and the column to fix."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def in_trash(name: str) -> str:
    return _("“%(name)s” is in the trash. Restore it first, or remove this line.") % {"name": name}


def assign(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """Set `values` on `obj`; return the previous value of each field that changed."""
    before = {}
    for attname, value in values.items():
        current = getattr(obj, attname)
        if current != value:
            before[attname] = current
            setattr(obj, attname, value)
    return before


def assign_client(obj: models.Model, client: Client) -> dict[str, Any]:
    """Point an interaction or invoice at `client`, which clients.csv may be about to create."""
    previous = obj.client_id
    obj.client = client
    if obj.pk is not None and (client.pk is None or client.pk != previous):
        return {"client_id": previous}
    return {}
