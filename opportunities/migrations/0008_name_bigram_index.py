"""The opportunity list's search finds a name by any two characters of it through a bigram index
(core/search.py; OpportunityQuerySet.search says why not trigrams). Built concurrently: 300k
opportunities at 100k accounts, written all day."""

import core.search
import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('core', '0005_bigrams'),
        ('opportunities', '0007_pipeline_facts_install'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='opportunity',
            index=django.contrib.postgres.indexes.GinIndex(core.search.Bigrams(django.db.models.functions.text.Upper(models.F('name'))), name='opportunity_name_bigram'),
        ),
    ]
