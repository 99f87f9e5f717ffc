"""The contact search finds a mobile by its first or last digits through two btree indexes, and the
bigram index no longer holds the digits (contacts/models.py says why). Built concurrently: at a
million contacts each index takes a minute, and contacts are written all day."""

import core.search
import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('accounts', '0014_db_defaults_for_raw_inserts'),
        ('contacts', '0013_danger_read_model'),
    ]

    operations = [
        RemoveIndexConcurrently(
            model_name='contact',
            name='contact_search_bigram',
        ),
        AddIndexConcurrently(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(core.search.Bigrams(django.db.models.functions.text.Upper(django.db.models.functions.text.Concat('name', models.Value('|'), 'email', models.Value('|'), 'wechat', output_field=models.TextField()))), name='contact_search_bigram'),
        ),
        AddIndexConcurrently(
            model_name='contact',
            index=models.Index(django.contrib.postgres.indexes.OpClass(models.Func(models.F('mobile'), models.Value('[^0-9]'), models.Value(''), models.Value('g'), function='regexp_replace', output_field=models.CharField()), name='text_pattern_ops'), name='contact_mobile_start_idx'),
        ),
        AddIndexConcurrently(
            model_name='contact',
            index=models.Index(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Reverse(models.Func(models.F('mobile'), models.Value('[^0-9]'), models.Value(''), models.Value('g'), function='regexp_replace', output_field=models.CharField())), name='text_pattern_ops'), name='contact_mobile_end_idx'),
        ),
    ]
