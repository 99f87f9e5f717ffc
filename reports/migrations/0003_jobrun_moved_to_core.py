from django.db import migrations


def content_type_follows(apps, schema_editor):
    # Permissions and admin history of job runs point at the content type; it moves with the model.
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="jobrun").exists():
        ContentType.objects.filter(app_label="reports", model="jobrun").update(app_label="core")


class Migration(migrations.Migration):
    """JobRun is core's now (core/migrations/0001); the table reports_jobrun stays."""

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("reports", "0002_targets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="JobRun")],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, migrations.RunPython.noop),
    ]
