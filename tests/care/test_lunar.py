"""K-40: lunar birthdays land on the right solar day, every year.

The dates are the published ones (Spring Festival, Dragon Boat and Mid-Autumn
for 2025–2030) and were checked against lunar-python directly; the rules for a
birthday the year does not have are those of care.lunar's docstring."""

from datetime import date, timedelta

import pytest
from lunar_python import LunarMonth, LunarYear

from care.lunar import ensure_years, solar_date
from care.models import LunarBirthday

SPRING_FESTIVAL = {2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
                   2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3)}
DRAGON_BOAT = {2025: date(2025, 5, 31), 2026: date(2026, 6, 19), 2027: date(2027, 6, 9),
               2028: date(2028, 5, 28), 2029: date(2029, 6, 16), 2030: date(2030, 6, 5)}
MID_AUTUMN = {2025: date(2025, 10, 6), 2026: date(2026, 9, 25), 2027: date(2027, 9, 15),
              2028: date(2028, 10, 3), 2029: date(2029, 9, 22), 2030: date(2030, 9, 12)}


@pytest.mark.parametrize(("year", "expected"), SPRING_FESTIVAL.items())
def test_k40_lunar_1_1_is_spring_festival(year, expected):
    assert solar_date(year, 1, 1) == expected


@pytest.mark.parametrize(("year", "expected"), DRAGON_BOAT.items())
def test_k40_lunar_5_5_is_dragon_boat_festival(year, expected):
    assert solar_date(year, 5, 5) == expected


@pytest.mark.parametrize(("year", "expected"), MID_AUTUMN.items())
def test_k40_lunar_8_15_is_mid_autumn_festival(year, expected):
    assert solar_date(year, 8, 15) == expected


# --- Leap months ---------------------------------------------------------------------------------


def test_k40_2025_has_a_leap_sixth_month():
    assert LunarYear.fromYear(2025).getLeapMonth() == 6


def test_k40_a_birthday_in_the_leap_sixth_month_of_2025_stays_in_the_leap_month():
    assert solar_date(2025, 6, 10, leap=True) == date(2025, 8, 3)


def test_k40_an_ordinary_sixth_month_birthday_of_2025_is_in_the_ordinary_month():
    assert solar_date(2025, 6, 10) == date(2025, 7, 4)


def test_k40_a_leap_month_birthday_in_a_year_without_that_leap_month_falls_in_the_ordinary_month():
    assert LunarYear.fromYear(2026).getLeapMonth() != 6

    assert solar_date(2026, 6, 10, leap=True) == solar_date(2026, 6, 10)


def test_k40_a_leap_fourth_month_birthday_in_2028_whose_leap_month_is_the_fifth_uses_the_fourth():
    assert LunarYear.fromYear(2028).getLeapMonth() == 5

    assert solar_date(2028, 4, 12, leap=True) == solar_date(2028, 4, 12)


# --- Day 30 in a 29-day month -----------------------------------------------------------------------


def test_k40_day_30_in_a_29_day_month_falls_on_the_29th():
    assert LunarMonth.fromYm(2026, 2).getDayCount() == 29

    assert solar_date(2026, 2, 30) == solar_date(2026, 2, 29)
    assert solar_date(2026, 2, 29) == date(2026, 4, 16)


def test_k40_day_30_in_a_30_day_month_is_the_30th():
    assert LunarMonth.fromYm(2026, 1).getDayCount() == 30

    assert solar_date(2026, 1, 30) == solar_date(2026, 1, 29) + timedelta(days=1)


def test_k40_day_30_of_a_29_day_leap_month_falls_on_its_29th():
    assert LunarMonth.fromYm(2025, -6).getDayCount() == 29

    assert solar_date(2025, 6, 30, leap=True) == solar_date(2025, 6, 29, leap=True) == date(2025, 8, 22)


# --- The precomputed table ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_k40_ensure_years_fills_every_month_day_and_leap_flag_once():
    LunarBirthday.objects.all().delete()

    ensure_years([2026, 2027])

    assert LunarBirthday.objects.filter(lunar_year=2026).count() == 12 * 30 * 2
    assert LunarBirthday.objects.get(lunar_year=2026, month=8, day=15, leap=False).solar_date == MID_AUTUMN[2026]
    assert LunarBirthday.objects.get(lunar_year=2027, month=1, day=1, leap=False).solar_date == SPRING_FESTIVAL[2027]


@pytest.mark.django_db
def test_k40_ensure_years_is_idempotent(django_assert_num_queries):
    LunarBirthday.objects.all().delete()
    ensure_years(range(2025, 2031))
    count = LunarBirthday.objects.count()

    with django_assert_num_queries(1):  # only the check: every year is there already
        ensure_years(range(2025, 2031))
    ensure_years([2026])

    assert count == 6 * 12 * 30 * 2
    assert LunarBirthday.objects.count() == count


@pytest.mark.django_db
def test_k40_ensure_years_adds_only_the_missing_year():
    LunarBirthday.objects.all().delete()
    ensure_years([2026])

    ensure_years([2026, 2027])

    assert LunarBirthday.objects.filter(lunar_year=2026).count() == 720
    assert LunarBirthday.objects.filter(lunar_year=2027).count() == 720
