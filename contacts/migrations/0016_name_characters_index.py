"""The contact list finds a name by one character (a surname) through a GIN index over its
characters (core.search.Characters); trigrams and bigrams have nothing for one character, and an
admin's `?q=王` read every contact. Built concurrently: a million contacts, written all day."""

import core.search
import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('contacts', '0015_danger_name_beside_score'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(core.search.Characters(django.db.models.functions.text.Upper(models.F('name'))), name='contact_name_chars'),
        ),
    ]
