"""Emails a review sends: the hand-over told to both people, and the follow-ups that are due.
Each goes out through accounts.emails once the transaction commits, in its reader's language."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.emails import email_send, reader_language
from accounts.models import Membership, User, Workspace

from .models import FollowUp


def hand_over_told(*, review, previous: User | None, to: User) -> None:
    """Tell the new owner and the previous one (when someone else) about a hand-over."""
    workspace = review.client.workspace
    context = {
        "client": review.client.name,
        "from_name": review.author.display_name if review.author else "",
        "to_name": to.display_name,
        "notes": review.plan.get("notes", ""),
    }
    people = [to] + ([previous] if previous and previous.pk != to.pk else [])
    for person in people:
        email_send(
            to=person.email,
            template="reviews/email/hand_over",
            context=context,
            language=reader_language(person, workspace),
        )


def follow_ups_send(*, workspace: Workspace, today) -> int:
    """Email each due, unanswered follow-up once, to its author if they asked for them."""
    due = (
        FollowUp.objects.filter(
            workspace=workspace, due_on__lte=today, answered_at__isnull=True, emailed_at=None
        )
        .select_related("review__client", "review__author")
        .order_by("due_on")
    )
    opted_in = set(
        Membership.objects.for_workspace(workspace)
        .filter(follow_up_emails=True)
        .values_list("user_id", flat=True)
    )
    sent = 0
    for follow_up in due:
        author = follow_up.review.author
        if author is None or author.pk not in opted_in or not author.is_active:
            continue
        link = settings.SITE_URL + reverse(
            "reviews:follow_up", kwargs={"ws": workspace.slug, "code": follow_up.code}
        )
        # Marked and sent together: the email leaves only once the mark is saved.
        with transaction.atomic():
            FollowUp.objects.filter(pk=follow_up.pk).update(emailed_at=timezone.now())
            email_send(
                to=author.email,
                template="reviews/email/follow_up",
                context={"client": follow_up.review.client.name, "link": link},
                language=reader_language(author, workspace),
            )
        sent += 1
    return sent
