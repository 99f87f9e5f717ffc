"""Composite foreign keys that keep related rows on one account.

Django has no composite foreign keys, so these are written in SQL: a contact's
manager, a role's holder, a decision step's owner and a personnel change's
contact must all belong to the row's own account, whatever path writes them.
"""

from django.db import migrations

SAME_ACCOUNT = [
    # (table, column, constraint)
    ("contacts_contact", "reports_to_id", "contact_reports_to_same_account"),
    ("contacts_buyerrole", "contact_id", "buyer_role_contact_same_account"),
    ("contacts_decisionstep", "responsible_id", "decision_step_contact_same_account"),
    ("contacts_personnelchange", "contact_id", "personnel_change_contact_same_account"),
]

forward = ["ALTER TABLE contacts_contact ADD CONSTRAINT contact_id_account_unique UNIQUE (id, account_id);"] + [
    f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}, account_id) "
    f"REFERENCES contacts_contact (id, account_id) DEFERRABLE INITIALLY DEFERRED;"
    for table, column, name in SAME_ACCOUNT
]
backward = [f"ALTER TABLE {table} DROP CONSTRAINT {name};" for table, _, name in SAME_ACCOUNT] + [
    "ALTER TABLE contacts_contact DROP CONSTRAINT contact_id_account_unique;"
]


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunSQL(forward, backward)]
