"""The pipeline's read model installed (opportunities.facts): its triggers and first build, in a
migration after the tables' own, whose unique keys (the upserts' arbiters) Django creates at its end."""

from django.db import migrations


def install(apps, schema_editor):
    from opportunities import facts

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(facts.read_model_sql())
        for fact in facts.FACTS:
            for sql in facts.rebuild_sql(fact):
                cursor.execute(sql)


def uninstall(apps, schema_editor):
    from opportunities import facts

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(facts.read_model_drop_sql())



class Migration(migrations.Migration):

    dependencies = [
        ('opportunities', '0006_pipeline_facts'),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
