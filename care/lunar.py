"""Lunar birthdays in the solar calendar (K-40), computed with lunar-python.

The rules for a lunar birthday (month M, day D, leap flag) in lunar year Y:
1. A birthday in a leap month is kept in the leap month when Y has that leap
   month; otherwise it falls in the ordinary month M of Y.
2. Day 30 in a 29-day month falls on the month's last day (the 29th).
3. (Solar birthdays) Feb 29 falls on Feb 28 in common years — see care.birthdays.

`ensure_years` writes these dates into LunarBirthday so the birthday jobs can
join against them in SQL instead of converting contact by contact.
"""

from care.models import LunarBirthday

# The placement rules themselves live in core.calendars, shared with the contact page.
from core.calendars import lunar_to_solar as solar_date


def rows_for(lunar_year):
    return [
        LunarBirthday(lunar_year=lunar_year, month=month, day=day, leap=leap,
                      solar_date=solar_date(lunar_year, month, day, leap))
        for month in range(1, 13) for day in range(1, 31) for leap in (False, True)
    ]


def ensure_years(years):
    """Make sure the table covers these lunar years; cheap when it already does."""
    have = set(LunarBirthday.objects.filter(lunar_year__in=years).values_list("lunar_year", flat=True).distinct())
    for year in sorted(set(years) - have):
        LunarBirthday.objects.bulk_create(rows_for(year), ignore_conflicts=True)
