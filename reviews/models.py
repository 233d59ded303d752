"""A guided "should I end this relationship?" review of a client, and the follow-ups that ask
later how the decision turned out. The tables were created by the assessments app and keep its
names (see migrations/0001_initial)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.display import ChoiceLabels
from accounts.models import Workspace, WorkspaceQuerySet
from portfolio.models import Client


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DECIDED = "decided", _("Decided, plan under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewQuerySet(WorkspaceQuerySet):
    def open(self) -> ReviewQuerySet:
        return self.filter(status__in=(ReviewStatus.IN_PROGRESS, ReviewStatus.DECIDED))


class Review(ChoiceLabels, models.Model):
    """A guided "should I end this relationship?" review of one client by one person.

    `answers` (steps 2-4: feelings, whose side it is, what it costs) are private to the author
    and the workspace's owners; the decision, the plan and the follow-ups are the whole
    workspace's. Saved at every step, so it resumes after a reload or a locked phone."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reviews")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.IN_PROGRESS
    )
    step = models.PositiveSmallIntegerField(default=1)
    # The numbers as they stood when the review began (step 1 shows them).
    facts = models.JSONField(default=dict)
    answers = models.JSONField(default=dict)
    decision = models.CharField(max_length=16, blank=True)
    # {"decision", "reasons": [...], "would_change": [...]}: the advice given at step 5.
    recommendation = models.JSONField(default=dict)
    # What carrying the decision out needs: checklist, terms, message, hand-over, dates.
    plan = models.JSONField(default=dict)
    started_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every save of the plan's fields, which the author and a manager may both
    # edit (accounts.versions). Answers (the author's alone) and checklist ticks merge under a
    # row lock instead and leave it be, so a plan form opened before a tick still saves.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        db_table = "assessments_review"
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status="in_progress"),
                name="review_one_in_progress_per_client",
                violation_error_message=_(
                    "A review of this client is in progress already: finish or cancel it first."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(step__gte=1, step__lte=6),
                name="review_step_1_to_6",
                violation_error_message=_("A review has six steps, from 1 to 6."),
            ),
        ]
        indexes = [
            # A client's reviews in its history, newest first.
            models.Index(fields=["client", "-started_at"], name="review_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.started_at:%Y-%m-%d}"


class FollowUp(ChoiceLabels, models.Model):
    """Some time after a decision: how do you feel now, was it the right call?"""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="follow_ups")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    due_on = models.DateField(_("due on"))
    feeling = models.PositiveSmallIntegerField(
        _("how you feel now"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    right_call = models.CharField(_("was it the right call?"), max_length=8, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        db_table = "assessments_followup"
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            # The dashboard's "follow-ups due" and the nightly emails.
            models.Index(fields=["workspace", "due_on"], name="follow_up_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.due_on}"
