"""A first copy of every record that existed before the trail, labelled "baseline": the first
change recorded of such a record can then say what it was before. Baselines are never shown as
changes themselves."""

from django.db import migrations

BATCH = 1000
# event model -> tracked model (app label, name)
TRACKED = {
    "ClientEvent": ("portfolio", "Client"),
    "InteractionEvent": ("portfolio", "Interaction"),
    "InvoiceEvent": ("portfolio", "Invoice"),
    "MembershipEvent": ("accounts", "Membership"),
    "BoundaryEvent": ("assessments", "Boundary"),
    "ScoringSettingsEvent": ("assessments", "ScoringSettings"),
    "ReviewEvent": ("reviews", "Review"),
}


def baseline(apps, schema_editor):
    for event_name, (app_label, model_name) in TRACKED.items():
        Event = apps.get_model("audit", event_name)
        Tracked = apps.get_model(app_label, model_name)
        columns = [f.attname for f in Event._meta.concrete_fields if not f.name.startswith("pgh_")]
        rows = Tracked._base_manager.values("pk", *columns).order_by("pk")
        batch = []
        for row in rows.iterator(chunk_size=BATCH):
            pk = row.pop("pk")
            batch.append(Event(pgh_label="baseline", pgh_obj_id=pk, **row))
            if len(batch) == BATCH:
                Event.objects.bulk_create(batch)
                batch = []
        Event.objects.bulk_create(batch)


def baseline_remove(apps, schema_editor):
    for event_name in TRACKED:
        apps.get_model("audit", event_name).objects.filter(pgh_label="baseline").delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(baseline, baseline_remove)]
