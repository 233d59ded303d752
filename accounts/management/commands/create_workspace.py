from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Currency, Role
from accounts.services import workspace_provision


def member_spec(value: str) -> tuple[str, str]:
    email, sep, role = value.rpartition(":")
    if not sep or not email or role not in Role.values:
        raise ValueError(value)
    return email, role


class Command(BaseCommand):
    help = (
        "Create a workspace with its owner and members, for scripted set-ups. A re-run adds what "
        "is missing and changes nothing else."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The workspace address, as in /w/<slug>/.")
        parser.add_argument("--owner", required=True, metavar="EMAIL")
        parser.add_argument("--password", help="Password for users this command creates.")
        parser.add_argument("--name", default="", help="Display name (default: from the slug).")
        parser.add_argument("--currency", default=Currency.EUR, choices=Currency.values)
        parser.add_argument("--target-rate", default=None, metavar="AMOUNT")
        parser.add_argument("--timezone", default="UTC", metavar="ZONE")
        parser.add_argument(
            "--member",
            action="extend",
            nargs="+",
            default=[],
            metavar="EMAIL:ROLE",
            help=f"Add a member; may repeat. Roles: {', '.join(Role.values)}.",
        )

    def handle(self, *args, **options) -> None:
        try:
            members = [member_spec(value) for value in options["member"]]
        except ValueError as error:
            raise CommandError(
                f"--member takes EMAIL:ROLE with a role among {', '.join(Role.values)}; "
                f"got {error.args[0]!r}."
            ) from None
        target_rate = None
        if options["target_rate"] not in (None, ""):
            try:
                target_rate = Decimal(options["target_rate"])
            except InvalidOperation:
                raise CommandError("--target-rate must be a number, such as 50 or 62.50.") from None
        try:
            workspace, changes = workspace_provision(
                slug=options["slug"],
                owner_email=options["owner"],
                name=options["name"],
                password=options["password"],
                currency=options["currency"],
                target_hourly_rate=target_rate,
                time_zone=options["timezone"],
                members=members,
            )
        except ValidationError as error:
            raise CommandError(_describe(error)) from None
        for change in changes:
            self.stdout.write(f"  {change}")
        verb = "Created" if any(c.startswith("created workspace") for c in changes) else "Updated"
        if not changes:
            verb = "Nothing to change in"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} workspace {workspace.slug} (/w/{workspace.slug}/).")
        )


def _describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
