from django.db import migrations

# Each file already uploaded learns its record's account (attachments 0002), so the account's
# timeline shows it. Written here, not in attachments, which knows no owner's tables.
BACKFILL = """
UPDATE attachments_attachment a SET account_id = a.object_id
FROM django_content_type ct
WHERE ct.id = a.content_type_id AND ct.app_label = 'accounts' AND ct.model = 'account';
UPDATE attachments_attachment a SET account_id = r.account_id
FROM django_content_type ct, contacts_contact r
WHERE ct.id = a.content_type_id AND ct.app_label = 'contacts' AND ct.model = 'contact' AND r.id = a.object_id;
UPDATE attachments_attachment a SET account_id = r.account_id
FROM django_content_type ct, visits_visit r
WHERE ct.id = a.content_type_id AND ct.app_label = 'visits' AND ct.model = 'visit' AND r.id = a.object_id;
UPDATE attachments_attachment a SET account_id = r.account_id
FROM django_content_type ct, plans_accountplan r
WHERE ct.id = a.content_type_id AND ct.app_label = 'plans' AND ct.model = 'accountplan' AND r.id = a.object_id;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("hub", "0001_initial"),
        ("attachments", "0002_account_of_record"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contacts", "0001_initial"),
        ("visits", "0001_initial"),
        ("plans", "0001_initial"),
    ]

    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
