from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workspace
from portfolio.interchange import export_files


class Command(BaseCommand):
    help = (
        "Export a workspace as clients.csv, interactions.csv and invoices.csv (the interchange "
        "format) into a directory, everything not in the trash."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, metavar="SLUG")
        parser.add_argument("--out", required=True, type=Path, metavar="DIR")

    def handle(self, *args, **options) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace has the address {options['workspace']!r}.")
        out: Path = options["out"]
        try:
            out.mkdir(parents=True, exist_ok=True)
            for name, content in export_files(workspace=workspace).items():
                (out / name).write_bytes(content)
                self.stdout.write(str(out / name))
        except OSError as error:
            raise CommandError(f"Cannot write to {out}: {error.strerror}.") from None
