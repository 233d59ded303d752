from decimal import Decimal

from django.db import migrations

# The defaults as they were when this migration was written (assessments.boundaries.DEFAULTS).
DEFAULTS = {
    "rate_below_target": (Decimal("60"), None, "warning"),
    "unbilled_share": (Decimal("40"), None, "info"),
    "late_invoices": (Decimal("2"), None, "warning"),
    "disrespect": (Decimal("1"), 30, "critical"),
    "low_feeling": (Decimal("-0.5"), 5, "warning"),
    "out_of_hours": (Decimal("4"), 30, "warning"),
    "score_drop": (Decimal("15"), None, "warning"),
    "no_contact": (Decimal("30"), None, "info"),
}


def add_default_boundaries(apps, schema_editor):
    Workspace = apps.get_model("accounts", "Workspace")
    Boundary = apps.get_model("assessments", "Boundary")
    Boundary.objects.bulk_create(
        [
            Boundary(
                workspace=workspace, kind=kind, threshold=threshold, span=span, severity=severity
            )
            for workspace in Workspace.objects.all()
            for kind, (threshold, span, severity) in DEFAULTS.items()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(add_default_boundaries, migrations.RunPython.noop)]
