"""Recording changes without triggers (SQLite): signals write the same event rows as
pghistory's triggers do on PostgreSQL.

It sees what goes through `Model.save()`, `Model.delete()` and `accounts.versions.save_checked`
(the conditional UPDATE of every edit form) only. Other bulk writes — `QuerySet.update()` (moving
to the trash and restoring, for one), `bulk_create()` (imports, default boundaries),
`bulk_update()`, and deletes Django makes without signals — are missed; on PostgreSQL the
triggers record them too. What an import or the demo added in bulk gets a baseline copy once it
is announced (`baseline_bulk_written`), so that its first edit can say what it was before.

A change costs two queries: the last recorded copy of the row, to compare (the triggers record
only a change of a copied field, and so does this), and the new event row. A creation or a
deletion costs the one insert.
"""

from __future__ import annotations

import itertools

from django.db import models
from django.db.models.signals import post_delete, post_save

from accounts.versions import saved_checked
from portfolio.models import Client, Interaction, Invoice
from portfolio.signals import ALL_HISTORY, clients_changed

from .context import context_now
from .models import EVENT_MODELS, ClientEvent, InteractionEvent, InvoiceEvent


def _tracked_columns(event_model) -> list[str]:
    """Attribute names of the tracked model's fields that the event model copies."""
    tracked = {f.attname for f in event_model.pgh_tracked_model._meta.concrete_fields}
    return [
        field.attname
        for field in event_model._meta.concrete_fields
        if not field.name.startswith("pgh_") and field.attname in tracked
    ]


def _record(event_model, instance: models.Model, label: str, values: dict) -> None:
    context_id, metadata = context_now()
    event_model.objects.create(
        pgh_label=label,
        pgh_obj_id=instance.pk,
        pgh_context_id=context_id,
        pgh_context=metadata,
        **values,
    )


def _receivers(event_model):
    columns = _tracked_columns(event_model)
    names = {event_model._meta.get_field(column).name for column in columns}

    def values(instance: models.Model) -> dict:
        return {column: getattr(instance, column) for column in columns}

    def changed(sender, instance, **kwargs):
        after = values(instance)
        last = (
            event_model.objects.filter(pgh_obj_id=instance.pk)
            .order_by("-pgh_id")
            .values(*columns)
            .first()
        )
        if last != after:
            _record(event_model, instance, "update", after)

    def saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
        if raw:
            return  # fixtures loaded as they are
        if update_fields is not None and not names & set(update_fields):
            return  # e.g. a review's answers and step: nothing the trail copies
        if created:
            _record(event_model, instance, "insert", values(instance))
        else:
            changed(sender, instance)

    def deleted(sender, instance, **kwargs):
        _record(event_model, instance, "delete", values(instance))

    return saved, changed, deleted


def baseline_bulk_written(sender, workspace_id: int, client_ids, since=None, **kwargs) -> None:
    """A baseline copy of the clients, entries and invoices of `client_ids` that the trail has
    never seen: bulk-written by an import or the demo (announced as changing all history)."""
    if since != ALL_HISTORY:
        return
    for event_model, records in (
        (ClientEvent, Client.objects.filter(pk__in=client_ids)),
        (InteractionEvent, Interaction.objects.filter(client_id__in=client_ids)),
        (InvoiceEvent, Invoice.objects.filter(client_id__in=client_ids)),
    ):
        columns = _tracked_columns(event_model)
        known = event_model.objects.filter(pgh_obj_id__in=records.values("pk"))
        unseen = records.exclude(pk__in=known.values("pgh_obj_id")).values("pk", *columns)
        # A thousand at a time: bulk_create makes a list of all it is given, and an import
        # may have written a few hundred thousand entries.
        for chunk in itertools.batched(unseen.iterator(chunk_size=1000), 1000):
            event_model.objects.bulk_create(
                event_model(pgh_label="baseline", pgh_obj_id=row.pop("pk"), **row) for row in chunk
            )


def connect() -> None:
    clients_changed.connect(baseline_bulk_written, dispatch_uid="audit_baseline_bulk_written")
    for event_model in EVENT_MODELS:
        tracked = event_model.pgh_tracked_model
        saved, changed, deleted = _receivers(event_model)
        uid = f"audit_{event_model.__name__}"
        post_save.connect(saved, sender=tracked, weak=False, dispatch_uid=uid)
        saved_checked.connect(changed, sender=tracked, weak=False, dispatch_uid=uid)
        post_delete.connect(deleted, sender=tracked, weak=False, dispatch_uid=uid)
