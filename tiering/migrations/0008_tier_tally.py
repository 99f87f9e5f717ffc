"""The admin dashboard's tier counts kept by the database (issue 19, tiering.tally): the table, the
triggers on account tiers and accounts, and the first count."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0014_db_defaults_for_raw_inserts'),
        ('tiering', '0007_cadence_read_model'),
    ]

    operations = [
        migrations.CreateModel(
            name='TierTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=10)),
                ('tier_id', models.BigIntegerField()),
                ('accounts', models.BigIntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'tier_id'), name='tier_tally_key')],
            },
        ),
    ]
