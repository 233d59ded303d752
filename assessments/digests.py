"""The optional weekly email digest: what needs attention in a workspace, once a week per
member who asked for it, in that member's language."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.emails import email_send, reader_language
from accounts.models import Membership, Workspace

from .explain import sentence
from .models import AT_RISK_BANDS, DigestSent
from .selectors import alerts_showing, portfolio_rows


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _claim(membership: Membership, week: dt.date) -> DigestSent | None:
    try:
        with transaction.atomic():
            return DigestSent.objects.create(membership=membership, week_start=week)
    except IntegrityError:  # already sent this week
        return None


def _worded(alerts: list, troubled: list, language: str) -> dict:
    """The digest's alerts and clients at risk as plain values, their labels and evidence
    written in `language`: the task stores its arguments as JSON and renders nothing itself."""
    with translation.override(language):
        return {
            "alerts": [
                {
                    "client": alert.client.name,
                    "kind": alert.boundary.kind,
                    "kind_label": alert.boundary.get_kind_display(),
                    "evidence": sentence(alert.evidence) if alert.evidence else "",
                }
                for alert in alerts
            ],
            "troubled": [
                {
                    "client": row.client.name,
                    "score": row.snapshot.score,
                    "band": row.snapshot.band,
                    "band_label": row.snapshot.get_band_display().lower(),
                    "trend_30d": row.snapshot.trend_30d,
                    "reason": (
                        sentence(row.snapshot.suggestion_reason)
                        if row.snapshot.suggestion_reason
                        else ""
                    ),
                }
                for row in troubled
            ],
        }


def digests_send(*, workspace: Workspace, today: dt.date) -> int:
    """Send this week's digest to every member who opted in and has not had it yet. The claim
    and the email commit together: a member is claimed once a week, and the email leaves
    (through the task queue) only if their claim was saved."""
    members = list(
        Membership.objects.for_workspace(workspace)
        .filter(weekly_digest=True, user__is_active=True)
        .select_related("user")
    )
    if not members:
        return 0
    week = week_start(today)
    rows = portfolio_rows(workspace=workspace)
    troubled = sorted(
        (row for row in rows if row.snapshot and row.snapshot.band in AT_RISK_BANDS),
        key=lambda row: row.snapshot.score,
    )
    alerts = alerts_showing(workspace=workspace)
    link = settings.SITE_URL + reverse("home:today", kwargs={"ws": workspace.slug})
    worded: dict[str, dict] = {}  # by language: most members share one
    sent = 0
    for membership in members:
        language = reader_language(membership.user, workspace)
        if language not in worded:
            worded[language] = _worded(alerts, troubled, language)
        with transaction.atomic():
            if _claim(membership, week) is None:
                continue
            email_send(
                to=membership.user.email,
                template="assessments/email/digest",
                context={
                    "workspace_name": workspace.name,
                    "name": membership.user.get_short_name(),
                    "link": link,
                    **worded[language],
                },
                language=language,
            )
        sent += 1
    return sent
