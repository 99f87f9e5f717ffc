from django.db import migrations, models


class Migration(migrations.Migration):
    """JobRun moved here from reports. Its table keeps the name reports_jobrun, so this
    only tells Django's state; the database and its rows stay as they are."""

    initial = True

    dependencies = [
        ("reports", "0002_targets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('task', models.CharField(max_length=200, verbose_name='task')),
                        ('task_id', models.CharField(max_length=64, verbose_name='task id')),
                        ('status', models.CharField(choices=[('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='running', max_length=20, verbose_name='status')),
                        ('started_at', models.DateTimeField(verbose_name='started')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                        ('rows', models.IntegerField(blank=True, null=True, verbose_name='rows made')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                    ],
                    options={
                        'verbose_name': 'job run',
                        'verbose_name_plural': 'job runs',
                        'db_table': 'reports_jobrun',
                        'indexes': [models.Index(fields=['task', '-started_at'], name='jobrun_task_started_idx')],
                        'constraints': [models.UniqueConstraint(fields=('task_id',), name='jobrun_task_id_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
