from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from assessments.digests import digests_send
from assessments.services import clients_rescore, workspace_today


class Command(BaseCommand):
    help = (
        "The nightly pass: today's health snapshot of every client, alerts opened and resolved, "
        "and the weekly digests due. Safe to run twice: it replaces today's snapshots, never "
        "duplicates an alert and sends each digest once a week."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", metavar="SLUG", help="Only this workspace.")
        parser.add_argument("--no-digests", action="store_true", help="Skip the emails.")

    def handle(self, *args, **options) -> None:
        workspaces = Workspace.objects.order_by("pk")
        if options["workspace"]:
            workspaces = workspaces.filter(slug=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"No workspace has the address {options['workspace']!r}.")
        for workspace in workspaces.iterator():
            scored = clients_rescore(workspace=workspace)
            sent = 0
            if not options["no_digests"]:
                sent = digests_send(workspace=workspace, today=workspace_today(workspace))
            self.stdout.write(
                f"{workspace.slug}: {len(scored)} clients scored, {sent} digests sent"
            )
