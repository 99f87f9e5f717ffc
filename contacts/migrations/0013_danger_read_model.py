"""The read model of the danger ranking (issue 19): DangerScore, the triggers on buyer roles and
contacts that keep it, and its first build (contacts.dangers)."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    # The triggers and the first build run the code's current SQL, which writes columns added later
    # (the name, 0015): on a database that had not come this far, 0015 installs and builds them.
    pass


def uninstall(apps, schema_editor):
    from contacts import dangers

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(dangers.read_model_drop_sql())


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0014_db_defaults_for_raw_inserts'),
        ('contacts', '0012_touch_sweep_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='DangerScore',
            fields=[
                ('account', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='danger', serialize=False, to='accounts.account')),
                ('score', models.PositiveSmallIntegerField()),
            ],
            options={
                'verbose_name': 'danger score',
                'verbose_name_plural': 'danger scores',
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
