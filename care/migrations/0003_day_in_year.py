"""care_day_in_year(year, month, day): a yearly date (birthday, anniversary) in a given
year; Feb 29 falls on Feb 28 in common years (K-40). One definition for every job's SQL."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION care_day_in_year(year int, month int, day int) RETURNS date AS $$
    SELECT make_date(year, month,
                     CASE WHEN month = 2 AND day = 29
                               AND NOT (year % 4 = 0 AND (year % 100 <> 0 OR year % 400 = 0))
                          THEN 28 ELSE day END)
$$ LANGUAGE sql IMMUTABLE STRICT;
"""


class Migration(migrations.Migration):
    dependencies = [("care", "0002_defaults")]

    operations = [migrations.RunSQL(FORWARD, "DROP FUNCTION care_day_in_year(int, int, int);")]
