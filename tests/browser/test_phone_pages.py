"""Issue 25, items 9 and 10, on a phone: the visit page's preparation card puts each Link button
on the row of the planned visit it links; the account page's buttons are of one height and its
secondary panels fold, so that the page is short and each panel opens with a tap."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import PlannedVisit
from tests.factories import PASSWORD, AccountFactory, ContactFactory, OrderFactory, TeamFactory, UserFactory
from visits.services import visit_log

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def li_account(db):
    li = UserFactory(username="li", display_name="李经理", team=TeamFactory(name="East China"))
    account = AccountFactory(name="东方电子 Oriental Electronics", owner=li, kind="strategic")
    ContactFactory(account=account, name="周总 Zhou")
    for _ in range(4):
        OrderFactory(account=account)
    return li, account


def box(locator):
    return locator.bounding_box()


def test_each_link_button_stands_on_the_row_of_its_planned_visit(page, live_server, log_in, screenshot, li_account):
    li, account = li_account
    today = timezone.localdate()
    for topics in ("Price negotiation for the framework agreement", "年度回顾与明年计划 Year-end review"):
        PlannedVisit.objects.create(account=account, owner=li, created_by=li, month=today.replace(day=1), topics=topics)
    visit = visit_log(account=account, by=li, occurred_at=timezone.now(), channel="on_site", purpose="Review",
                      summary="Talked")
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}{visit.get_absolute_url()}")

    rows = page.locator("#prep-h").locator("xpath=ancestor::section").locator("li.list-group-item")
    expect(rows).to_have_count(2)
    for i in range(2):
        label, button = box(rows.nth(i).locator("span").first), box(rows.nth(i).get_by_role("button", name="Link"))
        assert button["x"] > label["x"] + label["width"] - 1  # to the label's right, not above it
        assert label["y"] <= button["y"] + button["height"] / 2 <= label["y"] + label["height"]  # on its row
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot("visit-preparation-links-phone")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_account_page_on_a_phone_has_even_buttons_and_folded_panels(page, live_server, log_in, screenshot,
                                                                         li_account, language):
    _li, account = li_account
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}{account.get_absolute_url()}")

    heights = {round(box(button)["height"]) for button in page.locator(".account-actions .btn").all()}
    assert len(heights) == 1, heights
    panels = page.locator("details.js-fold-on-phone")
    assert panels.count() >= 6
    assert all(panel.get_attribute("open") is None for panel in panels.all())  # folded at load
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(f"account-phone-folded-{language}")

    orders = page.locator("details", has=page.locator("#orders-h"))
    expect(orders.locator("table")).to_be_hidden()
    orders.locator("summary").click()
    expect(orders.locator("table")).to_be_visible()


def test_on_a_desktop_every_panel_is_open(page, live_server, log_in, li_account):
    _li, account = li_account
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}{account.get_absolute_url()}")
    panels = page.locator("details.js-fold-on-phone")
    assert panels.count() >= 6
    assert all(panel.get_attribute("open") is not None for panel in panels.all())


@pytest.mark.parametrize("path", ["/opportunities/board/", "/opportunities/", "/opportunities/forecast/",
                                  "/opportunities/win-rate/"])
def test_issue22_the_pipeline_pages_fit_a_phone(page, live_server, log_in, screenshot, li_account, path):
    from tests.factories import OpportunityFactory, stage

    _li, account = li_account
    for name in ("Lead", "Proposal", "Tender", "Won"):
        OpportunityFactory(account=account, name=f"年度框架协议 {name} framework agreement", stage=stage(name),
                           expected_close=timezone.localdate(), closed_on=timezone.localdate())
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}{path}")
    # The board scrolls sideways inside its own box; the page itself never does.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot("pipeline-phone-" + (path.strip("/").split("/")[-1] or "list"))


def test_issue22_on_a_phone_the_boards_stages_stand_one_under_the_other_with_a_stage_picker(
        page, live_server, log_in, screenshot, li_account):
    from tests.factories import OpportunityFactory, stage

    _li, account = li_account
    for name in ("Lead", "Proposal", "Tender"):
        OpportunityFactory(account=account, name=f"年度框架协议 {name}", stage=stage(name))
    page.set_viewport_size(PHONE)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/opportunities/board/")
    board = page.locator(".board")
    assert board.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing hidden to the right
    lead, proposal = page.locator(".board-column").nth(0), page.locator(".board-column").nth(1)
    assert box(proposal)["y"] >= box(lead)["y"] + box(lead)["height"] and box(lead)["width"] > 300
    picker = page.locator(".board-stages")
    expect(picker).to_be_visible()
    picker.get_by_role("link", name="Tender").click()  # a chip jumps to its stage
    expect(page.locator(".board-column", has_text="年度框架协议 Tender")).to_be_in_viewport()
    screenshot("pipeline-board-phone-stacked")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    expect(page.locator(".board-stages")).to_be_hidden()
    lead, proposal = page.locator(".board-column").nth(0), page.locator(".board-column").nth(1)
    assert box(proposal)["x"] > box(lead)["x"] and box(proposal)["y"] == box(lead)["y"]  # side by side


def test_issue19_a_card_moves_by_its_button_with_its_columns_picker_and_the_board_stays(
        page, live_server, log_in, screenshot, li_account):
    """Light cards: one picker per column, one Move button per card (formaction on the column's
    form). With htmx the board is swapped in place: the page is not loaded again."""
    from tests.factories import OpportunityFactory, stage

    _li, account = li_account
    tender = stage("Tender")  # before the page: a flush by an earlier live-server test removes the stages
    deal = OpportunityFactory(account=account, name="年度框架协议 MES", stage=stage("Proposal"))
    OpportunityFactory(account=account, name="二号工厂 Line 2", stage=stage("Proposal"))
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/opportunities/board/")
    page.evaluate("window.stillHere = true")
    proposal = page.locator(f"#column-{stage('Proposal').pk}")
    proposal.get_by_label("Move to").select_option(label="Tender")
    proposal.locator(f"#card-{deal.pk}").get_by_role("button", name="Move").click()
    expect(page.locator(f"#column-{tender.pk} #card-{deal.pk}")).to_be_visible()
    expect(proposal).to_contain_text("二号工厂 Line 2")
    assert page.evaluate("window.stillHere === true")  # swapped by htmx, not a new page
    screenshot("pipeline-board-moved-in-place")
