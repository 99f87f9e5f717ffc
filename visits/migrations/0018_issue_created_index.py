"""The global search reads the newest customer issues first, a bounded window of them
(core.search.newest_matching): an index in that order. Built concurrently, as issues are written
all day."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('visits', '0017_search_bigram_index'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='customerissue',
            index=models.Index(fields=['-created_at', '-id'], name='issue_created_idx'),
        ),
    ]
