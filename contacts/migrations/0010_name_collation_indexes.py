"""Collated name indexes (issue 17, item 9) for the contact list's `ORDER BY name COLLATE …, id LIMIT 25`
(core/collation.py, contacts.views.contact_list): pinyin (zh-x-icu) and strokes (zh-Hant-x-icu), plus the plain
(name, id) for English. Made only where the server has the ICU collations: a PostgreSQL built
without ICU keeps the plain order, and its index."""

from django.db import migrations

TABLE = "contacts_contact"
INDEXES = [("contact_name_zh_hans_idx", "zh-x-icu"), ("contact_name_zh_hant_idx", "zh-Hant-x-icu")]


def _create():
    statements = [f"CREATE INDEX IF NOT EXISTS contact_name_id_idx ON {TABLE} (name, id);"]
    for index, collation in INDEXES:
        statements.append(f"""
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = '{collation}') THEN
        CREATE INDEX IF NOT EXISTS {index} ON {TABLE} ((name COLLATE "{collation}"), id);
    END IF;
END $$;""")
    return "\n".join(statements)


def _drop():
    return "\n".join(f"DROP INDEX IF EXISTS {index};" for index in ["contact_name_id_idx", *(i for i, _c in INDEXES)])


class Migration(migrations.Migration):
    dependencies = [("contacts", "0009_care_indexes")]

    operations = [migrations.RunSQL(_create(), _drop())]
