"""Issue 25, item 7: the monthly evaluation (K-55) has one period filter, the month, in the same
form as the team, manager and tier filters: choosing a month keeps the team chosen."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def forms_of(html):
    return re.findall(r'<form method="get".*?</form>', html, re.S)


def test_k55_the_evaluation_has_one_period_filter_the_month_beside_the_others(client, supervisor, team):
    client.force_login(supervisor)
    page = client.get(reverse("reports:evaluation"))
    html = page.content.decode()
    assert 'name="start"' not in html and 'name="end"' not in html
    [filters] = [form for form in forms_of(html) if 'name="team"' in form]
    assert 'name="month"' in filters and html.count('name="month"') == 1


def test_k55_the_month_and_the_team_are_chosen_together(client, supervisor, team):
    months = [timezone.localdate().replace(day=1)]
    previous = (months[0] - timezone.timedelta(days=1)).replace(day=1)
    client.force_login(supervisor)
    page = client.get(reverse("reports:evaluation"), {"month": f"{previous:%Y-%m}", "team": team.pk})
    html = page.content.decode()
    assert page.context["month"] == previous
    assert f'<option value="{previous:%Y-%m}" selected>' in html
    assert re.search(rf'<option value="{team.pk}" selected>', html)
    assert f"month={previous:%Y-%m}" in html  # the CSV and XLSX links keep the month


def test_other_reports_keep_their_from_to_period(client, supervisor):
    client.force_login(supervisor)
    html = client.get(reverse("reports:concentration")).content.decode()
    assert 'name="start"' in html and 'name="end"' in html and 'name="month"' not in html
