"""Reads of reviews that other pages share: the follow-ups and reviews waiting for a person,
and a client's reviews in its history."""

from __future__ import annotations

from accounts.models import User, Workspace
from portfolio.models import Client

from .models import FollowUp, Review, ReviewStatus

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
