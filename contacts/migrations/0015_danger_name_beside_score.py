"""The danger map for an admin ranked from one index (issue 19): each account's name beside its
score, every account given its row at creation and its name kept on a rename (triggers on accounts,
contacts.dangers.read_model_sql installed again), the names filled by a rebuild."""

from django.db import migrations, models


def install(apps, schema_editor):
    from contacts import dangers

    with schema_editor.connection.cursor() as cursor:
        for sql in [dangers.read_model_sql(), *dangers.rebuild_sql()]:
            cursor.execute(sql)


def uninstall(apps, schema_editor):
    # The functions written here write the name: dropped with it (migrate forward again to keep scores).
    from contacts import dangers

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(dangers.read_model_drop_sql())


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0014_search_mobile_by_its_ends'),
    ]

    operations = [
        migrations.AddField(
            model_name='dangerscore',
            name='name',
            field=models.CharField(default='', max_length=200),
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name='dangerscore',
            index=models.Index(fields=['-score', 'name', 'account'], name='danger_rank_idx'),
        ),
    ]
