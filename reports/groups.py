"""Group accounts (K-07): a group's work rolled up over its subsidiaries at any depth — visits
logged, cadence kept, buyer-role coverage and dangers (K-13) — beside the revenue the account
page already rolls up (accounts.selectors.group_figures).

Each figure is computed for every member in one set-based query, however many groups a page
shows: the tree, the members with their danger score, their visits, their roles, their cadence."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts import metrics
from accounts.models import Account
from contacts.dangers import DANGER, with_danger_score
from contacts.models import BuyerRole, Contact
from tiering.cadence import cadence_for
from visits.models import Visit

TREE_SQL = """
WITH RECURSIVE tree(root, id) AS (
    SELECT g.id, g.id FROM accounts_account g WHERE g.id = ANY(%s)
    UNION  -- not UNION ALL: ends even on a loop that slipped in
    SELECT t.root, a.id FROM accounts_account a JOIN tree t ON a.parent_id = t.id WHERE a.archived_at IS NULL
)
SELECT root, id FROM tree
"""
ROLES = len(BuyerRole.Role)


@dataclass
class Member:
    """One account of a group (the group itself or a subsidiary) and its figures."""

    account: Account
    visits: int = 0
    kept: bool | None = None   # None: not kept to a cadence (not a customer, or not tiered)
    roles: int = 0             # buyer roles with an active holder, of the four (K-11)

    @property
    def danger_score(self):
        return self.account.danger_score

    @property
    def in_danger(self):
        return self.account.danger_score >= DANGER


@dataclass
class GroupRollup:
    group: Account
    members: list = field(default_factory=list)

    @property
    def subsidiaries(self):
        return len(self.members) - 1

    @property
    def visits(self):
        return sum(m.visits for m in self.members)

    @property
    def with_cadence(self):
        return sum(m.kept is not None for m in self.members)

    @property
    def cadence_kept(self):
        return sum(m.kept is True for m in self.members)

    @property
    def cadence_rate(self):
        return round(self.cadence_kept * 100 / self.with_cadence) if self.with_cadence else None

    @property
    def roles_filled(self):
        return sum(m.roles for m in self.members)

    @property
    def role_coverage(self):
        """Buyer roles filled across the group, in % of four per account."""
        return round(self.roles_filled * 100 / (ROLES * len(self.members))) if self.members else None

    @property
    def full_coverage(self):
        return sum(m.roles == ROLES for m in self.members)

    @property
    def in_danger(self):
        return sum(m.in_danger for m in self.members)


def group_rollups(groups, *, start, end):
    """A GroupRollup per group account, in the order given; visits counted from `start` to `end`."""
    groups = list(groups)
    if not groups:
        return []
    with connection.cursor() as cursor:
        cursor.execute(TREE_SQL, [[g.pk for g in groups]])
        tree = cursor.fetchall()
    ids = {pk for _root, pk in tree}
    accounts = {a.pk: a for a in with_danger_score(Account.objects.filter(pk__in=ids).select_related("owner"))}
    members = {pk: Member(accounts[pk]) for pk in ids if pk in accounts}
    visits = (Visit.objects.filter(metrics.touches_counted(timezone.now()), account_id__in=ids,
                                   occurred_at__date__range=(start, end))
              .values_list("account_id").annotate(n=Count("pk")).order_by())
    for pk, n in visits:
        members[pk].visits = n
    roles = (BuyerRole.objects.filter(account_id__in=ids, contact__status=Contact.Status.ACTIVE,
                                      contact__archived_at__isnull=True)
             .values_list("account_id").annotate(n=Count("role", distinct=True)).order_by())
    for pk, n in roles:
        members[pk].roles = n
    for pk, needs in cadence_for(ids).items():
        members[pk].kept = not any(need.overdue for need in needs)
    rollups = {g.pk: GroupRollup(g) for g in groups}
    for root, pk in tree:
        if pk in members:
            rollups[root].members.append(members[pk])
    for rollup in rollups.values():  # the group first, then its subsidiaries by name
        rollup.members.sort(key=lambda m: (m.account.pk != rollup.group.pk, m.account.name, m.account.pk))
    return [rollups[g.pk] for g in groups]
