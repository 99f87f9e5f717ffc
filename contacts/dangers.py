"""Danger rules of the buying centre (K-13), computed and never typed by hand.

Two views of the same rules: `account_dangers` explains one account's dangers
from its roles; `with_danger_score` ranks many accounts in a single SQL query.
A test keeps the two in step.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import BuyerRole, Contact, TouchScale

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
            found.append(Danger(DANGER, f"zone:{r.pk}", zone_message(r)))
    return sorted(found, key=lambda d: -d.severity)


def zone_message(role):
    """K-13: the danger zone in words, saying when the level is the one computed from the visits."""
    values = {"name": role.contact, "role": role.get_role_display(), "influence": role.influence,
              "level": role.effective_contact_level, "rating": role.contact_level}
    if not role.rating_overruled:
        return _("Danger zone: %(name)s (%(role)s) has influence %(influence)s but our contact is only %(level)s."
                 ) % values
    last = role.contact.last_touched_at
    if last is None:
        return _("Danger zone: %(name)s (%(role)s) has influence %(influence)s but no touch with them is logged: "
                 "contact %(level)s from the visits, where the rating says %(rating)s.") % values
    return _("Danger zone: %(name)s (%(role)s) has influence %(influence)s but our contact is only %(level)s, "
             "computed from the visits (last touch %(date)s, %(count)s in 180 days), where the rating says "
             "%(rating)s.") % {**values, "date": timezone.localdate(last).isoformat(),
                               "count": role.contact.recent_touches}


def effective_contact_level():
    """TouchScale.effective in SQL, for a BuyerRole queryset: the computed level when it is more
    than one step from the manager's rating."""
    gap = TouchScale.TRUSTED_GAP
    apart = (Q(contact__touch_level__gt=F("contact_level") + gap)
             | Q(contact__touch_level__lt=F("contact_level") - gap))
    return Case(When(Q(contact__touch_level__isnull=False) & apart, then=F("contact__touch_level")),
                default=F("contact_level"), output_field=IntegerField())


def danger_score(dangers):
    return sum(d.severity for d in dangers)


def with_danger_score(accounts):
    """Annotate `danger_score` on an Account queryset, in SQL, by the same rules: one correlated
    aggregate over the account's roles. (One EXISTS per rule let PostgreSQL hash every account's
    roles for each of them: 7–9 s for a manager's danger map at 100k accounts, make bench.)"""
    holders = BuyerRole.objects.filter(account=OuterRef("pk")).order_by().values("account")
    active, left = Q(contact__status=Contact.Status.ACTIVE), Q(contact__status=Contact.Status.LEFT)
    counts, open_roles = {}, {}
    for role in BuyerRole.Role:
        counts[f"active_{role}"] = Count("pk", filter=Q(role=role) & active)
        counts[f"left_{role}"] = Count("pk", filter=Q(role=role) & left)
        weight = WARNING if role == BuyerRole.Role.COACH else DANGER
        open_roles[role] = Case(When(**{f"active_{role}__gt": 0}, then=Value(0)),
                                When(**{f"left_{role}__gt": 0}, then=Value(DANGER)),
                                default=Value(weight), output_field=IntegerField())
    counts["zones"] = Count("pk", filter=active & Q(influence__gte=BuyerRole.DANGER_INFLUENCE)
                            & LessThanOrEqual(effective_contact_level(), BuyerRole.DANGER_CONTACT))
    score = sum(open_roles.values(), Value(0)) + F("zones") * DANGER
    per_account = holders.annotate(**counts).annotate(score=score).values("score")
    # An account with no roles at all: every role open, none left.
    no_roles = sum(WARNING if role == BuyerRole.Role.COACH else DANGER for role in BuyerRole.Role)
    return accounts.annotate(danger_score=Coalesce(Subquery(per_account, output_field=IntegerField()),
                                                   Value(no_roles)))
