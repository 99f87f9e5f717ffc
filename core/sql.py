"""Helpers for the raw SQL of the set-based jobs and reports."""

import re
from datetime import date, datetime


def literals(values):
    """A constant tuple of codes as an SQL list, ``('active', 'at_risk')``, so that raw SQL names
    the model's constant instead of repeating its values. Codes only: anything else is refused."""
    values = [str(value) for value in values]
    if not values or not all(re.fullmatch(r"\w+", value) for value in values):
        raise ValueError(f"not a tuple of codes: {values!r}")
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def date_literal(day):
    """A date as an SQL constant, ``DATE '2026-03-18'``: the metric definitions (accounts/metrics.py)
    put their windows into SQL this way, so one fragment serves statements with positional and
    with named parameters alike. Dates only (a datetime is refused: its day would be ambiguous)."""
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError(f"not a date: {day!r}")
    return f"DATE '{day.isoformat()}'"


def moment_literal(moment):
    """An aware datetime as an SQL constant, ``TIMESTAMPTZ '2026-03-18T09:00:00+08:00'``: "now" taken
    from Python (timezone.now()), so a frozen clock freezes the SQL too; PostgreSQL's now() is not."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"not an aware datetime: {moment!r}")
    return f"TIMESTAMPTZ '{moment.isoformat()}'"


def zone_literal(name):
    """A time-zone name (settings.TIME_ZONE) as an SQL string constant."""
    if not re.fullmatch(r"[A-Za-z0-9_/+-]+", name):
        raise ValueError(f"not a time-zone name: {name!r}")
    return f"'{name}'"


def statement_trigger_sql(name, table, event, referencing, call=None, *, statements=None):
    """A trigger run once per statement (`event` on `table`, `referencing` its transition tables)
    whose function does `call` (or runs `statements`, which may read the transition tables: a
    function it calls cannot): the read models' way of staying current with every writer —
    the ORM, imports, raw SQL — at one call per statement, not per row."""
    body = f"PERFORM {call};" if statements is None else statements
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    {body}
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name} AFTER {event.upper()} ON {table} {referencing}
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""
