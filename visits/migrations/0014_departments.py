"""Departments as data (X-02), the schema; 0015 fills it from the texts, 0016 drops them.

Departments as data (X-02): the free-text "routed to" of customer issues and "dispatched to" of
green-channel requests become Department rows where the words name one (after-sales, 售后 →
service; 财务 → finance …), named in all three languages; any other text becomes a department
of that name (a person's words, kept as typed). The system's own "Account management" (a low
survey score, which the account's manager follows up) routes nowhere."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LOCK_FUNCTION = r"""
CREATE OR REPLACE FUNCTION visits_child_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND visits_visit_locked(OLD.visit_id) THEN
        -- PL/pgSQL does not short-circuit: the issue's columns are compared in
        -- a branch of their own, which the contacts table never reaches.
        IF TG_TABLE_NAME = 'visits_customerissue' AND TG_OP = 'UPDATE' THEN
            IF (OLD.visit_id, OLD.account_id, OLD.kind, OLD.description, {old}OLD.due_at,
                OLD.owner_id, OLD.created_at)
               IS NOT DISTINCT FROM
               (NEW.visit_id, NEW.account_id, NEW.kind, NEW.description, {new}NEW.due_at,
                NEW.owner_id, NEW.created_at) THEN
                RETURN NEW;  -- follow-up only: allowed after sign-off
            END IF;
        END IF;
        RAISE EXCEPTION 'month locked: visit % belongs to a signed-off month', OLD.visit_id;
    END IF;
    IF TG_OP <> 'DELETE' AND visits_visit_locked(NEW.visit_id) THEN
        RAISE EXCEPTION 'month locked: visit % belongs to a signed-off month', NEW.visit_id;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
"""
LOCK_WITHOUT_DEPARTMENT = LOCK_FUNCTION.format(old="", new="")
LOCK_WITH_DEPARTMENT = LOCK_FUNCTION.format(old="OLD.department, ", new="NEW.department, ")

class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_name_collation_indexes'),
        ('users', '0003_departments'),
        ('visits', '0013_check_in'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Routing is follow-up, not the locked original record: a signed-off month's issue may still be
        # routed (and this migration fills the new column of every row, locked or not).
        migrations.RunSQL(LOCK_WITHOUT_DEPARTMENT, LOCK_WITH_DEPARTMENT),
        migrations.RenameField('customerissue', 'department', 'department_text'),
        migrations.RenameField('greenchannelrequest', 'dispatched_to', 'dispatched_to_text'),
        migrations.CreateModel(
            name='DeadlineRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(choices=[('complaint', 'Complaint'), ('request', 'Request'), ('suggestion', 'Suggestion'), ('green_dispatch', 'Green channel: dispatch'), ('green_completion', 'Green channel: completion')], max_length=20, verbose_name='for')),
                ('hours', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(2160)], verbose_name='hours')),
                ('working_time', models.BooleanField(default=False, help_text='Count only working days: weekends and public holidays stop the clock, make-up workdays do not.', verbose_name='on working time')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'deadline',
                'verbose_name_plural': 'deadlines',
                'ordering': ['subject'],
            },
        ),
        migrations.AddField(
            model_name='customerissue',
            name='accepted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='accepted'),
        ),
        migrations.AddField(
            model_name='customerissue',
            name='assignee',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='accepted_issues', to=settings.AUTH_USER_MODEL, verbose_name='accepted by'),
        ),
        migrations.AddField(
            model_name='customerissue',
            name='escalated_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='customerissue',
            name='informed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='customer informed by'),
        ),
        migrations.AddField(
            model_name='customerissue',
            name='reminded_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='customerissue',
            name='resolved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='resolved by'),
        ),
        migrations.AddField(
            model_name='customerissue',
            name='routed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='routed'),
        ),
        migrations.AddField(
            model_name='greenchannelrequest',
            name='completion_due_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='completion due'),
        ),
        migrations.AddField(
            model_name='greenchannelrequest',
            name='department',
            field=models.ForeignKey(blank=True, help_text='The department that does the work.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='green_requests', to='users.department', verbose_name='dispatched to'),
        ),
        migrations.AddField(
            model_name='greenchannelrequest',
            name='dispatch_due_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='dispatch due'),
        ),
        migrations.AddField(
            model_name='greenchannelrequest',
            name='escalated_stage',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name='greenchannelrequest',
            name='reminded_stage',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name='issueupdate',
            name='department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='users.department'),
        ),
        migrations.AddField(
            model_name='issueupdate',
            name='event',
            field=models.CharField(choices=[('logged', 'Logged'), ('routed', 'Routed'), ('accepted', 'Accepted'), ('reply', 'Reply'), ('resolved', 'Resolved'), ('informed', 'Customer informed'), ('updated', 'Updated')], db_default='updated', default='updated', max_length=20, verbose_name='step'),
        ),
        migrations.AddField(
            model_name='customerissue',
            name='department',
            field=models.ForeignKey(blank=True, help_text='Where the issue is routed: that department accepts and resolves it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='issues', to='users.department', verbose_name='responsible department'),
        ),
    ]
