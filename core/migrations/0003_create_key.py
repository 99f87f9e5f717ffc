from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outbox")]

    operations = [
        migrations.CreateModel(
            name="CreateKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=50, verbose_name="kind")),
                ("key", models.UUIDField(verbose_name="key")),
                ("object_id", models.BigIntegerField(null=True, verbose_name="object")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={"verbose_name": "create key"},
        ),
        migrations.AddConstraint(
            model_name="createkey",
            constraint=models.UniqueConstraint(fields=("kind", "key"), name="core_create_key_once"),
        ),
    ]
