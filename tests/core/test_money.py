"""Issue 17, item 4: money with its currency, large figures in 万/亿 where reports summarise, and sums
that never add two currencies as they are (core/money.py: converted at the configured rates first).
K-08 (orders), K-54 (concentration), K-07 (a group's figures roll up)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.selectors import group_figures
from accounts.services import order_add
from core.money import convert, format_money, large_figure, large_money, parse_rates, rates
from reports import analytics
from tests.factories import AccountFactory, OrderFactory


@pytest.mark.parametrize(("amount", "hans", "hant", "en"), [
    (0, "0", "0", "0"),
    (9999, "9,999", "9,999", "9,999"),
    (Decimal("9999.4"), "9,999", "9,999", "9,999"),
    (Decimal("9999.5"), "1万", "1萬", "10,000"),  # rounds into the next unit: never "10,000" in Chinese
    (10000, "1万", "1萬", "10,000"),
    (15000, "1.5万", "1.5萬", "15,000"),
    (10742000, "1,074.2万", "1,074.2萬", "10,742,000"),
    (99994999, "9,999.5万", "9,999.5萬", "99,994,999"),
    (99999999, "1亿", "1億", "99,999,999"),  # not 10,000万
    (100000000, "1亿", "1億", "100,000,000"),
    (123456789012, "1,234.6亿", "1,234.6億", "123,456,789,012"),
    (-25000, "-2.5万", "-2.5萬", "-25,000"),
])
def test_large_figures_are_counted_in_wan_and_yi_at_the_boundaries(amount, hans, hant, en):
    assert large_figure(amount, "zh-hans") == hans
    assert large_figure(amount, "zh-hant") == hant
    with translation.override("en"):
        assert large_figure(amount) == en


def test_money_shows_its_currency_and_groups_in_every_language():
    for language in ("en", "zh-hans", "zh-hant"):
        with translation.override(language):
            assert format_money(Decimal("10742000"), "CNY") == "¥10,742,000.00"
            assert format_money(Decimal("1200"), "HKD") == "HK$1,200.00"
            assert format_money(Decimal("5"), "TWD") == "NT$5.00"
            assert format_money(None) == ""
    with translation.override("zh-hant"):
        assert large_money(Decimal("350000000"), "HKD") == "HK$3.5億"
        rendered = Template("{% load money %}{{ v|money:'USD' }} · {{ v|large_money }}").render(
            Context({"v": Decimal("10742000")}))
    assert rendered == "US$10,742,000.00 · ¥1,074.2萬"


def test_the_rates_setting_is_read_strictly():
    assert parse_rates("hkd=0.92, USD=7.2") == {"HKD": Decimal("0.92"), "USD": Decimal("7.2")}
    for bad in ("HK=1", "USD=x", "USD=0", "USD=-1"):
        with pytest.raises(ValueError):
            parse_rates(bad)
    assert rates()["CNY"] == 1 and convert(100, "HKD") == Decimal("92.00")


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_k08_an_order_carries_its_currency_or_inherits_the_account_s(manager):
    hong_kong = AccountFactory(owner=manager, name="港灯", currency="HKD")
    inherited = order_add(account=hong_kong, by=manager, signed_on=timezone.localdate(), product="ERP",
                          amount=Decimal("1000"), currency="")
    own = order_add(account=hong_kong, by=manager, signed_on=timezone.localdate(), product="MES",
                    amount=Decimal("500"), currency="USD")
    assert (inherited.currency, own.currency) == ("HKD", "USD")
    assert AccountFactory(owner=manager).currency == "CNY"  # the default (DJANGO_MONEY_CURRENCY)


@pytestmark_db
def test_k07_an_account_s_figures_are_in_its_own_currency_each_order_converted(client, manager):
    group = AccountFactory(owner=manager, name="港灯集团", currency="HKD")
    subsidiary = AccountFactory(owner=manager, name="深圳港灯", currency="CNY", parent=group)
    OrderFactory(account=group, amount=Decimal("1000"), signed_on=timezone.localdate())
    OrderFactory(account=subsidiary, amount=Decimal("920"), signed_on=timezone.localdate())  # ¥920 = HK$1,000
    figures = group_figures(group)
    assert (figures.order_total, figures.currency) == (Decimal("2000"), "HKD")
    client.force_login(manager)
    page = client.get(reverse("accounts:detail", args=[group.pk])).content.decode()
    assert "HK$2,000.00" in page and "HK$1,000.00" in page  # the figures and the order line


@pytestmark_db
def test_k54_concentration_adds_currencies_only_after_converting_them(client, supervisor, manager):
    OrderFactory(account=AccountFactory(owner=manager, name="上海电气", currency="CNY"), amount=Decimal("1000000"),
                 signed_on=timezone.localdate() - timedelta(days=5))
    OrderFactory(account=AccountFactory(owner=manager, name="港灯", currency="HKD"), amount=Decimal("1000000"),
                 signed_on=timezone.localdate() - timedelta(days=5))
    scope = analytics.scope(supervisor)
    result = analytics.revenue_concentration(scope, start=date(2000, 1, 1), end=timezone.localdate(),
                                             today=timezone.localdate())
    assert result.total == Decimal("1920000")  # ¥1,000,000 + HK$1,000,000 × 0.92, not 2,000,000
    assert [(name, amount) for _n, name, _pk, amount, _s in result.top] == [
        ("上海电气", Decimal("1000000")), ("港灯", Decimal("920000"))]
    client.force_login(supervisor)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("reports:concentration")).content.decode()
    assert "¥192万" in page and "¥92万" in page
    response = client.get(reverse("reports:concentration"), {"format": "csv"})
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "(CNY)" in csv.splitlines()[0]
