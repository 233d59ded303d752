# Uploaded import files move out of the database (base64 in a JSON column) into the default
# storage, one ImportFile per file. Uploads waiting for their preview are moved, not lost.

import base64
import uuid

import django.db.models.deletion
from django.core.files.base import ContentFile
from django.db import migrations, models

import portfolio.models


def files_to_storage(apps, schema_editor):
    ImportUpload = apps.get_model("portfolio", "ImportUpload")
    ImportFile = apps.get_model("portfolio", "ImportFile")
    for upload in ImportUpload.objects.iterator():
        for role, stored in (upload.files or {}).items():
            data = base64.b64decode(stored.get("data") or stored.get("content") or "")
            row = ImportFile(upload=upload, role=role, name=stored.get("name", "")[:255], size=len(data))
            row.file.save(
                f"imports/{upload.workspace_id}/{uuid.uuid4().hex}.csv", ContentFile(data), save=False
            )
            row.save()


class Migration(migrations.Migration):

    dependencies = [
        ('portfolio', '0009_client_text_limits'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(max_length=12)),
                ('name', models.CharField(max_length=255)),
                ('file', models.FileField(max_length=200, upload_to=portfolio.models._import_file_path)),
                ('size', models.PositiveBigIntegerField()),
                ('upload', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stored', to='portfolio.importupload')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('upload', 'role'), name='import_file_one_per_role', violation_error_message='This upload has a file of this kind already.')],
            },
        ),
        migrations.RunPython(files_to_storage, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name='importupload',
            name='files',
        ),
    ]
