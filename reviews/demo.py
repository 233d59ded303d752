"""Reviews for the demo workspace, so that `make run` shows the whole review at work: a
relationship ended well (its follow-up answered), boundaries being set (its follow-up due
today), and a review left half-way. Built through the same services a person uses."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User, Workspace
from portfolio.models import Client

from . import services as reviews
from .models import FollowUp, Review


@transaction.atomic
def demo_reviews_load(*, workspace: Workspace, author: User) -> int:
    """Idempotent: a workspace that has reviews is left as it is. Returns reviews created."""
    if Review.objects.filter(workspace=workspace).exists():
        return 0
    clients = {c.name: c for c in Client.objects.for_workspace(workspace).alive()}
    made = 0
    ended = clients.get("Norte Construções")
    if ended is not None and ended.status == "ended":
        # Recorded as already carried out: the client ended months ago.
        review = Review.objects.create(
            workspace=workspace,
            client=ended,
            author=author,
            status="done",
            decision="end",
            step=6,
            facts={},
            answers={"dread": 5, "enjoy": 1, "trust": "no", "told_them": "yes"},
            plan={
                "checklist": dict.fromkeys(
                    ("finish_work", "final_invoice", "hand_back", "honest_reasons", "thank_them"),
                    True,
                )
            },
        )
        FollowUp.objects.create(
            workspace=workspace,
            review=review,
            due_on=workspace.today() - dt.timedelta(days=20),
            feeling=5,
            right_call="yes",
            notes="Relief within a week. Should have done it sooner.",
            answered_at=timezone.now() - dt.timedelta(days=19),
        )
        made += 1
    draining = clients.get("Meridian Capital")
    if draining is not None:
        review = reviews.review_start(client=draining, author=author)
        answers = {
            2: {"enjoy": 2, "dread": 4, "change_stress": 4, "before_meeting": 2},
            3: {
                "terms_clear": "partly",
                "told_them": "no",
                "can_change": "yes",
                "aligned": "partly",
                "trust": "yes",
                "unlimited_help": "no",
            },
            4: {"energy_drain": 4, "absorb_loss": "no"},
        }
        for step, given in answers.items():
            reviews.review_answer(review=review, user=author, step=step, answers=given)
        reviews.review_decide(review=review, user=author, decision="set_boundaries")
        # Decided two weeks ago: today is the day to check whether the boundaries hold.
        decided = timezone.now() - dt.timedelta(days=reviews.FOLLOW_UP_DAYS)
        Review.objects.filter(pk=review.pk).update(
            started_at=decided - dt.timedelta(minutes=25), decided_at=decided
        )
        review.refresh_from_db()
        reviews.review_plan_save(
            review=review,
            membership=review.workspace.memberships.get(user=author),
            changes={"check_on": workspace.today()},
        )
        made += 1
    wary = clients.get("Grupo Vértice")
    if wary is not None:
        review = reviews.review_start(client=wary, author=author)
        reviews.review_answer(
            review=review, user=author, step=2, go_to=3, answers={"enjoy": 2, "dread": 4}
        )
        made += 1
    return made
