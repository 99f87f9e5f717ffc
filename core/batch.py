"""Several small reads in one statement (issue 19: account detail at ≤ 15 queries).

A detail page shows many short lists of one object — an account's last orders, its competitors,
its product map, its subsidiaries. Each is an indexed lookup of a millisecond, but each is also a
round trip, and the page then costs its query count rather than its data. `fetch_together` sends
the querysets as one statement, each one's rows aggregated into a JSON array
(`SELECT (SELECT json_agg(…) FROM (<qs 1>) q), (SELECT json_agg(…) FROM (<qs 2>) q), …`), and
gives back the same model instances (or dicts, for `.values()`) Django would have built:
select_related, annotations, slices and ordering all hold, because the SQL is Django's own and the
rows go through Django's own iterables.

Kept small on purpose: lists of at most a few dozen rows, with no `prefetch_related` (that would
be a query more per list anyway). JSON carries text, numbers, booleans and nulls; numbers and
JSON columns travel as text so that no decimal loses a digit.
"""

import datetime
import decimal
import json
import uuid

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils.dateparse import parse_datetime, parse_duration, parse_time

# Sent as text (exact) and turned back into the column's Python type here.
_AS_TEXT = {"DecimalField", "JSONField", "DurationField", "UUIDField"}
_PARSE = {
    "DateTimeField": parse_datetime,
    "DateField": datetime.date.fromisoformat,
    "TimeField": parse_time,
    "DecimalField": decimal.Decimal,
    "DurationField": parse_duration,
    "UUIDField": uuid.UUID,
}


def _internal_type(expression):
    try:
        return expression.output_field.get_internal_type()
    except (AttributeError, Exception):  # an expression without a resolvable type travels as JSON gives it
        return None


class _Part:
    """One queryset: its compiled SQL, and how to read its column values back."""

    def __init__(self, queryset, using):
        if queryset._prefetch_related_lookups:
            raise ValueError("fetch_together does not prefetch: select_related, or a list of its own")
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=using)
        try:
            self.sql, self.params = self.compiler.as_sql()  # also fills compiler.select for the iterables
        except EmptyResultSet:  # e.g. pk__in=[]: Django would not have asked the database either
            self.sql, self.params, self.types = None, (), []
            return
        self.types = [_internal_type(column[0]) for column in self.compiler.select]

    def as_column(self):
        if self.sql is None:
            return "'[]'"
        names = [f"c{i}" for i in range(len(self.types))]
        values = [f"q.{name}::text" if kind in _AS_TEXT else f"q.{name}"
                  for name, kind in zip(names, self.types, strict=True)]
        # A function takes at most 100 arguments: a wide select_related is built in pieces.
        pieces = [f"json_build_array({', '.join(values[i:i + 90])})::jsonb" for i in range(0, len(values), 90)]
        return (f"(SELECT coalesce(json_agg({' || '.join(pieces)}), '[]')::text "
                f"FROM ({self.sql}) AS q({', '.join(names)}))")

    def objects(self, text):
        if self.sql is None:
            return []
        rows = [[value if value is None or kind not in _PARSE else _PARSE[kind](value)
                 for value, kind in zip(row, self.types, strict=True)] for row in json.loads(text)]
        compiler = self.compiler
        compiler.execute_sql = lambda *args, **kwargs: [rows]  # the rows are here: no second trip
        query = self.queryset.query.clone()
        query.get_compiler = lambda *args, **kwargs: compiler
        clone = self.queryset._chain()
        clone.query = query
        return list(clone)


def fetch_together(**querysets):
    """{name: list of rows} for each queryset, read in one statement. An empty `{}` costs nothing."""
    if not querysets:
        return {}
    using = next(iter(querysets.values())).db
    parts = {name: _Part(queryset, using) for name, queryset in querysets.items()}
    sql = "SELECT " + ", ".join(part.as_column() for part in parts.values())
    params = [param for part in parts.values() for param in part.params]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        texts = cursor.fetchone()
    return {name: part.objects(text) for (name, part), text in zip(parts.items(), texts, strict=True)}
