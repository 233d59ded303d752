from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Membership, Role, User, Workspace
from portfolio.models import Client, Interaction, InteractionKind, Invoice

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Role.MEMBER


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Client {n}")
    company = factory.Faker("company")


class InteractionFactory(factory.django.DjangoModelFactory):
    """An entry written directly (no out-of-hours rule): use services.interaction_log to test it."""

    class Meta:
        model = Interaction

    client = factory.SubFactory(ClientFactory)
    workspace = factory.SelfAttribute("client.workspace")
    kind = InteractionKind.MEETING
    minutes = 30
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    client = factory.SubFactory(ClientFactory)
    workspace = factory.SelfAttribute("client.workspace")
    number = factory.Sequence(lambda n: f"INV-{n:04d}")
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=40))
    due_on = factory.LazyAttribute(lambda o: o.issued_on + dt.timedelta(days=30))
    amount = Decimal("1000.00")
