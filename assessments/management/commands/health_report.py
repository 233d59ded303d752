from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Language, Workspace
from assessments.models import Band, Confidence, Suggestion
from assessments.report import ClientHealth, alerts_holding_on, client_json, portfolio_health

LANGUAGES = {"en": "en", "pt-br": "pt-br", "pt_br": "pt-br", "es": "es"}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Print the health of every client not ended and not in the trash, worst score first, "
        "as JSON or as a table; evidence and reasons in the chosen language."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, metavar="SLUG")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="Default: today.")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument(
            "--language",
            metavar="CODE",
            help="en, pt-BR or es. Default: the workspace's language.",
        )

    def handle(self, *args, **options) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace has the address {options['workspace']!r}.")
        as_of = _date(options["as_of"]) if options["as_of"] else workspace.today()
        language = workspace.language
        if options["language"]:
            language = LANGUAGES.get(options["language"].lower())
            if language is None:
                choices = ", ".join(("en", "pt-BR", "es"))
                raise CommandError(f"--language must be one of {choices}.")
        with translation.override(language or Language.ENGLISH):
            rows = portfolio_health(workspace=workspace, as_of=as_of)
            alerts = alerts_holding_on(workspace=workspace, as_of=as_of, rows=rows)
            clients = [client_json(row, alerts.get(row.client.pk, [])) for row in rows]
            if options["format"] == "json":
                report = {
                    "workspace": workspace.slug,
                    "as_of": as_of.isoformat(),
                    "clients": clients,
                }
                self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            else:
                self._table(rows, clients)

    def _table(self, rows: list[ClientHealth], clients: list[dict]) -> None:
        """For people: labels in the report's language, the weakest dimension's evidence."""
        width = max([len(row.client.name) for row in rows] + [len(_("Client"))])
        headings = (_("Score"), _("Band"), _("Confidence"), _("Trend"), _("Suggestion"))
        self.stdout.write(f"{_('Client'):<{width}}  " + "  ".join(headings))
        for row, data in zip(rows, clients, strict=True):
            trend = "" if data["trend_30d"] is None else f"{data['trend_30d']:+d}"
            self.stdout.write(
                f"{row.client.name:<{width}}  {data['score']:>{len(headings[0])}}  "
                f"{Band(data['band']).label:<{len(headings[1])}}  "
                f"{Confidence(data['confidence']).label:<{len(headings[2])}}  "
                f"{trend:>{len(headings[3])}}  {Suggestion(data['suggestion']).label}"
            )
            weakest = row.health.weakest
            if weakest:
                for line in data["dimensions"][weakest]["evidence"]:
                    self.stdout.write(f"{'':<{width}}  · {line}")
            for alert in data["open_alerts"]:
                self.stdout.write(f"{'':<{width}}  ! {alert['message']}")
            self.stdout.write(f"{'':<{width}}  → {data['suggestion_reason']}")
