"""Issue 17, item 9: the account and contact lists sort names in the reader's Chinese order — pinyin
for 简体中文, strokes for 繁體中文 — through PostgreSQL's ICU collations, and the order stays an index
scan (the collated (name, id) indexes of accounts 0009 / contacts 0010) on a few thousand rows."""

import os

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts.models import Account
from contacts.models import Contact
from core.collation import collation_for, name_order
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

# 北京 běi, 成都 chéng, 上海 shàng, 天津 tiān: pinyin order. Strokes: 上 3, 天 4, 北 5, 成 6.
NAMES = ["上海电气", "北京远大", "天津港", "成都重工"]
PINYIN = ["北京远大", "成都重工", "上海电气", "天津港"]
STROKES = ["上海电气", "天津港", "北京远大", "成都重工"]


@pytest.fixture(autouse=True)
def icu_collations():
    """The embedded server of `make test` on a fresh machine is built without ICU: the lists then
    keep the plain order (core/collation.py), and there is nothing here to test. CI's Debian
    PostgreSQL has ICU, so there a missing collation fails."""
    if not os.environ.get("CI"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_collation WHERE collname IN ('zh-x-icu', 'zh-Hant-x-icu')")
            if cursor.fetchone()[0] < 2:
                pytest.skip("this PostgreSQL has no ICU collations (the embedded server is built without ICU)")


def _names(client, url, language):
    client.cookies["django_language"] = language
    page = client.get(url)
    return [a.name for a in page.context["accounts"]] if "accounts" in page.context else [
        c.name for c in page.context["contacts"]]


def test_the_server_has_the_collations_this_test_needs():
    assert collation_for("zh-hans") == "zh-x-icu" and collation_for("zh-hant") == "zh-Hant-x-icu"
    assert collation_for("en") is None


def test_account_list_sorts_by_pinyin_in_simplified_and_by_strokes_in_traditional(client, admin):
    for name in NAMES:
        AccountFactory(name=name)
    client.force_login(admin)
    assert _names(client, reverse("accounts:list"), "zh-hans") == PINYIN
    assert _names(client, reverse("accounts:list"), "zh-hant") == STROKES
    assert _names(client, reverse("accounts:list"), "en") == sorted(NAMES)  # the plain order


def test_contact_list_sorts_the_same_way(client, manager):
    account = AccountFactory(owner=manager)
    for name in ["周敏", "王芳", "李娜", "丁磊", "刘洋"]:
        ContactFactory(account=account, name=name)
    client.force_login(manager)
    # dīng lǐ liú wáng zhōu; and by strokes 丁 2, 王 4, 刘 6, 李 7, 周 8
    assert _names(client, reverse("contacts:list"), "zh-hans") == ["丁磊", "李娜", "刘洋", "王芳", "周敏"]
    assert _names(client, reverse("contacts:list"), "zh-hant") == ["丁磊", "王芳", "刘洋", "李娜", "周敏"]


def _plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(("language", "index"), [
    ("zh-hans", "account_name_zh_hans_idx"), ("zh-hant", "account_name_zh_hant_idx"), ("en", "account_name_id_idx")])
def test_the_first_page_of_a_few_thousand_accounts_reads_the_collated_index(admin, language, index):
    owner = AccountFactory().owner
    Account.objects.bulk_create([Account(name=f"客户{n:05d}号", owner=owner, language="") for n in range(4000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_account")
    with translation.override(language):
        page = Account.objects.visible_to(admin).with_list_columns().order_by(*name_order())[:25]
        plan = _plan(page)
    assert index in plan and "Sort" not in plan.split("\n")[1], plan


@pytest.mark.parametrize(("language", "index"), [("zh-hans", "contact_name_zh_hans_idx"),
                                                 ("zh-hant", "contact_name_zh_hant_idx")])
def test_the_first_page_of_a_few_thousand_contacts_reads_the_collated_index(admin, language, index):
    account = AccountFactory()
    Contact.objects.bulk_create([Contact(account=account, name=f"联系人{n:05d}", language="") for n in range(4000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact")
    with translation.override(language):
        page = Contact.objects.visible_to(admin).select_related("account").with_roles().order_by(*name_order())[:25]
        plan = _plan(page)
    assert index in plan, plan
