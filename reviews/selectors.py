"""Reads of reviews that other pages share: the follow-ups and reviews waiting for a person,
a client's reviews in its history, and what of a review's answers and advice a reader may see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from accounts.models import Membership, User, Workspace
from portfolio.models import Client

from .models import FollowUp, Review, ReviewStatus
from .recommend import DATA, FROM_ANSWERS, Reason, Recommendation

# A client's history shows this many of its latest reviews.
CLIENT_REVIEWS = 10


def follow_ups_due(*, workspace: Workspace, user: User) -> list:
    """The user's own follow-ups whose day has come and that wait for an answer."""
    return list(
        FollowUp.objects.filter(
            workspace=workspace,
            review__author=user,
            answered_at__isnull=True,
            due_on__lte=workspace.today(),
            review__client__deleted_at__isnull=True,
        )
        .select_related("review__client")
        .order_by("due_on")
    )


def reviews_in_progress(*, workspace: Workspace, user: User) -> list:
    return list(
        Review.objects.for_workspace(workspace)
        .filter(author=user, status=ReviewStatus.IN_PROGRESS, client__deleted_at__isnull=True)
        .select_related("client")
        .order_by("-updated_at")
    )


def client_reviews(*, client: Client) -> list[Review]:
    """The client's reviews, newest first (not the cancelled ones): part of its history for the
    whole workspace (the private answers are not read here)."""
    return list(
        client.reviews.exclude(status=ReviewStatus.CANCELLED)
        .select_related("author")
        .order_by("-started_at")[:CLIENT_REVIEWS]
    )


def may_read_answers(review: Review, membership: Membership) -> bool:
    """Feelings are private: the person who gave them, and the workspace's owners."""
    return review.author_id == membership.user_id or membership.is_owner


@dataclass(frozen=True)
class VisibleAdvice:
    """A review's recommendation as one reader may see it."""

    decision: str
    reasons: tuple[Reason, ...]
    would_change: tuple[Reason, ...]
    # How many of each list were left out because they repeat the author's private answers
    # (a page says so where it lists them).
    withheld: int
    withheld_would_change: int


def _reason(data: Reason | Mapping) -> Reason:
    if isinstance(data, Reason):
        return data
    return Reason(
        data["code"],
        dict(data.get("params") or {}),
        data.get("points_to", ""),
        # A reason that does not say where it comes from is kept private.
        data.get("source", ""),
        data.get("weight", 0),
    )


def _shareable(reason: Reason) -> bool:
    """Drawn from the data alone. Reviews decided before every reason that repeats the
    answers was marked so stored a few of them as data: their codes say it."""
    return reason.source == DATA and reason.code not in FROM_ANSWERS


def visible_reasons(
    review: Review, membership: Membership, *, advice: Recommendation | None = None
) -> VisibleAdvice:
    """The advice of `review` (the one stored at its decision, or `advice` as computed now)
    with the reasons drawn from its answers left out for anyone but the author and the owners:
    they repeat the answers ("You often dread their messages"). The decision and the reasons
    drawn from the data are the whole workspace's."""
    if advice is not None:
        decision, reasons, would = advice.decision, advice.reasons, advice.would_change
    else:
        stored = review.recommendation or {}
        decision = stored.get("decision", "")
        reasons, would = stored.get("reasons") or (), stored.get("would_change") or ()
    reasons, would = tuple(map(_reason, reasons)), tuple(map(_reason, would))
    if may_read_answers(review, membership):
        return VisibleAdvice(decision, reasons, would, withheld=0, withheld_would_change=0)
    shown = tuple(r for r in reasons if _shareable(r))
    shown_would = tuple(r for r in would if _shareable(r))
    return VisibleAdvice(
        decision,
        shown,
        shown_would,
        withheld=len(reasons) - len(shown),
        withheld_would_change=len(would) - len(shown_would),
    )
