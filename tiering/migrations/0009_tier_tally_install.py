"""The tier tally installed (tiering.tally): its triggers and first count, in a migration after the
table's own, whose unique key (the upserts' arbiter) Django creates at its end."""

from django.db import migrations


def install(apps, schema_editor):
    from tiering import tally

    with schema_editor.connection.cursor() as cursor:
        for sql in [tally.read_model_sql(), *tally.rebuild_sql()]:
            cursor.execute(sql)


def uninstall(apps, schema_editor):
    from tiering import tally

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(tally.read_model_drop_sql())



class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0008_tier_tally'),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
