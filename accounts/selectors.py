from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import metrics
from accounts.models import Account
from core.history import record_changes, related_names
from core.money import amount_sql


@dataclass(frozen=True)
class GroupFigures:
    subsidiaries: int
    order_total: Decimal       # the group's orders to date: the account's and every subsidiary's
    order_total_12m: Decimal   # the group's orders in the last 12 months
    own_total: Decimal         # the account's own orders to date
    own_total_12m: Decimal     # the account's own orders in the last 12 months (what its tier is measured on)
    currency: str              # every figure above is in it: the account's (core/money.py)


GROUP_FIGURES_SQL = """
WITH RECURSIVE tree(id) AS (
    SELECT %(root)s::bigint
    UNION  -- not UNION ALL: stops even if a parent loop slipped in
    SELECT a.id FROM accounts_account a JOIN tree t ON a.parent_id = t.id
)
SELECT (SELECT count(*) - 1 FROM tree), {to_date}, {last12},
       coalesce(sum({amount}) FILTER (WHERE o.account_id = %(root)s AND {counted}), 0),
       coalesce(sum({amount}) FILTER (WHERE o.account_id = %(root)s AND {in_last12}), 0)
FROM accounts_order o WHERE o.account_id IN (SELECT id FROM tree)
"""


def group_figures(account, *, today=None):
    """K-07: the account's own orders and, rolled up, every subsidiary's at any depth, in one query.
    The windows are accounts.metrics': an order counts from its date, a future-dated one not yet."""
    today = today or timezone.localdate()
    last12, so_far = metrics.last_12_months(today), metrics.to_date(today)
    # In the account's own currency, each order converted first (core/money.py).
    currency = account.currency
    sql = GROUP_FIGURES_SQL.format(to_date=metrics.revenue_sql(so_far, currency=currency),
                                   last12=metrics.revenue_sql(last12, currency=currency),
                                   amount=amount_sql("o.amount", "o.currency", to_currency=currency),
                                   counted=metrics.orders_in_sql(so_far), in_last12=metrics.orders_in_sql(last12))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"root": account.pk})
        return GroupFigures(*cursor.fetchone(), currency)


def account_warnings(account, team_size):
    """Warnings about how the account is staffed (K-05)."""
    warnings = []
    if account.is_key_account and team_size < Account.MIN_KEY_ACCOUNT_MANAGERS:
        warnings.append(_("A key account needs at least two managers; this one has %(n)s.") % {"n": team_size})
    if account.is_key_account and not account.executive_sponsor:
        warnings.append(_("No executive sponsor named."))
    return warnings


def duplicate_in_group(*, name, parent, exclude_pk=None):
    """Another account of the same name under the same parent (or both top-level)."""
    same = Account.objects.active().filter(name__iexact=name.strip(), parent=parent)
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    return same.first()


def history_page(records, page_number, per_page=20):
    """A page of django-simple-history records, each with its field changes in words (core.history).

    Each record is compared with the one before it; the page's oldest record
    needs one more row, fetched once, so the page costs a fixed number of queries.
    """
    from django.core.paginator import Paginator

    # A changed owner or parent is shown by name, not id: the related rows come in the
    # same query (LEFT JOINs; a history's foreign keys are nullable and unconstrained).
    records = records.select_related(*related_names(records.model))
    page = Paginator(records, per_page).get_page(page_number)
    rows = list(page.object_list)
    older = records.filter(history_date__lt=rows[-1].history_date).first() if rows else None
    model = records.model.instance_type if rows else None
    changes = [(newer, record_changes(newer, previous, model))
               for newer, previous in zip(rows, rows[1:] + [older], strict=True)]
    return page, changes


CHAIN_SQL = """
WITH RECURSIVE chain(id, up) AS (
    SELECT id, {up} FROM {table} WHERE id = %s
    UNION  -- not UNION ALL: ends even on a loop that slipped in
    SELECT t.id, t.{up} FROM {table} t JOIN chain ON t.id = chain.up
)
SELECT id FROM chain
"""


def chain_up(model, up_field, start_id):
    """Ids of `start_id` and every row above it along `up_field`, in one query:
    a group's parents (K-07), a contact's managers (K-12). Callers refuse loops with it."""
    column = model._meta.get_field(up_field).column
    with connection.cursor() as cursor:
        cursor.execute(CHAIN_SQL.format(table=model._meta.db_table, up=column), [start_id])
        return {row[0] for row in cursor.fetchall()}


def assignable_people(user):
    """The people `user` may choose in a picker (an account's owner and team, a buyer
    role's counterpart): everyone for an admin; otherwise the active managers and
    supervisors of the user's own team and of the teams they lead, the user included."""
    from users.models import Team, User

    staff = User.objects.filter(is_active=True, role__in=[User.Role.MANAGER, User.Role.SUPERVISOR])
    if user.is_admin:
        return staff.order_by("username")
    teams = Team.objects.filter(Q(supervisor=user) | Q(pk=user.team_id)).values("pk")
    return staff.filter(Q(pk=user.pk) | Q(team__in=teams) | Q(supervised_teams__in=teams)).distinct().order_by(
        "username")


def handover_candidates(account):
    """Whom an account can be handed over to: the managers and supervisors of every
    other team. Within the team the owner is simply changed on the edit page."""
    from users.models import User

    people = User.objects.filter(is_active=True, role__in=[User.Role.MANAGER, User.Role.SUPERVISOR],
                                 team__isnull=False).select_related("team")
    if account.owner is not None and account.owner.team_id is not None:
        people = people.exclude(team_id=account.owner.team_id)
    return people.order_by("team__name", "username")
