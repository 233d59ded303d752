from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_MEMBERS, DEMO_OWNER, DEMO_PASSWORD, DEMO_SLUG
from accounts.models import User, Workspace
from accounts.services import workspace_provision
from portfolio.demo import demo_history_load


class Command(BaseCommand):
    help = (
        "Load the demo agency workspace: three people, 29 clients in every kind of situation and "
        "six months of history. Idempotent: an existing demo is left as it is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load it with DEBUG off too (its password is public: never in production).",
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                "The demo's accounts share a password anyone can read in the README: it loads "
                "only with DEBUG on (as `make run` does), or with --force."
            )
        existed = Workspace.objects.filter(slug=DEMO_SLUG).exists()
        workspace, _changes = workspace_provision(
            slug=DEMO_SLUG,
            owner_email=DEMO_OWNER[0],
            name="Aurora Studio",
            password=DEMO_PASSWORD,
            currency="EUR",
            target_hourly_rate=Decimal("60.00"),
            time_zone="Europe/Lisbon",
            members=[(email, role) for email, role, _name in DEMO_MEMBERS],
        )
        names = dict([DEMO_OWNER]) | {email: name for email, _r, name in DEMO_MEMBERS}
        people = []
        for email in names:
            user = User.objects.get(email=email)
            if not user.name:
                user.name = names[email]
                user.save(update_fields=["name"])
            people.append(user)
        clients = demo_history_load(workspace=workspace, people=people)
        state = "already there" if existed and not clients else "created"
        self.stdout.write(self.style.SUCCESS(f"Demo workspace {workspace.name} {state}."))
        self.stdout.write(
            f"Demo login: {DEMO_OWNER[0]} / {DEMO_PASSWORD}"
            "  (also bruno@… and carla@…, same password)"
        )
