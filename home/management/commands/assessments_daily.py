"""The nightly pass over every workspace. It lives above the apps it runs (assessments, then
reviews): each app does its own part through its services."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from assessments.digests import digests_send
from assessments.services import clients_rescore
from reviews.notify import follow_ups_send

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "The nightly pass: today's health snapshot of every client, alerts opened and resolved, "
        "the weekly digests and the follow-up reminders due. Safe to run twice: it replaces "
        "today's snapshots, never duplicates an alert and sends each email once. A workspace "
        "that fails is reported and the others still run; the exit status is then 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", metavar="SLUG", help="Only this workspace.")
        parser.add_argument(
            "--no-digests", action="store_true", help="Send no emails (digests, follow-ups)."
        )

    def handle(self, *args, **options) -> None:
        workspaces = Workspace.objects.order_by("pk")
        if options["workspace"]:
            workspaces = workspaces.filter(slug=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"No workspace has the address {options['workspace']!r}.")
        failed = []
        for workspace in workspaces.iterator():
            try:
                line = self._run(workspace, emails=not options["no_digests"])
            except Exception as error:
                logger.exception("The nightly pass failed for workspace %s", workspace.slug)
                failed.append(workspace.slug)
                self.stderr.write(f"{workspace.slug}: failed ({type(error).__name__}: {error})")
            else:
                self.stdout.write(line)
        if failed:
            raise CommandError(
                f"The nightly pass failed for {len(failed)} workspace(s): {', '.join(failed)}."
            )

    def _run(self, workspace: Workspace, *, emails: bool) -> str:
        scored = clients_rescore(workspace=workspace)
        sent = reminders = 0
        if emails:
            today = workspace.today()
            sent = digests_send(workspace=workspace, today=today)
            reminders = follow_ups_send(workspace=workspace, today=today)
        return (
            f"{workspace.slug}: {len(scored)} clients scored, {sent} digests and "
            f"{reminders} follow-up reminders sent"
        )
