"""Substring search that an index serves even for a two-character Chinese name (issue 23).

Trigram indexes (pg_trgm) cannot answer a query shorter than three characters, and a Chinese
name is often two (王芳). pg_bigm would, but it is not packaged for our PostgreSQL. So each
searched text is indexed by its character bigrams: `kam_bigrams(text)` (core migration 0005,
IMMUTABLE) gives the distinct two-character pieces of a text, a GIN index over
`kam_bigrams(UPPER(column))` holds them, and a query of two characters or more asks for rows
whose bigrams contain all of the query's (`@>`, index-served), then checks the substring itself
on those few rows. docs/PERFORMANCE.md, "Search", has the measurements and the reasoning.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Func, Value
from django.db.models.functions import Upper

MIN_LENGTH = 2  # one character has no bigram; one surname would also match a tenth of China

BIGRAMS_SQL = """
CREATE OR REPLACE FUNCTION kam_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}'::text[])
    FROM generate_series(1, char_length(t) - 1) AS i
$$;
"""


class Bigrams(Func):
    function = "kam_bigrams"
    output_field = ArrayField(models.TextField())


def bigram_index(expression, *, name):
    """The GIN index over an expression's bigrams, for `Model.Meta.indexes`; the same expression
    must be given to `bigram_match` for PostgreSQL to use it."""
    return GinIndex(Bigrams(Upper(expression)), name=name)


def bigram_match(queryset, expression, text):
    """Rows whose `expression` may contain `text` (2+ characters): the index's part of the search.
    The caller adds the exact test (`icontains`) that removes the few false hits."""
    return queryset.alias(_bigrams=Bigrams(Upper(expression))).filter(
        _bigrams__contains=Bigrams(Upper(Value(text, output_field=models.TextField()))))
