# The "open tender" checkbox gives way to opportunities in a tender stage (issue 22, K-32).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_check_in'),
        # Its ticked boxes became opportunities first (K-32).
        ('opportunities', '0002_default_stages_and_tenders'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='account',
            name='has_open_tender',
        ),
        migrations.RemoveField(
            model_name='historicalaccount',
            name='has_open_tender',
        ),
    ]
