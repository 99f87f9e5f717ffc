"""Every list downloads as CSV and XLSX (issue 9, part 4): `?format=csv|xlsx` on
the page's own URL gives every row of the page's own filtered, permission-scoped
list — never a row the page would not show — with formula cells neutralised (CSV:
an apostrophe; XLSX: typed string cells, the data untouched), headers in the
reader's language, and a query count that does not grow with the rows.

Each list below says how to put one of li's rows on it, who may see that row
(K-05: the outsider and their supervisor never do), and a filter that hides it."""

import csv
import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import prospect_claim_file
from care.models import CareTask
from core.exports import FORMULA_START
from tests.clock import DAY
from tests.factories import AccountFactory, ContactFactory, ProspectFactory
from tiering.models import RuleSet, Tier, TierProposal, TierReview
from visits.models import MonthlyLog, Visit
from visits.services import green_request_create, monthly_log_submit, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]

MARK = "=HYPERLINK(1+1) row"  # a spreadsheet would run it: the export must keep it text


@dataclass
class World:
    manager: object
    team: object
    account: object
    log_month: object = None
    review: object = None
    made: list = field(default_factory=list)


def _account(w, mark):
    return AccountFactory(owner=w.manager, name=mark)


def _visit(w, mark, **fields):
    return visit_log(account=w.account, by=w.manager, channel="on_site", purpose=mark, summary="s",
                     occurred_at=timezone.now() - timedelta(minutes=5), **fields)


def _issue(w, mark):
    _visit(w, "p", issues=[{"kind": "complaint", "description": mark}])


def _claim(w, mark):
    prospect_claim_file(account=ProspectFactory(name=mark), by=w.manager, reason="r")


def _task(w, mark):
    CareTask.objects.create(kind="custom", account=w.account, owner=w.manager, occasion=mark, title=mark,
                            due_on=timezone.localdate())


def _birthday(w, mark):
    ContactFactory(account=w.account, name=mark, birth_month=timezone.localdate().month, birth_day=1)


def _proposal(w, mark):
    TierProposal.objects.create(account=_account(w, mark), from_tier=Tier.objects.get(code="C"),
                                to_tier=Tier.objects.get(code="A"), rule_set=RuleSet.objects.get(is_active=True),
                                review=w.review)


def _team(w, mark):
    w.team.name = mark
    w.team.save()


def _sign_off_log(w):
    log = MonthlyLog.objects.filter(author=w.manager, month=w.log_month).first()
    return [(log or monthly_log_submit(author=w.manager, month=w.log_month, by=w.manager)).pk]


@dataclass
class List:
    name: str
    make: Callable
    seen_by: set
    filter_out: dict | None = None
    query: dict = field(default_factory=dict)
    args: Callable | None = None
    counted_by: str = "manager"  # who reads the growing list in the query-count test


TEAM = {"manager", "teammate", "supervisor"}
NEXT_MONTH = f"{DAY.replace(day=28) + timedelta(days=5):%Y-%m}"

MINE = {"manager", "supervisor"}  # the owner and their supervisor, not the teammate

LISTS = [
    List("accounts:list", _account, TEAM, {"q": "nothing like it"}),
    List("accounts:claims", _claim, MINE),
    List("contacts:list", lambda w, m: ContactFactory(account=w.account, name=m), TEAM, {"status": "left"}),
    List("contacts:dangers", _account, TEAM),
    List("visits:list", _visit, TEAM, {"channel": "phone"}),
    List("visits:issues", _issue, MINE, {"show": "overdue"}, query={"show": "all"}),
    List("visits:green", lambda w, m: green_request_create(account=w.account, by=w.manager, title=m), TEAM,
         {"stage": "completed"}),
    List("visits:sign-off-review", _visit, MINE, args=_sign_off_log),
    List("tiering:cadence", _account, TEAM, {"tier": "A"}),
    List("tiering:review", _proposal, {"supervisor"}, counted_by="supervisor"),
    List("care:home", _task, MINE),
    List("care:birthdays", _birthday, MINE, {"month": NEXT_MONTH}),
    List("users:team-list", _team, TEAM, {"q": "nothing like it"}),
]
IDS = [spec.name for spec in LISTS]


@pytest.fixture
def world(manager, team, default_tiers):
    w = World(manager=manager, team=team, account=AccountFactory(owner=manager, name="Haier"),
              log_month=timezone.localdate().replace(day=1))
    w.review = TierReview.objects.create(team=team, year=2026, quarter=4, opened_by=team.supervisor)
    return w


PERSONAS = ["manager", "teammate", "supervisor", "outsider", "their_supervisor"]


def persona(request, name):
    if name == "their_supervisor":
        return request.getfixturevalue("other_team").supervisor
    return request.getfixturevalue(name)


