# The review's tables were created by the assessments app (assessments.0003_reviews) and keep
# their names: this migration only tells Django that the reviews app owns them now, and moves
# the content types with them. No row is copied or lost.

import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    """The models' content types (and so their permissions) move to the reviews app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("review", "followup"):
        moved = ContentType.objects.filter(app_label="reviews", model=model).exists()
        old = ContentType.objects.filter(app_label="assessments", model=model)
        if moved:
            old.delete()
        else:
            old.update(app_label="reviews")


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="reviews", model__in=("review", "followup")).update(
        app_label="assessments"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_membership_follow_up_emails'),
        ('assessments', '0004_reviews_move_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('portfolio', '0003_health_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Review',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('status', models.CharField(choices=[('in_progress', 'In progress'), ('decided', 'Decided, plan under way'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='in_progress', max_length=12)),
                        ('step', models.PositiveSmallIntegerField(default=1)),
                        ('facts', models.JSONField(default=dict)),
                        ('answers', models.JSONField(default=dict)),
                        ('decision', models.CharField(blank=True, max_length=16)),
                        ('recommendation', models.JSONField(default=dict)),
                        ('plan', models.JSONField(default=dict)),
                        ('started_at', models.DateTimeField(auto_now_add=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='portfolio.client')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.workspace')),
                    ],
                    options={
                        'verbose_name': 'review',
                        'verbose_name_plural': 'reviews',
                        'db_table': 'assessments_review',
                    },
                ),
                migrations.CreateModel(
                    name='FollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('feeling', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='how you feel now')),
                        ('right_call', models.CharField(blank=True, max_length=8, verbose_name='was it the right call?')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('answered_at', models.DateTimeField(blank=True, null=True)),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.workspace')),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='reviews.review')),
                    ],
                    options={
                        'verbose_name': 'follow-up',
                        'verbose_name_plural': 'follow-ups',
                        'db_table': 'assessments_followup',
                    },
                ),
                migrations.AddIndex(
                    model_name='review',
                    index=models.Index(fields=['client', '-started_at'], name='review_client_idx'),
                ),
                migrations.AddConstraint(
                    model_name='review',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'in_progress')), fields=('client',), name='review_one_in_progress_per_client'),
                ),
                migrations.AddConstraint(
                    model_name='review',
                    constraint=models.CheckConstraint(condition=models.Q(('step__gte', 1), ('step__lte', 6)), name='review_step_1_to_6'),
                ),
                migrations.AddIndex(
                    model_name='followup',
                    index=models.Index(fields=['workspace', 'due_on'], name='follow_up_due_idx'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
