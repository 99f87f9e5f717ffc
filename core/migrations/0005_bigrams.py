from django.db import migrations

from core.search import BIGRAMS_SQL


class Migration(migrations.Migration):
    """kam_bigrams(text): the pieces the search indexes are made of (core/search.py)."""

    dependencies = [("core", "0004_outbox_created_index")]

    operations = [migrations.RunSQL(BIGRAMS_SQL, "DROP FUNCTION IF EXISTS kam_bigrams(text)")]
