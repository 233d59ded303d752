from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts.models import Membership, Workspace
from portfolio.interchange import import_apply, import_plan


class Command(BaseCommand):
    help = (
        "Import clients.csv, interactions.csv and invoices.csv (the interchange format) into a "
        "workspace, as its first owner. Prints what would change and every error; writes "
        "nothing unless every file is valid. Exit status 1 on any error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, metavar="SLUG")
        parser.add_argument("--clients", type=Path, metavar="F")
        parser.add_argument("--interactions", type=Path, metavar="F")
        parser.add_argument("--invoices", type=Path, metavar="F")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, but write nothing."
        )

    def handle(self, *args, **options) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace has the address {options['workspace']!r}.")
        owner = (
            Membership.objects.for_workspace(workspace)
            .owners()
            .select_related("user")
            .order_by("created_at", "pk")
            .first()
        )
        if owner is None:
            raise CommandError(f"The workspace {workspace.slug!r} has no owner to import as.")
        paths = {role: options[role] for role in ("clients", "interactions", "invoices")}
        paths = {role: path for role, path in paths.items() if path is not None}
        if not paths:
            raise CommandError("Give at least one of --clients, --interactions, --invoices.")
        files = {}
        for role, path in paths.items():
            try:
                files[role] = path.read_bytes()
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        plan = import_plan(
            workspace=workspace,
            user=owner.user,
            files=files,
            filenames={role: str(path) for role, path in paths.items()},
        )
        for line in plan.report():
            self.stdout.write(line)
        if not plan.is_valid:
            raise CommandError(_("Nothing was imported."))
        if not plan.total:
            return  # the report said there is nothing to import: no empty batch to undo
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        batch = import_apply(plan=plan)
        done = ", ".join(str(line) for line in batch.summary_lines) or _("nothing new")
        self.stdout.write(self.style.SUCCESS(_("Import done: %(summary)s.") % {"summary": done}))
