"""K-41: lunar festivals that are care occasions but no public holiday (元宵, 七夕, 重阳, 腊八, 小年),
the solar term 冬至, admins' own lunar occasions, and calendars chosen per team."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from lunar_python import Solar

from care.models import CareTask, HolidayCalendar, MessageTemplate, Occasion
from care.services import holiday_tasks_generate
from tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

LUNAR_NAMES = {(1, 15): "元宵节", (7, 7): "七夕节", (9, 9): "重阳节", (12, 8): "腊八节"}


def festival(name):
    return Occasion.objects.get(name=name)


@pytest.mark.parametrize("name", ["Lantern Festival", "Qixi Festival", "Double Ninth Festival", "Laba Festival"])
def test_each_lunar_festival_falls_on_its_day_in_every_year_from_1900_to_2100(name):
    """Checked against lunar-python's own festival table, one date in each solar year."""
    occasion = festival(name)
    expected = LUNAR_NAMES[(occasion.lunar_month, occasion.lunar_day)]
    for year in range(1900, 2101):
        days = occasion.days_in(year)
        if name == "Laba Festival" and not days:
            continue  # a lunar year can end before 腊八 reaches the next solar year's January
        [day] = days
        assert day.year == year
        assert expected in Solar.fromYmd(day.year, day.month, day.day).getLunar().getFestivals(), (name, day)


def test_winter_solstice_is_the_solar_term_in_every_year_from_1900_to_2100():
    occasion = festival("Winter Solstice")
    for year in range(1900, 2101):
        [day] = occasion.days_in(year)
        assert Solar.fromYmd(day.year, day.month, day.day).getLunar().getJieQi() == "冬至", day


def test_little_new_year_is_the_23rd_in_the_north_and_the_24th_in_the_south():
    north = festival("Little New Year")
    assert north.days_in(2026) == [date(2026, 2, 10)]  # 腊月廿三 of lunar 2025
    north.lunar_day = 24
    assert north.days_in(2026) == [date(2026, 2, 11)]


def test_a_lunar_occasion_in_a_leap_year_and_on_day_30():
    occasion = Occasion(calendar="lunar", lunar_month=6, lunar_day=10, lunar_leap=True, name="x")
    assert occasion.days_in(2025) == [date(2025, 8, 3)]  # 2025 has a leap sixth month
    assert occasion.days_in(2026) == [date(2026, 7, 23)]  # 2026 has none: the ordinary sixth month
    day_30 = Occasion(calendar="lunar", lunar_month=2, lunar_day=30, name="y")
    assert day_30.days_in(2026) == [date(2026, 4, 16)]  # 二月 of 2026 has 29 days


def test_the_lantern_festival_is_greeted_a_day_ahead_in_the_readers_language(manager):
    zhou = ContactFactory(account=AccountFactory(owner=manager, kind="strategic"), name="Zhou")

    holiday_tasks_generate(today=date(2026, 3, 2))  # 元宵 2026 is 03-03

    [task] = CareTask.objects.filter(kind="holiday", contact=zhou)
    assert (task.due_on, task.occasion) == (date(2026, 3, 2), "2026-03-03|Lantern Festival")
    with translation.override("zh-hant"):
        assert task.display_title == "節日問候（元宵節）：Zhou"
    assert holiday_tasks_generate(today=date(2026, 3, 2)) == 0


def test_festivals_that_are_off_make_no_task(manager):
    ContactFactory(account=AccountFactory(owner=manager, kind="strategic"))
    holiday_tasks_generate(today=date(2026, 8, 18))  # 七夕 2026-08-19, off by default
    assert not CareTask.objects.filter(kind="holiday").exists()

    festival("Qixi Festival").teams.add(manager.team)
    Occasion.objects.filter(name="Qixi Festival").update(is_active=True)
    assert holiday_tasks_generate(today=date(2026, 8, 18)) == 1


def test_a_calendar_chosen_for_one_team_greets_only_its_customers(manager, outsider):
    mine = ContactFactory(account=AccountFactory(owner=manager, kind="strategic"))
    theirs = ContactFactory(account=AccountFactory(owner=outsider, kind="strategic"))
    hong_kong = HolidayCalendar.objects.create(country="HK", days_ahead=3, template=MessageTemplate.objects.first())
    hong_kong.teams.add(outsider.team)
    HolidayCalendar.objects.filter(country="CN").update(is_active=False)

    holiday_tasks_generate(today=date(2026, 6, 30))  # 七一 HKSAR Establishment Day, Hong Kong only

    assert {t.contact for t in CareTask.objects.filter(kind="holiday")} == {theirs}
    assert mine not in {t.contact for t in CareTask.objects.all()}


def test_an_admin_adds_a_lunar_occasion_and_gets_each_missing_field_named(client, admin):
    client.force_login(admin)
    greeting = MessageTemplate.objects.first()
    response = client.post(reverse("care:occasion-add"), {
        "name": "Founder's day", "calendar": "lunar", "lunar_month": "", "lunar_day": "31",
        "days_ahead": "2", "template": greeting.pk, "is_active": "on", "yearly": "on"})
    form = response.context["form"]
    assert "lunar_month" in form.errors and "lunar_day" in form.errors
    assert form["name"].value() == "Founder's day"

    response = client.post(reverse("care:occasion-add"), {
        "name": "Founder's day", "name_zh_hans": "创始人日", "calendar": "lunar", "lunar_month": "3",
        "lunar_day": "3", "days_ahead": "2", "template": greeting.pk, "is_active": "on"})
    assert response.status_code == 302
    occasion = Occasion.objects.get(name="Founder's day")
    assert occasion.days_in(2026) == [date(2026, 4, 19)]
    with translation.override("zh-hans"):
        page = client.get(reverse("care:settings")).content.decode()
    assert "Founder" in page or "创始人日" in page


def test_a_solar_term_occasion_needs_its_term(client, admin):
    client.force_login(admin)
    response = client.post(reverse("care:occasion-add"), {
        "name": "Solstice", "calendar": "solar_term", "solar_term": "", "days_ahead": "1",
        "template": MessageTemplate.objects.first().pk})
    assert "solar_term" in response.context["form"].errors


def test_only_the_calendars_of_the_region_are_offered(client, admin):
    client.force_login(admin)
    page = client.get(reverse("care:calendar-add")).content.decode()
    assert all(f'value="{code}"' in page for code in ("CN", "HK", "MO", "TW", "SG"))


def test_teams_other_than_the_chosen_are_not_greeted_on_an_occasion(manager):
    other = UserFactory(team=TeamFactory(name="West"))
    ContactFactory(account=AccountFactory(owner=other, kind="strategic"))
    mine = ContactFactory(account=AccountFactory(owner=manager, kind="strategic"))
    festival("Lantern Festival").teams.add(manager.team)

    holiday_tasks_generate(today=date(2026, 3, 2))

    assert [t.contact for t in CareTask.objects.filter(kind="holiday")] == [mine]
