"""Query strings that used to answer 500 (issue 15): each now ignored with a note, or 400/404.

The hostile walk (test_query_walk.py) sweeps every page; these pin the holes found,
and what the user sees instead."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feeds.models import CalendarFeedToken
from tests.factories import AccountFactory, ContactFactory
from visits.models import CustomerIssue
from visits.services import visit_log

pytestmark = pytest.mark.django_db


def _notes(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("team_value", ["abc", "all", "2024-02-30"])
def test_quarterly_report_ignores_a_team_that_is_not_one(client, supervisor, team_value):
    client.force_login(supervisor)
    page = client.get(reverse("visit-quarterly"), {"team": team_value})
    assert page.status_code == 200
    assert page.context["team"] is None
    assert any("Team" in note for note in _notes(page))


def test_quarterly_report_still_takes_a_team_and_a_quarter(client, supervisor, team):
    client.force_login(supervisor)
    page = client.get(reverse("visit-quarterly"), {"team": team.pk, "quarter": "2025-Q3"})
    assert page.context["team"] == team and page.context["label"] == "2025-Q3" and not _notes(page)


@pytest.mark.parametrize("url", ["/reports/visits/quarterly/?team=%00", "/contacts/?q=%00", "/visits/?q=%00",
                                 "/teams/?q=%00", "/plans/?q=%00", "/plans/question-bank/?q=%00",
                                 "/tiering/cadence/?tier=%00", "/accounts/?region=a%00b", "/visits/?%00=1"])
def test_a_nul_in_a_parameter_is_a_400(client, admin, url):
    client.force_login(admin)
    assert client.get(url).status_code == 400


def test_a_nul_in_the_path_is_a_404(client, manager):
    token = CalendarFeedToken.objects.create(user=manager)
    assert client.get(f"/calendar/feed/{token.secret}.ics").status_code == 200
    assert client.get(f"/calendar/feed/%00{token.secret}.ics").status_code == 404


def test_a_nul_in_a_posted_field_is_a_400(client, manager):
    client.force_login(manager)
    assert client.post(reverse("visits:sign-off-submit"), {"month": "2026-05\x00"}).status_code == 400


def test_a_huge_page_of_the_operating_report_is_the_first_page(client, admin):
    client.force_login(admin)
    page = client.get(reverse("reports:operating"), {"page": "99999999999999999999"})
    assert page.status_code == 200 and page.context["page"] == 1
    assert any("Page" in note or "page" in note for note in _notes(page))


def test_an_impossible_month_is_ignored_with_a_note(client, manager):
    client.force_login(manager)
    page = client.get(reverse("visits:list"), {"month": "2026-13", "channel": "phone"})
    assert page.status_code == 200 and page.context["month"] == "" and page.context["channel"] == "phone"
    assert any("Month" in note for note in _notes(page))


def test_a_bad_filter_does_not_empty_the_list(client, manager):
    """django-filter's strict mode showed no rows at all for one bad value; now the rest apply."""
    AccountFactory(owner=manager, name="Haier", status="active")
    client.force_login(manager)
    page = client.get(reverse("accounts:list"), {"status": "nonsense", "q": "Hai"})
    assert [a.name for a in page.context["accounts"]] == ["Haier"]
    assert any("Status" in note for note in _notes(page))


def test_archived_accounts_stay_hidden_on_the_bare_url(client, manager):
    AccountFactory(owner=manager, name="Gone", archived_at=timezone.now())
    AccountFactory(owner=manager, name="Here")
    client.force_login(manager)
    assert [a.name for a in client.get(reverse("accounts:list")).context["accounts"]] == ["Here"]
    assert {a.name for a in client.get(reverse("accounts:list"), {"archived": "on"}).context["accounts"]} == {
        "Gone", "Here"}


def test_an_export_takes_the_same_filters_as_its_page(client, manager):
    account = AccountFactory(owner=manager, name="Haier")
    ContactFactory(account=account, name="Zhou", status="active")
    ContactFactory(account=account, name="Sun", status="left", left_on=timezone.localdate())
    client.force_login(manager)
    page = client.get(reverse("contacts:list"), {"status": "left"})
    export = b"".join(client.get(reverse("contacts:list"), {"status": "left", "format": "csv"}).streaming_content)
    assert [c.name for c in page.context["contacts"]] == ["Sun"]
    assert b"Sun" in export and b"Zhou" not in export


def test_an_issue_follow_up_with_a_status_that_is_not_one_says_so(client, manager):
    visit = visit_log(account=AccountFactory(owner=manager), by=manager, occurred_at=timezone.now(),
                      channel="phone", purpose="Delivery", summary="Called.",
                      issues=[{"kind": "complaint", "description": "Late delivery."}])
    issue = visit.issues.get()
    client.force_login(manager)
    response = client.post(reverse("visits:issue-follow-up", args=[issue.pk]), {"status": "bogus"}, follow=True)
    issue.refresh_from_db()
    assert issue.status == CustomerIssue.Status.OPEN
    assert any("bogus" in note for note in _notes(response))


def test_the_only_mine_checkbox_narrows_the_visit_list(client, manager, teammate):
    account = AccountFactory(owner=manager)
    for author in (manager, teammate):
        visit_log(account=account, by=author, occurred_at=timezone.now(), channel="phone", purpose=author.username,
                  summary="s")
    client.force_login(manager)
    assert len(client.get(reverse("visits:list")).context["visits"]) == 2
    mine = client.get(reverse("visits:list"), {"mine": "1"})
    assert [v.purpose for v in mine.context["visits"]] == ["li"] and mine.context["mine"] is True


def test_the_cadence_board_checkbox_shows_my_accounts_only(client, manager, teammate, default_tiers):
    AccountFactory(owner=manager, name="Mine")
    AccountFactory(owner=teammate, name="Team's")
    client.force_login(manager)
    names = [a.name for a, _needs in client.get(reverse("tiering:cadence"), {"mine": "1"}).context["rows"]]
    assert names == ["Mine"]
