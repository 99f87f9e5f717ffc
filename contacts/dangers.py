"""Danger rules of the buying centre (K-13), computed and never typed by hand.

Two views of the same rules: `account_dangers` explains one account's dangers
from its roles; `with_danger_score` ranks many accounts in a single SQL query.
A test keeps the two in step.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from contacts.models import BuyerRole, Contact

DANGER, WARNING = 2, 1  # a rule's weight in the portfolio ranking
REQUIRED_ROLES = [BuyerRole.Role.DECISION_MAKER, BuyerRole.Role.GATEKEEPER, BuyerRole.Role.USER]


@dataclass(frozen=True)
class Danger:
    severity: int
    code: str
    message: str

    @property
    def is_danger(self):
        return self.severity == DANGER


def account_dangers(roles):
    """`roles`: the account's BuyerRoles with their contacts (already fetched)."""
    found = []
    active_roles = [r for r in roles if not r.contact.has_left]
    for role in BuyerRole.Role:
        if any(r.role == role for r in active_roles):
            continue
        left = [r for r in roles if r.role == role and r.contact.has_left]
        if left:
            found.append(Danger(DANGER, f"left:{role}", _("%(role)s %(name)s has left: the role is open.")
                                % {"role": role.label, "name": left[0].contact}))
        elif role == BuyerRole.Role.COACH:
            found.append(Danger(WARNING, "no_coach", _("No coach: nobody tells us how this customer works.")))
        else:
            found.append(Danger(DANGER, f"missing:{role}", _("%(role)s unknown.") % {"role": role.label}))
    for r in active_roles:
        if r.is_danger_zone:
            found.append(Danger(DANGER, f"zone:{r.pk}", _(
                "Danger zone: %(name)s (%(role)s) has influence %(influence)s but our contact is only %(level)s."
            ) % {"name": r.contact, "role": r.get_role_display(), "influence": r.influence, "level": r.contact_level}))
    return sorted(found, key=lambda d: -d.severity)


def danger_score(dangers):
    return sum(d.severity for d in dangers)


def with_danger_score(accounts):
    """Annotate `danger_score` on an Account queryset, in SQL, by the same rules."""
    holders = BuyerRole.objects.filter(account=OuterRef("pk"))
    active = holders.filter(contact__status=Contact.Status.ACTIVE)
    left = holders.filter(contact__status=Contact.Status.LEFT)
    score = Value(0)
    for role in BuyerRole.Role:
        weight = WARNING if role == BuyerRole.Role.COACH else DANGER
        open_role = ~Exists(active.filter(role=role))
        left_holder = Exists(left.filter(role=role))
        score += Case(
            When(open_role & left_holder, then=Value(DANGER)),
            When(open_role, then=Value(weight)),
            default=Value(0), output_field=IntegerField(),
        )
    zones = (
        active.filter(influence__gte=4, contact_level__lte=2)
        .order_by().values("account").annotate(n=Count("pk")).values("n")
    )
    score += Coalesce(Subquery(zones, output_field=IntegerField()), 0) * DANGER
    return accounts.annotate(danger_score=score)

