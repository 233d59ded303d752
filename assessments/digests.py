"""The optional weekly email digest: what needs attention in a workspace, once a week per
member who asked for it, in that member's language."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership, Workspace

from .models import AT_RISK_BANDS, DigestSent
from .selectors import alerts_showing, portfolio_rows

logger = logging.getLogger(__name__)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _claim(membership: Membership, week: dt.date) -> DigestSent | None:
    try:
        with transaction.atomic():
            return DigestSent.objects.create(membership=membership, week_start=week)
    except IntegrityError:  # already sent this week
        return None


def digests_send(*, workspace: Workspace, today: dt.date) -> int:
    """Send this week's digest to every member who opted in and has not had it yet."""
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
    sent = 0
    for membership in members:
        claim = _claim(membership, week)
        if claim is None:
            continue
        context = {
            "workspace": workspace,
            "user": membership.user,
            "alerts": alerts,
            "troubled": troubled,
            "link": link,
            "week": week,
        }
        with translation.override(membership.user.language or workspace.language):
            subject = render_to_string("assessments/email/digest_subject.txt", context).strip()
            body = render_to_string("assessments/email/digest_body.txt", context)
        try:
            send_mail(subject, body, None, [membership.user.email])
        except Exception:
            claim.delete()  # try again on the next pass
            logger.exception("The weekly digest to %s failed", membership.user.email)
            continue
        sent += 1
    return sent
