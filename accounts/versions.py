"""Optimistic versions: a form carries the `version` of the record it was drawn from, and a
save is refused with ConflictError when someone saved the record since. Every model that
two people (or two tabs) may edit at once has a `version` and an `updated_at`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from .errors import ConflictError

# Sent after save_checked wrote `instance` (sender: its model). A conditional UPDATE sends no
# post_save, and the audit trail, where no database trigger records changes (SQLite), listens.
saved_checked = Signal()


def save_checked(obj, *, version: int | None, fields: Iterable[str]) -> None:
    """Save `fields` only if the row still has `version` (any version when None), in one
    conditional UPDATE, and bump the version."""
    model = type(obj)
    attnames = [model._meta.get_field(name).attname for name in fields]
    updates = {attname: getattr(obj, attname) for attname in attnames}
    filters = {"pk": obj.pk}
    if version is not None:
        filters["version"] = version
    changed = model._base_manager.filter(**filters).update(
        **updates, version=F("version") + 1, updated_at=timezone.now()
    )
    if not changed:
        raise ConflictError
    obj.version = (version or obj.version) + 1
    saved_checked.send(sender=model, instance=obj)


def lock_fresh(obj, *, version: int | None = None) -> None:
    """Lock `obj`'s row until the transaction ends and load it as saved, so that a change
    merges into the latest values (two ticks of one checklist both stay ticked). Refused with
    ConflictError if `version` is given and the row has moved on since."""
    obj.refresh_from_db(from_queryset=type(obj)._base_manager.select_for_update())
    if version is not None and obj.version != version:
        raise ConflictError