def url(spec, w):
    return reverse(spec.name, args=spec.args(w) if spec.args else None)


def download(client, path, query, wanted="csv", **headers):
    response = client.get(path, {**query, "format": wanted}, **headers)
    if response.status_code != 200:
        return response, None
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if wanted == "csv":
        return response, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return response, [list(row) for row in sheet.iter_rows(values_only=True)]


def shows(rows, mark):
    return any(str(cell).startswith("'" + mark) for row in rows[1:] for cell in row if cell)


@pytest.mark.parametrize("spec", LISTS, ids=IDS)
@pytest.mark.parametrize("who", PERSONAS)
def test_k05_the_export_shows_exactly_the_rows_the_page_shows(client, request, world, spec, who):
    spec.make(world, MARK)
    path = url(spec, world)
    client.force_login(persona(request, who))

    page = client.get(path, spec.query)
    response, rows = download(client, path, spec.query)

    if page.status_code == 404:  # a month log of someone else's: the download is no back door
        assert who not in spec.seen_by and response.status_code == 404
        return
    assert response["Content-Type"].startswith("text/csv")
    on_page = html.escape(MARK) in page.content.decode()
    assert on_page == (who in spec.seen_by), (who, "page")
    assert shows(rows, MARK) == on_page, (who, "export")


@pytest.mark.parametrize("spec", [s for s in LISTS if s.filter_out], ids=[s.name for s in LISTS if s.filter_out])
def test_the_export_keeps_the_page_filters(client, world, manager, spec):
    spec.make(world, MARK)
    client.force_login(manager)

    _response, unfiltered = download(client, url(spec, world), spec.query)
    _response, filtered = download(client, url(spec, world), {**spec.query, **spec.filter_out})

    assert shows(unfiltered, MARK) and not shows(filtered, MARK)
    assert html.escape(MARK) not in client.get(url(spec, world), {**spec.query, **spec.filter_out}).content.decode()


@pytest.mark.parametrize("spec", LISTS, ids=IDS)
def test_no_cell_of_an_export_starts_a_formula(client, request, world, spec):
    spec.make(world, MARK)
    client.force_login(persona(request, spec.counted_by))

    _response, rows = download(client, url(spec, world), spec.query, "csv")
    cells = [str(cell) for row in rows for cell in row if cell is not None]
    assert "'" + MARK in cells
    assert not [cell for cell in cells if cell.lstrip().startswith(FORMULA_START)]

    # XLSX types its cells: the text is exactly as typed, in a string cell (never a formula).
    response = client.get(url(spec, world), {**spec.query, "format": "xlsx"})
    cells = [cell for row in openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows()
             for cell in row if cell.value is not None]
    assert MARK in [cell.value for cell in cells]
    assert not [cell.value for cell in cells if cell.data_type == "f"]


@pytest.mark.parametrize("spec", [s for s in LISTS if s.name != "users:team-list"],
                         ids=[s.name for s in LISTS if s.name != "users:team-list"])
def test_the_query_count_does_not_grow_with_the_rows(client, request, world, spec):
    client.force_login(persona(request, spec.counted_by))

    spec.make(world, f"{MARK} 0")
    path = url(spec, world)

    def count():
        with CaptureQueriesContext(connection) as queries:
            _response, rows = download(client, path, spec.query)
        return len(queries), len(rows)

    count()  # once-per-process work (e.g. the lunar calendar's years) is not the list's
    few, few_rows = count()
    for n in range(1, 13):
        spec.make(world, f"{MARK} {n}")
    many, many_rows = count()

    assert many_rows >= few_rows + 12 > 12
    assert many == few, (few, many)


def test_the_team_list_export_does_not_grow_with_the_teams(client, admin, world):
    from tests.factories import TeamFactory

    client.force_login(admin)
    download(client, reverse("users:team-list"), {})  # the session's expiry push comes with the first
    with CaptureQueriesContext(connection) as few:
        download(client, reverse("users:team-list"), {})
    TeamFactory.create_batch(12)
    with CaptureQueriesContext(connection) as many:
        _response, rows = download(client, reverse("users:team-list"), {})
    assert len(rows) == 1 + 13 and len(many) == len(few)


