"""Who may see, comment on and be mentioned on what (issue 23). The scope of a comment is the
scope of what it is written on: an account's (Account.objects.visible_to), a visit's, an issue's
(through its visit) and a plan's (the account team's: plans.PlanQuerySet.visible_to). Outside the
scope a page answers 404; a mention of someone outside it is refused, so a comment never tells
anyone about an account they may not see."""

from django.db.models import Q

from accounts.models import Account
from plans.models import AccountPlan
from users.models import User
from visits.models import CustomerIssue, Visit

TARGETS = {"account": Account, "visit": Visit, "issue": CustomerIssue, "plan": AccountPlan}


def visible_targets(user, on):
    """The queryset of `on` things `user` sees (None for an unknown kind)."""
    if on == "account":
        return Account.objects.visible_to(user)
    if on == "visit":
        return Visit.objects.visible_to(user).select_related("account")
    if on == "issue":
        return CustomerIssue.objects.filter(visit__in=Visit.objects.visible_to(user)).select_related("account",
                                                                                                    "visit")
    if on == "plan":
        return AccountPlan.objects.visible_to(user).select_related("account")
    return None


def audience(account, on):
    """The active people who may see `on` things of `account`: whom a comment may mention.
    The same rules as Account.objects.visible_to and AccountPlan.objects.visible_to, read the
    other way round (from the account to the people)."""
    people = User.objects.filter(is_active=True)
    if on != "plan" and account.owner_id is None and account.status == Account.Status.PROSPECT:
        return people  # the open prospect pool: everyone sees it
    owner_team = account.owner.team_id if account.owner_id else None
    sees = (Q(role=User.Role.ADMIN) | Q(is_superuser=True) | Q(pk=account.owner_id)
            | Q(pk__in=account.memberships.values("user_id")))
    if owner_team:
        sees |= Q(supervised_teams=owner_team)
        if on != "plan":  # the sales team sees its accounts; only the account team sees a plan
            sees |= Q(team_id=owner_team)
    return people.filter(sees).distinct()


def can_comment(user, target):
    """Whoever sees a thing may ask about it: the scope was checked by the view (404 outside)."""
    return user.is_active
