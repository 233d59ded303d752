"""The kinds of record the trail follows, and how a change to each reads on a page: which fields
are shown, under which label, and what their stored values mean."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.questions import DECISIONS

from . import models as events

# The copy of a record made when the trail began (migration 0002): what its first recorded
# change is compared with, never a change itself.
BASELINE = "baseline"
# Shown as the kind of change itself ("moved to the trash", "restored"), not as a field.
TRASH_FIELD = "deleted_at"
# Every row names its workspace; a client's entries name their client on the line already.
NEVER_SHOWN = frozenset({"workspace", "client", TRASH_FIELD})


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # plural, for the filter
    singular: str  # on each line
    event_model: type[models.Model]
    # Stored values -> labels, where the tracked model's field has no choices of its own.
    labels: dict[str, dict] = field(default_factory=dict)
    # Field labels, where the tracked model's field has no translated verbose_name.
    names: dict[str, str] = field(default_factory=dict)

    @property
    def tracked_model(self) -> type[models.Model]:
        return self.event_model.pgh_tracked_model

    def shown_fields(self) -> list[models.Field]:
        tracked = self.tracked_model._meta
        return [
            tracked.get_field(f.name)
            for f in self.event_model._meta.concrete_fields
            if not f.name.startswith("pgh_") and f.name not in NEVER_SHOWN
        ]

    @property
    def has_trash(self) -> bool:
        return any(f.name == TRASH_FIELD for f in self.event_model._meta.concrete_fields)


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind("client", _("Clients"), _("Client"), events.ClientEvent),
        Kind("interaction", _("Interactions"), _("Interaction"), events.InteractionEvent),
        Kind("invoice", _("Invoices"), _("Invoice"), events.InvoiceEvent),
        Kind(
            "membership",
            _("Members and roles"),
            _("Member"),
            events.MembershipEvent,
            names={"user": _("person")},
        ),
        Kind(
            "boundary",
            _("Boundaries"),
            _("Boundary"),
            events.BoundaryEvent,
            names={"kind": _("kind")},
        ),
        Kind("scoring", _("Scoring settings"), _("Scoring settings"), events.ScoringSettingsEvent),
        Kind(
            "review",
            _("Reviews"),
            _("Review"),
            events.ReviewEvent,
            labels={"decision": dict(DECISIONS)},
            names={
                "author": _("author"),
                "status": _("status"),
                "decision": _("decision"),
                "plan": _("plan"),
                "closed_at": _("closed on"),
            },
        ),
    )
}
# What a client's page shows: the client and its entries and invoices.
CLIENT_KINDS = ("client", "interaction", "invoice")


def field_label(model_field: models.Field, kind: Kind) -> str:
    return kind.names.get(model_field.name) or model_field.verbose_name


def value_type(model_field: models.Field, kind: Kind) -> str:
    """How the template shows a value of this field."""
    if model_field.choices or model_field.name in kind.labels:
        return "choice"
    if isinstance(model_field, models.BooleanField):
        return "bool"
    if isinstance(model_field, models.DateTimeField):
        return "datetime"
    if isinstance(model_field, models.DateField):
        return "date"
    if isinstance(model_field, models.ForeignKey) and model_field.related_model is get_user_model():
        return "person"
    if isinstance(model_field, models.JSONField):
        return "plan"  # a review's plan: said to have changed, not spelled out
    if isinstance(model_field, models.TextField):
        return "long_text"
    return "text"


def choice_label(model_field: models.Field, kind: Kind, value):
    labels = kind.labels.get(model_field.name) or dict(model_field.flatchoices)
    return labels.get(value, value)


def subject(kind: Kind, row) -> str:
    """What the event is about, in the record's own words (a name, a number, a kind)."""
    tracked = kind.tracked_model._meta
    match kind.code:
        case "client":
            return row.name
        case "invoice":
            return row.number
        case "interaction" | "boundary":
            return str(choice_label(tracked.get_field("kind"), kind, row.kind))
    return ""
