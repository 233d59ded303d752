from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_OWNER, DEMO_SLUG
from accounts.models import User, Workspace
from reviews.demo import demo_reviews_load


class Command(BaseCommand):
    help = (
        "Add reviews to the demo workspace (run after seed_demo): one relationship ended well, "
        "one setting boundaries with its follow-up due, one review left half-way. Idempotent."
    )

    def handle(self, *args, **options) -> None:
        workspace = Workspace.objects.filter(slug=DEMO_SLUG).first()
        if workspace is None:
            raise CommandError("No demo workspace: run `manage.py seed_demo` first.")
        made = demo_reviews_load(workspace=workspace, author=User.objects.get(email=DEMO_OWNER[0]))
        self.stdout.write(
            f"Demo reviews: {made} created." if made else "Demo reviews: already there."
        )
