"""Issue 9's story: a team brings a GBK-encoded account list from Chinese Excel and
an XLSX of contacts with a lunar birthday (K-10); each is reviewed in a dry run,
applied, and found; the same file again changes nothing."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from accounts.models import Account
from contacts.models import Contact
from tests.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = "客户名称,负责人,行业,潜力\n上海华东机电有限公司,li,制造业,4\n北京远大科技,,软件,3\n".encode("gbk")


def contacts_xlsx():
    book = Workbook()
    book.active.append(["客户名称", "姓名", "职务", "生日", "角色"])
    book.active.append(["上海华东机电有限公司", "张伟", "采购总监", "农历八月十五", "决策者"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_and_check(page, live_server, kind, name, data):
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("What the file holds").select_option(kind)
    page.locator("input[type=file]").set_input_files({"name": name, "mimeType": "application/octet-stream",
                                                           "buffer": data})
    page.get_by_role("button", name="Upload and map columns").click()
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()


def test_a_manager_imports_a_gbk_account_list_and_an_xlsx_of_contacts(page, live_server, log_in, screenshot):
    UserFactory(username="li", team=TeamFactory(name="East China"))
    log_in("li", PASSWORD)

    upload_and_check(page, live_server, "accounts", "客户.csv", ACCOUNTS)
    expect(page.get_by_role("cell", name="上海华东机电有限公司")).to_be_visible()  # GBK read right
    expect(page.get_by_label("Account name")).to_have_value("0")  # matched by its Chinese header
    screenshot("import-1-mapping-desktop")
    page.get_by_role("button", name="Run the dry run").click()
    expect(page.get_by_role("button", name="Import 2 rows")).to_be_visible()
    screenshot("import-2-dry-run-desktop")
    assert not Account.objects.exists()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported: 2 created, 0 updated, 0 unchanged.")).to_be_visible()
    assert Account.objects.get(name="上海华东机电有限公司").potential == 4

    page.set_viewport_size({"width": 375, "height": 800})
    upload_and_check(page, live_server, "contacts", "联系人.xlsx", contacts_xlsx())
    screenshot("import-3-mapping-phone")
    page.get_by_role("button", name="Run the dry run").click()
    expect(page.get_by_role("cell", name="上海华东机电有限公司 · 张伟")).to_be_visible()
    screenshot("import-4-dry-run-phone")
    page.get_by_role("button", name="Import 1 row").click()
    expect(page.get_by_text("Imported: 1 created")).to_be_visible()
    zhang = Contact.objects.get(name="张伟")
    page.goto(f"{live_server.url}{zhang.get_absolute_url()}")
    expect(page.get_by_text("lunar month 8, day 15")).to_be_visible()
    screenshot("import-5-contact-phone")

    # The same account file again: every row unchanged, nothing new.
    page.set_viewport_size({"width": 1280, "height": 900})
    upload_and_check(page, live_server, "accounts", "客户.csv", ACCOUNTS)
    page.get_by_role("button", name="Run the dry run").click()
    page.get_by_role("link", name="Skip", exact=True).click()
    expect(page.get_by_text("Unchanged.")).to_have_count(2)
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported: 0 created, 0 updated, 2 unchanged.")).to_be_visible()
    screenshot("import-6-reimport-desktop")
    assert Account.objects.count() == 2 and Contact.objects.count() == 1


def test_the_import_pages_in_chinese_on_a_phone(page, live_server, log_in, screenshot):
    UserFactory(username="li", team=TeamFactory(name="East China"))
    log_in("li", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.set_viewport_size({"width": 375, "height": 800})
    upload_page = f"{live_server.url}/imports/"
    page.goto(upload_page)
    expect(page.get_by_role("heading", name="导入数据")).to_be_visible()
    page.get_by_label("文件内容").select_option("accounts")
    page.locator("input[type=file]").set_input_files({"name": "坏的.csv", "mimeType": "text/csv",
                                                      "buffer": "客户名称,潜力\n好公司,3\n坏公司,很多\n".encode("gbk")})
    page.get_by_role("button", name="上传并匹配列").click()
    page.get_by_role("button", name="开始试运行").click()
    expect(page.get_by_text("“很多”不是数字。")).to_be_visible()  # the bad row, in Chinese
    expect(page.get_by_role("link", name="上传修正后的文件")).to_be_visible()
    screenshot("import-7-errors-zh-hans-phone")
    page.goto(upload_page)
    screenshot("import-8-list-zh-hans-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
