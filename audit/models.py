"""Event rows of the audit trail: one table per tracked model, each row a copy of the tracked
fields as they stood after a change (before, for a deletion), with who made it.

On PostgreSQL, django-pghistory's triggers write these rows, bulk writes included; on SQLite
the signals of `audit.fallback` write the same rows. Every row carries its workspace (copied
from the tracked row), so the history is read workspace by workspace.

Only what a teammate may see is copied: a review's answers (feelings, whose side it is, what it
costs) are private to their author and the owners, and are never copied here — nor the facts
and recommendation that quote them.
"""

from __future__ import annotations

import pghistory
from django.db import models
from pghistory.models import EventQuerySet

from accounts.models import Membership
from assessments.models import Boundary, ScoringSettings
from portfolio.models import Client, Interaction, Invoice
from reviews.models import Review

CLIENT_FIELDS = [
    "workspace",
    "name",
    "company",
    "email",
    "phone",
    "website",
    "status",
    "owner",
    "billing_model",
    "rate",
    "started_on",
    "ended_on",
    "ended_by",
    "end_reason",
    "departure_reason",
    "language",
    "notes",
    "deleted_at",
]
INTERACTION_FIELDS = [
    "workspace",
    "client",
    "occurred_at",
    "kind",
    "minutes",
    "billable",
    "feeling",
    "flag_disrespect",
    "flag_distrust",
    "flag_unreasonable_demand",
    "flag_out_of_hours",
    "flag_out_of_scope",
    "flag_unclear_brief",
    "flag_late_feedback",
    "flag_gratitude",
    "summary",
    "author",
    "deleted_at",
]
INVOICE_FIELDS = [
    "workspace",
    "client",
    "number",
    "issued_on",
    "due_on",
    "amount",
    "paid_on",
    "paid_amount",
    "void",
    "deleted_at",
]
MEMBERSHIP_FIELDS = ["workspace", "user", "role"]
BOUNDARY_FIELDS = ["workspace", "kind", "enabled", "severity", "threshold", "span"]
SCORING_SETTINGS_FIELDS = [
    "workspace",
    "weight_profitability",
    "weight_energy",
    "weight_respect",
    "weight_trust",
    "weight_scope",
    "weight_payments",
    "half_life_days",
    "window_days",
]
# Never "answers", "facts" or "recommendation": see the module's docstring.
REVIEW_FIELDS = ["workspace", "client", "author", "status", "decision", "plan", "closed_at"]


class AuditEventQuerySet(EventQuerySet):
    def for_workspace(self, workspace) -> AuditEventQuerySet:
        return self.filter(workspace=workspace)


def _event_model(tracked: type[models.Model], fields: list[str], name: str):
    return pghistory.create_event_model(
        tracked,
        # New trackers for each model: a tracker keeps the fields of the model it was set up on.
        pghistory.InsertEvent(),
        # Only when a copied field changes (a save of `version` or `updated_at` alone is none).
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        fields=fields,
        model_name=name,
        app_label="audit",
        # Who acted, copied into each row: {"user": pk, "url": path}.
        context_field=pghistory.ContextJSONField(),
        # The history of a record outlives the record.
        obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
        attrs={"objects": AuditEventQuerySet.as_manager()},
    )


class ClientEvent(_event_model(Client, CLIENT_FIELDS, "BaseClientEvent")):
    class Meta:
        indexes = [
            # The activity log, newest first; a client's own changes go by pgh_obj.
            models.Index(fields=["workspace", "-pgh_created_at"], name="audit_client_ws_idx"),
        ]


class InteractionEvent(_event_model(Interaction, INTERACTION_FIELDS, "BaseInteractionEvent")):
    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-pgh_created_at"], name="audit_entry_ws_idx"),
            # A client's history on its page, in the order it is read (the newest few of each
            # kind are one short step down it; without the tie-break, every one was sorted).
            models.Index(
                fields=["client", "-pgh_created_at", "-pgh_id"], name="audit_entry_client_idx"
            ),
        ]


class InvoiceEvent(_event_model(Invoice, INVOICE_FIELDS, "BaseInvoiceEvent")):
    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-pgh_created_at"], name="audit_invoice_ws_idx"),
            models.Index(
                fields=["client", "-pgh_created_at", "-pgh_id"], name="audit_invoice_client_idx"
            ),
        ]


class MembershipEvent(_event_model(Membership, MEMBERSHIP_FIELDS, "BaseMembershipEvent")):
    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-pgh_created_at"], name="audit_member_ws_idx"),
        ]


class BoundaryEvent(_event_model(Boundary, BOUNDARY_FIELDS, "BaseBoundaryEvent")):
    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-pgh_created_at"], name="audit_boundary_ws_idx"),
        ]


class ScoringSettingsEvent(
    _event_model(ScoringSettings, SCORING_SETTINGS_FIELDS, "BaseScoringSettingsEvent")
):
    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-pgh_created_at"], name="audit_scoring_ws_idx"),
        ]


class ReviewEvent(_event_model(Review, REVIEW_FIELDS, "BaseReviewEvent")):
    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-pgh_created_at"], name="audit_review_ws_idx"),
        ]


EVENT_MODELS: tuple[type[models.Model], ...] = (
    ClientEvent,
    InteractionEvent,
    InvoiceEvent,
    MembershipEvent,
    BoundaryEvent,
    ScoringSettingsEvent,
    ReviewEvent,
)
