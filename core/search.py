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
from django.db import connection, models
from django.db.models import BooleanField, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex, Upper

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


def reads_scope(user):
    """Whether a search by `user` reads the rows they may see instead of asking the name indexes.

    Everyone but an admin sees their team's accounts and the open pool: a few thousand rows at
    100k accounts, read in milliseconds. Asked first, the indexes hand back every match among
    all accounts (8,300 for "steel" at 100k), and PostgreSQL, which estimates a bigram lookup at
    a few dozen rows whatever the term, then checks each against the scope in a nested loop: a
    manager's opportunity search for "steel" took 5 s (docs/PERFORMANCE.md, "Search within the
    scope"). An admin's scope is every row, which only the indexes answer."""
    return user is not None and not user.is_admin


def holds(columns, texts):
    """The aliases and the condition of "one of `columns` holds one of `texts`", case aside, for a
    reader's scope (`reads_scope`). `strpos`, not LIKE: no index serves it, so PostgreSQL cannot
    start from an index over every row and must read the scope and test its rows."""
    aliases, found = {}, Q()
    for i, column in enumerate(columns):
        for j, text in enumerate([texts] if isinstance(texts, str) else texts):
            name = f"_holds_{i}_{j}"
            aliases[name] = StrIndex(Upper(column), Upper(Value(text, output_field=models.TextField())))
            found |= Q(**{f"{name}__gt": 0})
    return aliases, found


def scope_match(queryset, columns, texts):
    """Rows of `queryset` (a reader's scope) where one of `columns` holds one of `texts` (`holds`)."""
    aliases, found = holds(columns, texts)
    return queryset.alias(**aliases).filter(found)


class Characters(Func):
    """A text's characters as an array (`regexp_split_to_array(t, '')`, IMMUTABLE): what a search
    by one character looks up (王, a surname), where there is no bigram. A GIN index over a name's
    characters answers it; PostgreSQL's statistics know each character's share, so a common one is
    read along the list's own order and a rare one from the index."""

    function = "regexp_split_to_array"
    template = "%(function)s(%(expressions)s, '')"
    output_field = ArrayField(models.TextField())


def character_index(expression, *, name):
    """The GIN index over an expression's characters (upper-cased), for `Model.Meta.indexes`."""
    return GinIndex(Characters(Upper(expression)), name=name)


def character_match(queryset, expression, text):
    """Rows whose `expression` holds every character of `text` (one, in practice): the index's part."""
    return queryset.alias(_characters=Characters(Upper(expression))).filter(
        _characters__contains=Characters(Upper(Value(text, output_field=models.TextField()))))


# How many of the newest rows in the reader's scope the search walks at most before it asks the
# bigram index instead (`newest_matching`). A term found `limit` times in them is answered from them
# alone; a rarer one is in fewer than `limit` / WINDOW of the scope, so the index hands back few rows.
WINDOW = 1000


def newest_matching(scope, indexed, column, texts, *, order, limit, window=None):
    """The pks (a RawSQL for `pk__in`) of the `limit` newest rows of `scope` whose `column` holds one
    of `texts` (icontains), newest first by `order` (field names, "-" for descending, ending with
    the pk: an index's order); `indexed` is `scope` narrowed by the column's bigram index.

    One statement whose cost is bounded for a rare term and a common one alike. Left to itself,
    PostgreSQL cannot tell them apart: the bigram estimate says a few thousand rows whatever the
    term, so for `ORDER BY time LIMIT 6` it walks the time index and, for a term no row holds,
    filters every row (an admin's visit search for "13": 7.3 s over 3M visits). So:

    - `hits`: the scope's rows walked newest first along the order's index, at most `window` of
      them, until `limit` match (the walk is pulled row by row: a common term stops it early);
    - `older`: every match, through the bigram index (a bitmap, never the walk: a MATERIALIZED
      CTE without ORDER BY / LIMIT is planned for its whole result), behind a one-time filter
      "fewer than `limit` hits": for a common term PostgreSQL never runs it (EXPLAIN ANALYZE says
      "never executed"); for a rare one it reads the few rows the index names.

    Exact either way: when the walk found `limit` hits, every other match is older than they are.
    The one shape left unbounded is a term common long ago and rare in the newest `window` rows:
    then `older` reads all of its matches (docs/PERFORMANCE.md, "Search at scale")."""
    model, window = scope.model, window or WINDOW
    fields = [name.lstrip("-") for name in order]
    # Each part's columns named by position (Django aliases a subquery's values as it likes).
    columns = ", ".join(f'"{_column(model, name)}"' for name in fields)
    ordering = ", ".join(f'"{_column(model, name.lstrip("-"))}" {"DESC" if name.startswith("-") else "ASC"}'
                         for name in order)
    walk, walk_params = scope.order_by(*order).values(*fields, column)[:window].query.sql_with_params()
    # What icontains writes, on the walked rows' column: UPPER(col::text) LIKE UPPER('%text%').
    like = " OR ".join('UPPER("searched"::text) LIKE UPPER(%s)' for _ in texts)
    like_params = [f"%{connection.ops.prep_for_like_query(text)}%" for text in texts]
    exact = Q()
    for text in texts:
        exact |= Q(**{f"{column}__icontains": text})
    gate = RawSQL("(SELECT count(*) FROM hits) < %s", [limit], output_field=BooleanField())
    older, older_params = indexed.filter(exact).filter(gate).order_by().values(*fields).query.sql_with_params()
    pk = f'"{model._meta.pk.column}"'
    sql = (f"WITH hits AS MATERIALIZED (SELECT {columns} FROM ({walk}) walked ({columns}, searched) WHERE {like} "
           f"ORDER BY {ordering} LIMIT %s), older ({columns}) AS MATERIALIZED ({older}) "
           f"SELECT {pk} FROM (SELECT {columns} FROM hits UNION SELECT {columns} FROM older) found "
           f"ORDER BY {ordering} LIMIT %s")
    return RawSQL(sql, (*walk_params, *like_params, limit, *older_params, limit))


def _column(model, name):
    return model._meta.pk.column if name == "pk" else model._meta.get_field(name).column


def people_named(people, words):
    """The people whose name (shown, full or login) holds `words`."""
    return people.filter(Q(display_name__icontains=words) | Q(first_name__icontains=words)
                         | Q(last_name__icontains=words) | Q(username__icontains=words))
