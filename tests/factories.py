from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Membership, Role, User, Workspace
from portfolio.contacts import last_contacts_refresh
from portfolio.models import (
    Client,
    ImportBatch,
    ImportChange,
    ImportFile,
    ImportSource,
    ImportStatus,
    ImportUpload,
    Interaction,
    InteractionKind,
    Invoice,
)

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
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    workspace = factory.SelfAttribute("client.workspace")
    kind = InteractionKind.MEETING
    minutes = 30
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))

    @factory.post_generation
    def last_contact(entry, create, extracted, **kwargs):
        """Its client's last contact kept, as every writer of entries keeps it."""
        if create:
            last_contacts_refresh(clients=Client.objects.filter(pk=entry.client_id))


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    client = factory.SubFactory(ClientFactory)
    workspace = factory.SelfAttribute("client.workspace")
    number = factory.Sequence(lambda n: f"INV-{n:04d}")
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=40))
    due_on = factory.LazyAttribute(lambda o: o.issued_on + dt.timedelta(days=30))
    amount = Decimal("1000.00")


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """A finished import, as the list of past imports shows it; `status=ImportStatus.RUNNING`
    (and no `finished_at`) for one the status page is still following."""

    class Meta:
        model = ImportBatch

    workspace = factory.SubFactory(WorkspaceFactory)
    source = ImportSource.TOGGL
    filenames = "toggl.csv"
    created_by = factory.SubFactory(UserFactory)
    status = ImportStatus.DONE
    summary = factory.Dict({"interaction": {"created": 1}})
    progress_total = 1
    progress_done = factory.LazyAttribute(
        lambda o: o.progress_total if o.status == ImportStatus.DONE else 0
    )
    finished_at = factory.LazyAttribute(
        lambda o: None if o.status == ImportStatus.RUNNING else timezone.now()
    )


class ImportChangeFactory(factory.django.DjangoModelFactory):
    """What a batch did to one row: give `record` (a Client, Interaction or Invoice of the
    batch's workspace); by default an interaction the batch created."""

    class Meta:
        model = ImportChange
        exclude = ("record",)

    batch = factory.SubFactory(ImportBatchFactory)
    record = factory.SubFactory(
        InteractionFactory, client__workspace=factory.SelfAttribute("...batch.workspace")
    )
    target = factory.LazyAttribute(lambda o: type(o.record).__name__.lower())
    object_id = factory.LazyAttribute(lambda o: o.record.pk)
    action = ImportChange.Action.CREATED
    before = None
    version = factory.LazyAttribute(lambda o: o.record.version)  # as the import left it


class ImportUploadFactory(factory.django.DjangoModelFactory):
    """Files waiting for their confirmation, stored as the upload forms store them: `files`
    maps a role to `(name, bytes)`; by default the tracker export `filename` with `content`."""

    class Meta:
        model = ImportUpload

    class Params:
        filename = "toggl.csv"
        content = b""

    workspace = factory.SubFactory(WorkspaceFactory)
    created_by = factory.SubFactory(UserFactory)
    kind = "tracker"
    files = factory.LazyAttribute(lambda o: {"tracker": (o.filename, o.content)})

    @classmethod
    def _create(cls, model_class, *args, files=None, **kwargs):
        upload = super()._create(model_class, *args, **kwargs)
        for role, (name, content) in (files or {}).items():
            stored = ImportFile(upload=upload, role=role, name=name, size=len(content))
            stored.file.save(name, ContentFile(content), save=False)
            stored.save()
        return upload
