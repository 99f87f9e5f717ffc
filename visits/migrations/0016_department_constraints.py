from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('visits', '0015_departments_from_texts'),
    ]

    operations = [
        migrations.RemoveField('customerissue', 'department_text'),
        migrations.RemoveField('greenchannelrequest', 'dispatched_to_text'),
        migrations.AddIndex(
            model_name='customerissue',
            index=models.Index(condition=models.Q(('status__in', ['open', 'in_progress'])), fields=['department', 'due_at'], name='issue_queue_due_idx'),
        ),
        migrations.AddIndex(
            model_name='customerissue',
            index=models.Index(condition=models.Q(('department__isnull', False)), fields=['department', 'routed_at'], name='issue_department_routed_idx'),
        ),
        migrations.AddIndex(
            model_name='greenchannelrequest',
            index=models.Index(condition=models.Q(('completed_at__isnull', True)), fields=['department', 'completion_due_at'], name='green_department_open_idx'),
        ),
        migrations.AddConstraint(
            model_name='customerissue',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('accepted_at__isnull', True), ('assignee__isnull', True)), models.Q(('accepted_at__isnull', False), ('assignee__isnull', False), ('department__isnull', False)), _connector='OR'), name='issue_accepted_has_owner_and_time'),
        ),
        migrations.AddConstraint(
            model_name='customerissue',
            constraint=models.CheckConstraint(condition=models.Q(('department__isnull', True), ('routed_at__isnull', False), _connector='OR'), name='issue_routed_has_time'),
        ),
        migrations.AddConstraint(
            model_name='deadlinerule',
            constraint=models.UniqueConstraint(fields=('subject',), name='deadline_rule_once_per_subject'),
        ),
        migrations.AddConstraint(
            model_name='deadlinerule',
            constraint=models.CheckConstraint(condition=models.Q(('subject__in', ['complaint', 'request', 'suggestion', 'green_dispatch', 'green_completion'])), name='deadline_rule_subject_valid'),
        ),
    ]
