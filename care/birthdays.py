"""Which contacts have a birthday in a window of solar dates (K-40), in SQL.

Solar birthdays are placed in each year of the window by care_day_in_year
(migration 0003: Feb 29 on Feb 28 in common years); lunar ones are joined
against LunarBirthday (care.lunar), which holds the solar date of every lunar
month and day per lunar year.
"""

from django.db import connection

from accounts.models import Account
from care import lunar
from core.sql import literals

CUSTOMERS = literals(Account.CUSTOMER_STATUSES)

BIRTHDAYS_SQL = """
WITH years AS (SELECT generate_series(%(first_year)s, %(last_year)s) AS y),
solar AS (
    SELECT c.id AS contact_id, c.account_id,
           care_day_in_year(y.y, c.birth_month, c.birth_day) AS birthday_on
    FROM contacts_contact c, years y
    WHERE c.birthday_calendar = 'solar' AND c.birth_month = ANY(%(months)s)
),
lunar AS (
    SELECT c.id AS contact_id, c.account_id, lb.solar_date AS birthday_on
    FROM care_lunarbirthday lb
    JOIN contacts_contact c ON c.birth_month = lb.month AND c.birth_day = lb.day AND c.birth_leap_month = lb.leap
    WHERE c.birthday_calendar = 'lunar' AND lb.solar_date BETWEEN %(start)s AND %(end)s
),
birthdays AS (
    SELECT b.contact_id, b.account_id, b.birthday_on
    FROM (SELECT * FROM solar UNION ALL SELECT * FROM lunar) b
    JOIN contacts_contact c ON c.id = b.contact_id
    JOIN accounts_account a ON a.id = b.account_id
    WHERE b.birthday_on BETWEEN %(start)s AND %(end)s
      AND c.status = 'active' AND c.archived_at IS NULL
      AND a.archived_at IS NULL AND a.status IN """ + CUSTOMERS + """ AND a.owner_id IS NOT NULL
)
"""


def months_between(start, end):
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(set(months))


def window_params(start, end):
    lunar.ensure_years(range(start.year - 1, end.year + 1))
    return {"start": start, "end": end, "first_year": start.year, "last_year": end.year,
            "months": months_between(start, end)}


def birthdays_between(start, end, *, owners=None):
    """[(contact id, account owner id, solar birthday)] in the window, optionally for these owners."""
    params = window_params(start, end)
    where = ""
    if owners is not None:
        where = "WHERE a.owner_id = ANY(%(owners)s)"
        params["owners"] = [o.pk for o in owners]
    with connection.cursor() as cursor:
        cursor.execute(BIRTHDAYS_SQL + f"""
            SELECT b.contact_id, a.owner_id, b.birthday_on FROM birthdays b
            JOIN accounts_account a ON a.id = b.account_id {where}
            ORDER BY b.birthday_on, b.contact_id""", params)
        return cursor.fetchall()

