import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def last_entries(apps, schema_editor):
    """Every client's latest entry, as portfolio.contacts keeps it from now on."""
    Client = apps.get_model("portfolio", "Client")
    Interaction = apps.get_model("portfolio", "Interaction")
    ClientActivity = apps.get_model("portfolio", "ClientActivity")
    latest = Subquery(
        Interaction.objects.filter(client=OuterRef("pk"), deleted_at__isnull=True)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    rows = Client.objects.annotate(last=latest).values_list("pk", "last").iterator(2000)
    batch = []
    for pk, last in rows:
        batch.append(ClientActivity(client_id=pk, last_entry_at=last))
        if len(batch) == 2000:
            ClientActivity.objects.bulk_create(batch)
            batch = []
    ClientActivity.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0016_interaction_last_with_a_client"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientActivity",
            fields=[
                (
                    "client",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="activity",
                        serialize=False,
                        to="portfolio.client",
                    ),
                ),
                ("last_entry_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(last_entries, migrations.RunPython.noop, elidable=True),
    ]
