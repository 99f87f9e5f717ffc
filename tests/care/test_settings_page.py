"""Issue 25, item 5: the care settings pages (K-41). Headings and tab titles read as titles, and
each holiday calendar lists the days it greets this year, each with the day its tasks fall due."""

import pytest
from django.conf import settings
from django.urls import reverse

from care.models import HolidayCalendar, MessageTemplate
from tests.clock import frozen

pytestmark = pytest.mark.django_db


def test_k41_each_calendar_lists_this_years_holidays_with_the_day_their_tasks_fall_due(client, admin):
    client.force_login(admin)
    with frozen(2026, 3, 10):
        html = client.get(reverse("care:settings")).content.decode()
    assert "Greetings in 2026" in html
    tomb_sweeping = html[html.index("Tomb-Sweeping Day"):]
    row = tomb_sweeping[:tomb_sweeping.index("</tr>")]
    assert "04-05" in row and "04-02" in row and "past" not in row  # three days ahead (the default)
    new_year = html[html.index("New Year&#x27;s Day"):]
    assert "past" in new_year[:new_year.index("</tr>")]


def test_k41_the_holidays_are_named_in_the_readers_language(client, admin):
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with frozen(2026, 3, 10):
        html = client.get(reverse("care:settings")).content.decode()
    assert "清明节" in html and "2026 年的问候" in html


def test_k41_one_day_ahead_is_singular(client, admin):
    HolidayCalendar.objects.update(days_ahead=1)
    client.force_login(admin)
    assert "· 1 day ahead ·" in client.get(reverse("care:settings")).content.decode()


def test_k41_a_country_the_holidays_package_lacks_is_said_not_a_500(client, admin):
    HolidayCalendar.objects.create(country="XX", template=MessageTemplate.objects.first())
    client.force_login(admin)
    page = client.get(reverse("care:settings"))
    assert page.status_code == 200
    assert "no calendar for “XX”" in page.content.decode()


@pytest.mark.parametrize(("url", "title"), [("care:calendar-add", "Holiday calendar"),
                                            ("care:template-add", "Message template"),
                                            ("care:occasion-add", "Care occasion")])
def test_k41_the_settings_forms_have_capitalised_headings_and_tab_titles(client, admin, url, title):
    client.force_login(admin)
    html = client.get(reverse(url)).content.decode()
    assert f"<title>{title} · KAM CRM</title>" in html
    assert f'<h1 class="h3">{title}</h1>' in html


@pytest.mark.parametrize(("typed", "field", "error"), [({"country": "XX"}, "country", "XX"),
                                                       ({"country": "CN", "subdivision": "ZZ"}, "subdivision",
                                                        "no region “ZZ”")])
def test_k41_a_calendar_the_holidays_package_lacks_is_refused_next_to_the_field(client, admin, typed, field, error):
    client.force_login(admin)
    data = {"country": "", "subdivision": "", "days_ahead": 3, "template": MessageTemplate.objects.first().pk,
            "is_active": "on", **typed}
    page = client.post(reverse("care:calendar-add"), data)
    assert page.status_code == 200
    assert error in str(page.context["form"].errors[field])
    assert page.context["form"][field].value() == typed[field]  # what was typed is kept
    assert not HolidayCalendar.objects.filter(country=typed["country"], subdivision=typed.get("subdivision", ""))
