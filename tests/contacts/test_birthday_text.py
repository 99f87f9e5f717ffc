"""K-10: a lunar birthday reads as the reader writes it — 农历八月十五 / 農曆八月十五, with
the year when known and this year's solar date (the day the call is due)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from contacts.models import Contact
from core.calendars import lunar_date_problem, lunar_date_text, lunar_in_solar_year
from imports.parsing import parse_birthday
from tests.factories import AccountFactory, ContactFactory


def lunar(month, day, *, leap=False, year=None):
    return Contact(birthday_calendar=Contact.Calendar.LUNAR, birth_month=month, birth_day=day,
                   birth_leap_month=leap, birth_year=year)


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", "农历八月十五（今年公历9月25日）"),
    ("zh-hant", "農曆八月十五（今年公曆9月25日）"),
    ("en", "lunar month 8, day 15 (this year September 25)"),
])
@time_machine.travel(date(2026, 6, 1))
def test_a_mid_autumn_birthday_in_each_language_with_this_years_solar_date(language, expected):
    with translation.override(language):
        assert lunar(8, 15).birthday_display == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", "农历1975年闰四月初八"),
    ("zh-hant", "農曆1975年閏四月初八"),
    ("en", "lunar leap month 4, day 8, 1975"),
])
def test_the_year_and_the_leap_month_are_written_when_known(language, expected):
    with translation.override(language):
        assert lunar(4, 8, leap=True, year=1975).birthday_text == expected


def test_the_twelfth_month_is_la_yue_in_both_scripts():
    with translation.override("zh-hans"):
        assert lunar(12, 23).birthday_text == "农历腊月廿三"
    with translation.override("zh-hant"):
        assert lunar(12, 23).birthday_text == "農曆臘月廿三"


@time_machine.travel(date(2026, 6, 1))
def test_this_year_for_a_late_winter_birthday_is_the_one_falling_in_this_solar_year():
    # 腊月廿三 of lunar 2025 is 2026-02-10 (小年); that of lunar 2026 falls in 2027.
    assert lunar_in_solar_year(2026, 12, 23) == date(2026, 2, 10)


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_every_lunar_date_written_reads_back_through_the_importer(language):
    """An export of a contact list re-imports as the same birthdays: every lunar date that existed
    (a date that never did — 1980's leap months, the 30th of a 29-day month — is refused by the
    contact form and the importer alike, issue 17)."""
    with translation.override(language):
        for year in (1979, 1980):  # 1979 had a leap sixth month, 1980 none
            for month in range(1, 13):
                for day in range(1, 31):
                    for leap in (False, True):
                        if lunar_date_problem(year, month, day, leap):
                            continue
                        text = lunar_date_text(month, day, leap, year)
                        assert parse_birthday(text) == {"calendar": "lunar", "year": year, "month": month,
                                                        "day": day, "leap": leap}, text


def test_a_solar_birthday_is_unchanged():
    contact = Contact(birthday_calendar=Contact.Calendar.SOLAR, birth_month=2, birth_day=29)
    assert contact.birthday_display == contact.birthday_text == "02-29"


@pytest.mark.django_db
@time_machine.travel(date(2026, 6, 1))
def test_the_contact_page_and_the_export_show_the_chinese_lunar_birthday(client, manager):
    contact = ContactFactory(account=AccountFactory(owner=manager), name="周总", birthday_calendar="lunar",
                             birth_month=8, birth_day=15)
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    assert "农历八月十五（今年公历9月25日）" in client.get(contact.get_absolute_url()).content.decode()
    export = b"".join(client.get(reverse("contacts:list"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "农历八月十五" in export and "lunar" not in export


@pytest.mark.django_db
def test_the_contact_form_refuses_a_lunar_date_that_never_existed(manager):
    """Issue 17, item 8: what the importer refuses, the form refuses next to its field."""
    from contacts.forms import ContactForm

    account = AccountFactory(owner=manager)
    base = {"name": "王芳", "birthday_calendar": "lunar", "birth_month": 2, "birth_day": 1, "status": "active",
            "language": ""}
    leap = ContactForm({**base, "birth_year": 1980, "birth_leap_month": "on"}, account=account)
    assert not leap.is_valid() and "birth_leap_month" in leap.errors
    short = ContactForm({**base, "birth_year": 1985, "birth_month": 1, "birth_day": 30}, account=account)
    assert not short.is_valid() and "birth_day" in short.errors
    real = ContactForm({**base, "birth_year": 1979, "birth_month": 6, "birth_leap_month": "on"}, account=account)
    assert "birth_leap_month" not in real.errors and "birth_day" not in real.errors
