from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from assessments.digests import digests_send
from assessments.reviews.notify import follow_ups_send
from assessments.services import clients_rescore, workspace_today


class Command(BaseCommand):
    help = (
        "The nightly pass: today's health snapshot of every client, alerts opened and resolved, "
        "the weekly digests and the follow-up reminders due. Safe to run twice: it replaces "
        "today's snapshots, never duplicates an alert and sends each email once."
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
        for workspace in workspaces.iterator():
            scored = clients_rescore(workspace=workspace)
            sent = reminders = 0
            if not options["no_digests"]:
                today = workspace_today(workspace)
                sent = digests_send(workspace=workspace, today=today)
                reminders = follow_ups_send(workspace=workspace, today=today)
            self.stdout.write(
                f"{workspace.slug}: {len(scored)} clients scored, {sent} digests and "
                f"{reminders} follow-up reminders sent"
            )
