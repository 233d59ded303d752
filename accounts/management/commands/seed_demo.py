from __future__ import annotations

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_MEMBERS, DEMO_OWNER, DEMO_PASSWORD, DEMO_SLUG
from accounts.models import Workspace
from accounts.services import workspace_provision


class Command(BaseCommand):
    help = "Load the demo agency workspace (idempotent: an existing demo is left as it is)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
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
        for membership in workspace.memberships.select_related("user"):
            if not membership.user.name and membership.user.email in names:
                membership.user.name = names[membership.user.email]
                membership.user.save(update_fields=["name"])
        state = "already there" if existed else "created"
        self.stdout.write(self.style.SUCCESS(f"Demo workspace {workspace.name} {state}."))
        self.stdout.write(
            f"Demo login: {DEMO_OWNER[0]} / {DEMO_PASSWORD}"
            "  (also bruno@… and carla@…, same password)"
        )
