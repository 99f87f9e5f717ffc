"""Shared set-up for the care engine's tests (K-40..K-44)."""

import pytest

from care.defaults import ensure_care_defaults
from care.lunar import rows_for
from care.models import LunarBirthday

LUNAR_YEARS = range(2024, 2031)  # every lunar year the tests' dates touch
_lunar_rows = []  # computed once per session: lunar-python takes half a second a year


@pytest.fixture(autouse=True)
def care_defaults(db):
    """The default greeting and the CN holiday calendar of migration 0002. Transactional
    tests elsewhere in the suite flush every table, data migrations included.
    The lunar-birthday table is filled up front, with care.lunar's own rows, so that each
    birthday job does not recompute it (test_lunar checks ensure_years itself)."""
    ensure_care_defaults()
    if not LunarBirthday.objects.exists():
        if not _lunar_rows:
            _lunar_rows.extend((r.lunar_year, r.month, r.day, r.leap, r.solar_date)
                               for year in LUNAR_YEARS for r in rows_for(year))
        LunarBirthday.objects.bulk_create([LunarBirthday(lunar_year=y, month=m, day=d, leap=leap, solar_date=solar)
                                           for y, m, d, leap, solar in _lunar_rows], ignore_conflicts=True)


