"""Emails a review sends: the hand-over told to both people, and the follow-ups that are due.
Each goes out through the task queue once the transaction commits, in its reader's language."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User, Workspace
from assessments.tasks import send_email

from .messages import handover_note, handover_subject
from .models import FollowUp


def _language(user: User, workspace: Workspace) -> str:
    return user.language or workspace.language or settings.LANGUAGE_CODE


def hand_over_told(*, review, previous: User | None, to: User) -> None:
    """Tell the new owner and the previous one (when someone else) about a hand-over."""
    workspace = review.client.workspace
    from_name = review.author.display_name if review.author else ""
    people = [to] + ([previous] if previous and previous.pk != to.pk else [])
    for person in people:
        language = _language(person, workspace)
        subject = handover_subject(
            client_name=review.client.name, to_name=to.display_name, language=language
        )
        body = handover_note(
            client_name=review.client.name,
            from_name=from_name,
            to_name=to.display_name,
            language=language,
        )
        if review.plan.get("notes"):
            body += "\n\n" + review.plan["notes"]
        transaction.on_commit(
            lambda email=person.email, s=subject, b=body: send_email.enqueue(
                to=email, subject=s, body=b
            )
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
        with translation.override(_language(author, workspace)):
            subject = _("How do you feel about your decision on %(client)s?") % {
                "client": follow_up.review.client.name
            }
            body = _(
                "Two weeks ago you decided what to do about %(client)s. How do you feel now — "
                "was it the right call? Two questions, a minute:\n\n%(link)s\n\nYour answers "
                "stay with the review, so that over time you can see how your decisions turned "
                "out."
            ) % {"client": follow_up.review.client.name, "link": link}
        FollowUp.objects.filter(pk=follow_up.pk).update(emailed_at=timezone.now())
        send_email.enqueue(to=author.email, subject=subject, body=body)
        sent += 1
    return sent
