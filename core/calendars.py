"""Lunar dates (农历 / 農曆) for every app: the solar date of a lunar month and day, and the
way a lunar date is written in the reader's language.

The placement rules live here, once, because birthdays (contacts, care) and festivals
(care) both need them:
1. A date in a leap month stays in the leap month when the lunar year has that leap
   month; otherwise it falls in the ordinary month of the same number.
2. Day 30 in a 29-day month falls on the month's last day (the 29th).
"""

import functools
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, pgettext
from lunar_python import Lunar, LunarMonth, LunarYear, Solar
from lunar_python.util import LunarUtil

# lunar-python writes Simplified characters; these are the only two a lunar date uses
# that differ in Traditional writing (腊月 → 臘月, 闰 → 閏).
_TRADITIONAL = str.maketrans({"腊": "臘", "闰": "閏"})


# A pure function, and lunar-python computes a year's solar terms on each call (~0.7 ms): the
# birthday lists ask it for the same few hundred dates once per contact born under them.
@functools.lru_cache(maxsize=4096)
def lunar_to_solar(lunar_year, month, day, leap=False):
    """The solar date of lunar `month`/`day` (leap month if `leap`) in `lunar_year`."""
    if leap and LunarYear.fromYear(lunar_year).getLeapMonth() == month:
        month_number = -month  # lunar-python writes a leap month as a negative number
    else:
        month_number = month
    length = LunarMonth.fromYm(lunar_year, month_number).getDayCount()
    solar = Lunar.fromYmd(lunar_year, month_number, min(day, length)).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_in_solar_year(year, month, day, leap=False):
    """The solar date in `year` of a yearly lunar date: lunar year `year`, or for a date late
    in the lunar year (冬月, 腊月), lunar year `year - 1`, whose end falls in January or February."""
    for lunar_year in (year, year - 1):
        solar = lunar_to_solar(lunar_year, month, day, leap)
        if solar.year == year:
            return solar
    return None  # a late-winter date can skip a solar year entirely; rare, and then there is none


def lunar_date_problem(year, month, day, leap=False):
    """Why a lunar date of a known year never existed, or None: "leap" when that year had no such
    leap month (1980 had none), "day" for the 30th of a 29-day month."""
    if leap and LunarYear.fromYear(year).getLeapMonth() != month:
        return "leap"
    if day > LunarMonth.fromYm(year, -month if leap else month).getDayCount():
        return "day"
    return None


def lunar_date_text(month, day, leap=False, year=None):
    """农历八月十五, 農曆1975年閏四月初八, "lunar month 8, day 15": the form the importer reads back."""
    language = (get_language() or "en").lower()
    if language.startswith("zh"):
        words = f"{year}年" if year else ""
        words += f"{'闰' if leap else ''}{LunarUtil.MONTH[month]}月{LunarUtil.DAY[day]}"
        if language in ("zh-hant", "zh-tw", "zh-hk", "zh-mo"):
            words = words.translate(_TRADITIONAL)
        return pgettext("a date in the lunar calendar", "lunar %(date)s") % {"date": words}
    if leap:
        words = gettext("leap month %(month)s, day %(day)s") % {"month": month, "day": day}
    else:
        words = gettext("month %(month)s, day %(day)s") % {"month": month, "day": day}
    text = pgettext("a date in the lunar calendar", "lunar %(date)s") % {"date": words}
    return gettext("%(date)s, %(year)s") % {"date": text, "year": year} if year else text


def month_day_text(value):
    """A solar month and day in the reader's form: "September 25", "9月25日"."""
    return formats.date_format(value, "MONTH_DAY_FORMAT")


# lunar-python names the terms of the next cycle in pinyin; these are the ones a June table holds.
_TERM_PINYIN = {"DA_XUE": "大雪", "DONG_ZHI": "冬至", "XIAO_HAN": "小寒", "DA_HAN": "大寒", "LI_CHUN": "立春",
                "YU_SHUI": "雨水", "JING_ZHE": "惊蛰"}


def solar_term_in_year(year, term):
    """The solar date in `year` of a solar term (节气) named in Simplified Chinese, e.g. 冬至."""
    table = Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()
    for name, solar in table.items():
        if _TERM_PINYIN.get(name, name) == term and solar.getYear() == year:
            return date(solar.getYear(), solar.getMonth(), solar.getDay())
    return None


# --- Working time: deadlines that count only working days --------------------------------
# The `holidays` package (already pinned for care's festivals) models China's make-up workdays
# (调休): `weekend_workdays` holds the Saturdays and Sundays worked in exchange for a long holiday,
# and `is_working_day` answers with them. Kept up by its maintainers each year as the State
# Council announces the next year's plan; a year not yet announced falls back to weekends and the
# statutory holidays it can compute (the lunar ones included).

@functools.cache
def working_calendar(country, year):
    import holidays

    return holidays.country_holidays(country, years=range(year - 1, year + 2))


def is_working_day(day, country):
    return working_calendar(country, day.year).is_working_day(day)


def next_working_day(day, country):
    day += timedelta(days=1)
    while not is_working_day(day, country):
        day += timedelta(days=1)
    return day


def add_working_hours(start, hours, *, country):
    """`start` plus `hours` counted on working days only: a working day's 24 hours count, weekends
    and holidays do not, a make-up Saturday does. A complaint logged on Friday at 17:00 with 24 h
    is due on Monday at 17:00 — or on Saturday at 17:00 when that Saturday is worked (调休)."""
    zone = timezone.get_current_timezone()
    cursor = timezone.localtime(start, zone)
    remaining = timedelta(hours=hours)
    if not is_working_day(cursor.date(), country):
        cursor = _midnight(next_working_day(cursor.date(), country), zone)
    while True:
        left_today = _midnight(cursor.date() + timedelta(days=1), zone) - cursor
        if remaining <= left_today:
            return cursor + remaining
        remaining -= left_today
        cursor = _midnight(next_working_day(cursor.date(), country), zone)


def _midnight(day, zone):
    return datetime.combine(day, time(0), tzinfo=zone)
