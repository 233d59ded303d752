# The Review and FollowUp models moved to the reviews app. Only Django's picture of the models
# changes here: the tables stay, with their rows, and reviews.0001_initial takes them over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_reviews")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="FollowUp"),
                migrations.DeleteModel(name="Review"),
            ],
            database_operations=[],
        ),
    ]
