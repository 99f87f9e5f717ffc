"""The read model of cadence (issue 19): CadenceTouches, the triggers on visits and contacts that
keep it, and its first build from the data already there (tiering.cadence)."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from tiering import cadence

    # Without parameters: the SQL is run as it is (no placeholders to fill).
    with schema_editor.connection.cursor() as cursor:
        for sql in [cadence.read_model_sql(), *cadence.rebuild_sql()]:
            cursor.execute(sql)


def uninstall(apps, schema_editor):
    from tiering import cadence

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(cadence.read_model_drop_sql())


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0014_db_defaults_for_raw_inserts'),
        ('tiering', '0006_rule_in_tender'),
        ('visits', '0016_department_constraints'),
        ('contacts', '0012_touch_sweep_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='CadenceTouches',
            fields=[
                ('account', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='accounts.account')),
                ('kept', models.PositiveSmallIntegerField()),
                ('silent', models.BooleanField()),
                ('times_on_site', django.contrib.postgres.fields.ArrayField(base_field=models.DateTimeField(), size=None)),
                ('times_online', django.contrib.postgres.fields.ArrayField(base_field=models.DateTimeField(), size=None)),
                ('times_email_sms', django.contrib.postgres.fields.ArrayField(base_field=models.DateTimeField(), size=None)),
                ('times_any', django.contrib.postgres.fields.ArrayField(base_field=models.DateTimeField(), size=None)),
            ],
            options={
                'verbose_name': 'cadence touches',
                'verbose_name_plural': 'cadence touches',
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
