"""A deleted workspace takes its history with it: the trail keeps no customer data after the
customer asked for it to go."""

from __future__ import annotations

from django.db.models.signals import post_delete

from accounts.models import Workspace

from .models import EVENT_MODELS


def workspace_deleted(sender, instance: Workspace, **kwargs) -> None:
    # Sent once its clients, entries and members are gone, so their own last events (written
    # as they went) go too.
    for model in EVENT_MODELS:
        model.objects.filter(workspace_id=instance.pk).delete()


def connect() -> None:
    post_delete.connect(workspace_deleted, sender=Workspace, dispatch_uid="audit_workspace_deleted")
