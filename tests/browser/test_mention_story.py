"""Issue 23 in a real browser: 王主管 (supervisor) @mentions 李经理 on an account — the @
autocomplete offers only colleagues who may see it — 李经理 opens it from the notification,
replies with the quote attached (a PDF, whose first page becomes its preview), and the account's
timeline shows both, the comment and the file. Desktop and phone."""

import pytest
from playwright.sync_api import expect

from tests.attachments import pdfs
from tests.factories import PASSWORD, AccountFactory, SupervisorFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 800}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def account(db):
    east = TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang", display_name="王主管"))
    south = TeamFactory(name="South China", supervisor=SupervisorFactory(username="zhang", display_name="张主管"))
    li = UserFactory(username="li", display_name="李经理", team=east)
    UserFactory(username="huang", display_name="黄经理", team=south)
    return AccountFactory(name="东方电子", owner=li)


def open_bell(page):
    toggler = page.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():
        toggler.click()
    page.locator("#bell").click()


def test_a_mention_is_opened_from_the_notification_and_answered(page, live_server, account, log_in, screenshot):
    page.set_viewport_size(DESKTOP)
    log_in("wang", PASSWORD)
    page.goto(f"{live_server.url}{account.get_absolute_url()}")
    page.get_by_role("link", name="Timeline and comments").click()
    box = page.get_by_role("textbox", name="Comment")
    box.fill("@")
    box.press_sequentially("l")
    suggestion = page.get_by_role("button", name="李经理 (@li)")
    expect(suggestion).to_be_visible()
    expect(page.get_by_role("button", name="黄经理 (@huang)")).to_have_count(0)  # another team: not offered
    suggestion.click()
    box.press_sequentially("续约谈到哪一步了？")
    screenshot("mention-1-autocomplete")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Comment posted.")).to_be_visible()
    expect(page.locator(".mention", has_text="@李经理").first).to_be_visible()

    page.context.clear_cookies()
    log_in("li", PASSWORD)
    open_bell(page)
    page.get_by_role("link", name="王主管 mentioned you on 东方电子").click()
    expect(page.get_by_text("续约谈到哪一步了？")).to_be_visible()
    screenshot("mention-2-opened-from-the-notification")
    page.get_by_role("button", name="Reply").first.click()
    page.get_by_role("textbox", name="Comment").press_sequentially("下周二签约，报价单见附件。")
    page.get_by_label("Attach files").set_input_files(
        {"name": "报价单.pdf", "mimeType": "application/pdf", "buffer": pdfs.one_page("Quote 2026")})
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Comment posted with 1 file.")).to_be_visible()

    page.get_by_role("link", name="The account's timeline").click()
    timeline = page.get_by_role("list", name="What happened, newest first")
    expect(timeline.get_by_text("续约谈到哪一步了？")).to_be_visible()
    expect(timeline.get_by_text("下周二签约，报价单见附件。")).to_be_visible()
    file_entry = timeline.get_by_role("link", name="File added: 报价单.pdf")
    expect(file_entry).to_be_visible()
    preview = timeline.locator("img.timeline-thumb")
    expect(preview).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", preview.element_handle()) > 0  # the first page, drawn
    screenshot("mention-3-timeline-with-the-file")
    with page.expect_popup() as opened:
        preview.click()
    assert opened.value.url.endswith(file_entry.get_attribute("href"))
    page.set_viewport_size(PHONE)
    screenshot("mention-4-timeline-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.context.clear_cookies()
    log_in("wang", PASSWORD)
    open_bell(page)
    expect(page.get_by_role("link", name="李经理 mentioned you on 东方电子")).to_be_visible()


def test_the_slash_key_opens_the_search(page, live_server, account, log_in):
    page.set_viewport_size(DESKTOP)
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/")
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type("东方")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="东方电子")).to_be_visible()
