"""Money with its currency (issue 17, item 4).

Every account has a currency (CNY unless an admin or the import says otherwise: HKD for a Hong Kong
customer, TWD, USD …); each order carries one too, the account's when none is given.

**The rule for sums: never add two currencies as they are.** Every amount is converted first, at the
rates configured in `DJANGO_MONEY_RATES` (how many units of the reporting currency one unit buys,
e.g. `HKD=0.92,USD=7.2`), into the currency of the sum:
- an account's own figures (its orders, its plan's revenue goals, a group's roll-up) in the
  account's currency;
- every figure across accounts (dashboards, reports, tier thresholds) in the reporting currency,
  `DJANGO_MONEY_CURRENCY` (CNY by default), and the report says so.
The rates are fixed by configuration, not fetched: a report reads the same tomorrow as today, and
the figures are for steering, not bookkeeping. Only currencies with a rate can be chosen, so no
amount is ever left out of a sum or added unconverted.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Value, When
from django.utils.formats import number_format
from django.utils.translation import get_language

SYMBOLS = {"CNY": "¥", "HKD": "HK$", "MOP": "MOP$", "TWD": "NT$", "SGD": "S$", "USD": "US$", "EUR": "€",
           "GBP": "£", "JPY": "JP¥", "KRW": "₩", "AUD": "A$", "CAD": "C$"}
CODE = re.compile(r"^[A-Z]{3}$")


def reporting_currency():
    return settings.MONEY_REPORTING_CURRENCY


def default_currency():
    """A new account's currency (a callable, so a migration does not freeze the setting)."""
    return settings.MONEY_REPORTING_CURRENCY


def rates():
    """code → units of the reporting currency per unit; the reporting currency itself is 1."""
    return {**settings.MONEY_RATES, reporting_currency(): Decimal(1)}


def currencies():
    return [reporting_currency(), *sorted(code for code in rates() if code != reporting_currency())]


def currency_choices():
    return [(code, f"{code} {SYMBOLS.get(code, '')}".strip()) for code in currencies()]


def convert(amount, from_currency, to_currency=None):
    to_currency = to_currency or reporting_currency()
    table = rates()
    return Decimal(amount) * table[from_currency] / table[to_currency]


def rate_sql(column):
    """SQL for the rate of the currency in `column` (a CASE over the configured rates; codes and
    rates are validated at start, so they are safe as literals)."""
    cases = " ".join(f"WHEN '{code}' THEN {rate}" for code, rate in sorted(rates().items()))
    return f"(CASE {column} {cases} END)"


def amount_sql(amount="o.amount", currency="o.currency", to_currency_column=None, to_currency=None):
    """SQL converting one amount into the reporting currency, or into the currency in
    `to_currency_column` (an account's), or into the code `to_currency`. An unknown code makes the
    rate NULL: no sum hides it as 1."""
    converted = f"{amount} * {rate_sql(currency)}"
    if to_currency_column:
        return f"({converted} / {rate_sql(to_currency_column)})"
    if to_currency and to_currency != reporting_currency():
        return f"({converted} / {rates()[to_currency]})"
    return f"({converted})"


def converted(amount="amount", currency="currency", to_currency=None):
    """The ORM form of amount_sql: `Sum(converted(to_currency=account.currency))`."""
    field = DecimalField(max_digits=20, decimal_places=6)
    rate = Case(*[When(**{currency: code}, then=Value(r)) for code, r in rates().items()], output_field=field)
    expression = ExpressionWrapper(F(amount) * rate, output_field=field)
    if to_currency:
        expression = ExpressionWrapper(expression / Value(rates()[to_currency]), output_field=field)
    return expression


def symbol(code):
    return SYMBOLS.get(code, f"{code} ")


def format_money(amount, currency=None, places=2):
    """¥10,742,000.00 · HK$1,200.00 · CHF 50.00: grouped in every language (config/formats)."""
    if amount is None or amount == "":
        return ""
    currency = currency or reporting_currency()
    amount = Decimal(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol(currency)}{number_format(abs(amount), places, use_l10n=True, force_grouping=True)}"


# Chinese readers count large figures in 万 (10^4) and 亿 / 億 (10^8).
WAN, YI = Decimal(10) ** 4, Decimal(10) ** 8


def large_figure(amount, language=None):
    """A summary figure as Chinese readers count: 9,999 · 1万 · 1,074.2万 · 1.2亿 (萬, 億 in zh-hant);
    grouped thousands in English. One decimal, dropped when it is 0; a value that rounds up to the
    next unit is shown in it (99,999,999 → 1亿, not 10,000万)."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    language = language or get_language() or "en"
    whole = amount.quantize(Decimal(1), ROUND_HALF_UP)
    if not language.startswith("zh") or abs(whole) < WAN:
        return number_format(whole, 0, use_l10n=True, force_grouping=True)
    wan, yi = ("萬", "億") if language == "zh-hant" else ("万", "亿")
    tenth = Decimal("0.1")
    in_wan = (abs(amount) / WAN).quantize(tenth, ROUND_HALF_UP)
    if in_wan < WAN:
        value, unit = in_wan, wan
    else:
        value, unit = (abs(amount) / YI).quantize(tenth, ROUND_HALF_UP), yi
    places = 0 if value == value.to_integral_value() else 1
    sign = "-" if amount < 0 else ""
    return f"{sign}{number_format(value, places, use_l10n=True, force_grouping=True)}{unit}"


def large_money(amount, currency=None):
    """A summary amount with its currency: ¥1,074.2万 · HK$3.5亿 · US$10,742,000 (English)."""
    if amount is None or amount == "":
        return ""
    currency = currency or reporting_currency()
    amount = Decimal(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol(currency)}{large_figure(abs(amount))}"


def parse_rates(text):
    """`HKD=0.92,USD=7.2` → {"HKD": Decimal("0.92"), …}; a bad entry stops the start with its reason."""
    found = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        code, _sep, rate = part.partition("=")
        code = code.strip().upper()
        if not CODE.match(code):
            raise ValueError(f"DJANGO_MONEY_RATES: {code!r} is not a three-letter currency code")
        try:
            found[code] = Decimal(rate.strip())
        except ArithmeticError as error:
            raise ValueError(f"DJANGO_MONEY_RATES: {part!r} has no number for its rate") from error
        if not found[code] > 0:
            raise ValueError(f"DJANGO_MONEY_RATES: the rate of {code} must be positive")
    return found
