"""The nightly pass over every workspace (home.nightly), run here one workspace after another,
or queued for the workers with --queue (as the scheduler does)."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from home.nightly import queue_every_workspace, workspace_pass

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
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue one task per workspace for the workers instead of running here.",
        )

    def handle(self, *args, **options) -> None:
        if options["queue"]:
            if options["workspace"]:
                raise CommandError("--queue runs every workspace; leave out --workspace.")
            queued = queue_every_workspace(emails=not options["no_digests"])
            self.stdout.write(f"The nightly pass of {queued} workspace(s) is queued.")
            return
        workspaces = Workspace.objects.order_by("pk")
        if options["workspace"]:
            workspaces = workspaces.filter(slug=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"No workspace has the address {options['workspace']!r}.")
        failed = []
        for workspace in workspaces.iterator():
            try:
                line = workspace_pass(workspace, emails=not options["no_digests"])
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
