# A rule's "open tender" now reads opportunities in a tender stage (issue 22, K-32); the rules keep their values.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tiering', '0005_evidence_and_reasons'),
        ('opportunities', '0001_initial'),  # the engine reads its tables
    ]

    operations = [
        migrations.RenameField(model_name='rule', old_name='open_tender', new_name='in_tender'),
        migrations.AlterField(
            model_name='rule',
            name='in_tender',
            field=models.BooleanField(blank=True, help_text='Yes: only accounts with an opportunity at a tender stage; No: only without; empty: either.', null=True, verbose_name='opportunity in a tender stage'),
        ),
    ]
