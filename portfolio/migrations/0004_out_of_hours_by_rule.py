import zoneinfo

from django.db import migrations, models

# The rule as it was when this migration was written (portfolio.rules.is_out_of_hours).
OWN_WORK_KINDS = {"work_session", "deliverable"}


def _out_of_hours(workspace, tz, occurred_at, date_only, kind) -> bool:
    if date_only or kind in OWN_WORK_KINDS:
        return False
    local = occurred_at.astimezone(tz)
    if local.isoweekday() not in workspace.working_days:
        return True
    return not (workspace.work_starts_at <= local.time() < workspace.work_ends_at)


def mark_flags_the_rule_set(apps, schema_editor):
    """Existing entries: a flag that agrees with the working hours is taken as the rule's (it
    was set, or left unset, automatically); one that disagrees was a person's choice."""
    Workspace = apps.get_model("accounts", "Workspace")
    Interaction = apps.get_model("portfolio", "Interaction")
    for workspace in Workspace.objects.all():
        tz = zoneinfo.ZoneInfo(workspace.time_zone)
        by_rule = [
            pk
            for pk, occurred_at, date_only, kind, flag in Interaction.objects.filter(
                workspace=workspace
            )
            .values_list("pk", "occurred_at", "date_only", "kind", "flag_out_of_hours")
            .iterator(chunk_size=2000)
            if flag == _out_of_hours(workspace, tz, occurred_at, date_only, kind)
        ]
        for start in range(0, len(by_rule), 2000):
            Interaction.objects.filter(pk__in=by_rule[start : start + 2000]).update(
                out_of_hours_by_rule=True
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_membership_follow_up_emails"),
        ("portfolio", "0003_health_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="interaction",
            name="out_of_hours_by_rule",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_flags_the_rule_set, migrations.RunPython.noop),
    ]
