"""The pipeline's read model (issue 19, opportunities.facts): the cells of the forecast and the win
rates, the triggers on opportunities and account tiers that keep them, their first build from the
opportunities already there (set-based), and the index of the win rates' edge days."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('opportunities', '0005_board_cards_index'),
        ('tiering', '0007_cadence_read_model'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(condition=models.Q(('closed_on__isnull', False)), fields=['closed_on'], name='opportunity_closed_on_idx'),
        ),
        migrations.CreateModel(
            name='ForecastFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('opportunities', models.IntegerField()),
                ('amount', models.DecimalField(decimal_places=2, max_digits=20)),
                ('month', models.DateField(help_text='First day of the month of expected close.', null=True)),
                ('stage', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('stage', 'month', 'currency'), name='forecast_fact_key', nulls_distinct=False)],
            },
        ),
        migrations.CreateModel(
            name='ClosedFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('opportunities', models.IntegerField()),
                ('amount', models.DecimalField(decimal_places=2, max_digits=20)),
                ('month', models.DateField(help_text='First day of the month of closing.')),
                ('owner', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('stage', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('month', 'stage', 'owner', 'currency'), name='closed_fact_key')],
            },
        ),
        migrations.CreateModel(
            name='ClosedTierFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('opportunities', models.IntegerField()),
                ('amount', models.DecimalField(decimal_places=2, max_digits=20)),
                ('month', models.DateField(help_text='First day of the month of closing.')),
                ('stage', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage')),
                ('tier', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tiering.tier')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('month', 'stage', 'tier', 'currency'), name='closed_tier_fact_key')],
            },
        ),
    ]