def test_the_xlsx_opens_with_headers_in_the_readers_language(client, manager, world):
    _account(world, MARK)
    client.force_login(manager)

    response, rows = download(client, reverse("accounts:list"), {}, "xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="accounts-' in response["Content-Disposition"]
    assert rows[0][:4] == ["名称", "所属集团", "类型", "状态"]
    haier = next(row for row in rows if row[0] == MARK)  # no apostrophe: a typed string cell
    assert haier[2] == "战略客户" and haier[6] == str(manager)


def test_the_streamed_csv_stays_in_the_readers_language(client, manager, world):
    from django.utils import translation

    _account(world, MARK)
    client.force_login(manager)
    response = client.get(reverse("accounts:list"), {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    translation.activate("en")  # whatever the thread does before the rows stream out

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert rows[0][0] == "名称"
    assert next(row for row in rows if row[0] == "'" + MARK)[2] == "战略客户"


def test_the_export_has_every_row_not_just_the_first_page(client, manager, world):
    for n in range(30):
        _account(world, f"Account {n:02}")
    client.force_login(manager)

    page = client.get(reverse("accounts:list"))
    _response, rows = download(client, reverse("accounts:list"), {"page": "2"})

    assert len(page.context["accounts"]) == 25
    assert len(rows) == 1 + 31  # the header, Haier and the 30


def test_every_list_page_offers_the_download_with_its_filters(client, manager, world):
    client.force_login(manager)

    page = client.get(reverse("visits:list"), {"channel": "phone", "page": "1"}).content.decode()

    assert "?channel=phone&amp;format=csv" in page and "?channel=phone&amp;format=xlsx" in page
    assert "page=1&amp;format" not in page


def test_an_unknown_format_shows_the_page(client, manager, world):
    client.force_login(manager)
    response = client.get(reverse("contacts:list"), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_visits_export_lists_the_contacts_met_without_a_query_each(client, manager, world):
    zhou = ContactFactory(account=world.account, name="Zhou")
    _visit(world, "Demo", contacts=[zhou])
    client.force_login(manager)

    _response, rows = download(client, reverse("visits:list"), {})

    assert rows[1][1:6] == ["Haier", "On-site visit", "Demo", str(manager), "Zhou"]
    assert Visit.objects.count() == 1


# The sign-off page lists months and people, no free text: its own story.

def test_k21_the_sign_off_export_has_my_months_and_the_logs_waiting_for_my_supervisor(
        client, manager, teammate, supervisor, outsider, world):
    manager.display_name = MARK
    manager.save()
    _visit(world, "Demo")
    monthly_log_submit(author=manager, month=world.log_month, by=manager)

    def rows_for(person):
        client.force_login(person)
        return download(client, reverse("visits:sign-off"), {})[1]

    mine = rows_for(manager)
    assert len(mine) == 1 + 6  # the header and my last six months
    assert mine[1][:4] == ["'" + MARK, f"{world.log_month:%Y-%m}", "1", "Submitted"]
    assert ["'" + MARK, f"{world.log_month:%Y-%m}", "1", "Submitted"] in [row[:4] for row in rows_for(supervisor)]
    for person in (teammate, outsider):
        assert not shows(rows_for(person), MARK)


def test_the_sign_off_export_does_not_grow_in_queries_with_the_team(client, team, supervisor, world):
    from tests.factories import UserFactory

    def submit(n):
        author = UserFactory(username=f"m{n}", team=team)
        visit_log(account=AccountFactory(owner=author), by=author, channel="phone", purpose="p", summary="s")
        log = monthly_log_submit(author=author, month=world.log_month, by=author)
        MonthlyLog.objects.filter(pk=log.pk).update(decided_by=supervisor)

    client.force_login(supervisor)
    submit(0)
    download(client, reverse("visits:sign-off"), {})
    with CaptureQueriesContext(connection) as few:
        download(client, reverse("visits:sign-off"), {})
    for n in range(1, 8):
        submit(n)
    with CaptureQueriesContext(connection) as many:
        _response, rows = download(client, reverse("visits:sign-off"), {})
    assert len(rows) == 1 + 6 + 8  # my months, then the team's logs (the queue is among them: once each)
    assert len(many) == len(few)


# What some columns say (the generic tests above check who sees which row).

def test_k13_the_danger_map_export_explains_each_account_s_dangers(client, manager, world):
    client.force_login(manager)

    _response, rows = download(client, reverse("contacts:dangers"), {})

    haier = next(row for row in rows if row[0] == "Haier")
    assert haier[1] == str(manager) and int(haier[2]) > 0
    assert "Decision-maker unknown." in haier[3] and "No coach" in haier[3]


def test_k30_the_cadence_export_shows_the_tier_and_the_next_touch_due(client, manager, world):
    from tiering.models import AccountTier

    AccountTier.objects.create(account=world.account, tier=Tier.objects.get(code="A"), set_at=timezone.now())
    _visit(world, "Touch")
    client.force_login(manager)

    _response, rows = download(client, reverse("tiering:cadence"), {}, "xlsx")

    assert rows[0] == ["Account", "Tier", "Responsible manager", "Next touch due", "Overdue", "Last touch"]
    haier = next(row for row in rows if row[0] == "Haier")
    assert haier[1] == "A" and haier[4] == "No"
    assert haier[3].date() >= timezone.localdate() and haier[5].date() == timezone.localdate()
