"""Money in templates (core/money.py): `{{ order.amount|money:order.currency }}` for an amount as it
is, `{{ total|large_money }}` / `{{ total|large_figure }}` where a dashboard or report summarises
(万 / 亿 in Chinese, grouped thousands in English). Without a currency: the reporting currency."""

from django import template

from core import money as core_money

register = template.Library()


@register.filter
def money(amount, currency=None):
    return core_money.format_money(amount, currency or None)


@register.filter
def large_money(amount, currency=None):
    return core_money.large_money(amount, currency or None)


@register.filter
def large_figure(amount):
    return core_money.large_figure(amount)


@register.simple_tag
def reporting_currency():
    return core_money.reporting_currency()


@register.simple_tag
def reporting_symbol():
    """¥ for CNY, HK$ for HKD: the unit of a chart's money axis."""
    return core_money.symbol(core_money.reporting_currency()).strip()
