"""Portfolio handover and bulk actions on the account list (issue 23 item 6, K-05).

A manager who leaves or changes role hands over their accounts in one step, all or some, to
colleagues: within the team the owner changes at once; into another team each account becomes
a handover request that the receiving supervisor approves (accounts.services, the queue at
/accounts/handovers/). Whichever way an account changes hands, the open work goes with it
(`move_open_work`, run on accounts.signals.owner_changed): care tasks, customer issues, plan
actions and planned visits not yet made. The account's history records the change with the
reason, and the people concerned are told through the notification centre.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions as account_permissions
from accounts import services as account_services
from accounts.models import Account, AccountTeamMember
from care.models import CareTask
from notifications.models import Kind
from notifications.services import notify
from plans.models import PlanAction, PlannedVisit
from tiering import permissions as tier_permissions
from tiering import services as tier_services
from users.models import User
from visits.models import CustomerIssue

MAX_ACCOUNTS = 500  # one request's worth; a bigger portfolio goes in a few steps


def move_open_work(sender, *, account, old_owner_id, new_owner, by, **kwargs):
    """The old owner's open work on the account becomes the new owner's, set-based."""
    CareTask.objects.filter(account=account, owner_id=old_owner_id, status=CareTask.Status.OPEN).update(
        owner=new_owner)
    CustomerIssue.objects.open().filter(account=account, owner_id=old_owner_id).update(owner=new_owner)
    PlanAction.objects.filter(plan__account=account, owner_id=old_owner_id, done_on__isnull=True).update(
        owner=new_owner)
    PlannedVisit.objects.filter(account=account, owner_id=old_owner_id, visit__isnull=True).update(owner=new_owner)


def giving_people(user):
    """Whose portfolio `user` may hand over: their own; a supervisor their teams'; an admin anyone's."""
    people = User.objects.staff(include_departed=True)
    if user.is_admin:
        return people.order_by("username")
    return people.filter(Q(pk=user.pk) | Q(team__supervisor=user)).order_by("username")


def portfolio_of(person):
    return Account.objects.filter(owner=person, archived_at__isnull=True).order_by("name", "pk")


@transaction.atomic
def portfolio_hand_over(*, by, from_owner, accounts, to_owner, reason):
    """Hand `accounts` of `from_owner` to `to_owner`. Returns (moved now, requests made)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the accounts move; it stays on each account's history.")})
    if not giving_people(by).filter(pk=from_owner.pk).exists():
        raise PermissionDenied(_("Only the manager, their supervisor or an admin hands over a portfolio."))
    if to_owner.pk == from_owner.pk:
        raise ValidationError({"to_owner": _("Choose someone else to take the accounts.")})
    if not to_owner.is_active:
        raise ValidationError({"to_owner": _("%(person)s no longer works here.") % {"person": to_owner}})
    accounts = [a for a in accounts if a.owner_id == from_owner.pk]
    if not accounts:
        raise ValidationError({"accounts": _("Choose at least one of their accounts.")})
    if len(accounts) > MAX_ACCOUNTS:
        raise ValidationError({"accounts": _("At most %(n)s accounts at a time.") % {"n": MAX_ACCOUNTS}})
    same_team = to_owner.team_id is not None and to_owner.team_id == from_owner.team_id
    direct = same_team or by.is_admin or account_permissions.can_assign(by, to_owner)
    moved, requested = [], []
    for account in accounts:
        if direct:
            account._change_reason = reason
            account_services.account_update(account=account, by=by, owner=to_owner)
            account.memberships.filter(user=to_owner).delete()
            moved.append(account)
        else:
            requested.append(account_services.account_handover_request(account=account, by=by, to_owner=to_owner,
                                                                        reason=reason))
    _tell(by, from_owner, to_owner, moved, requested)
    return moved, requested


def _tell(by, from_owner, to_owner, moved, requested):
    key = f"portfolio:{by.pk}:{from_owner.pk}:{to_owner.pk}:" + ",".join(str(a.pk) for a in moved)
    if moved:
        notify(recipients=[u for u in (to_owner, from_owner) if u.pk != by.pk], kind=Kind.HANDOVER,
               key="handover.received", params={"by": str(by), "count": len(moved)}, dedupe_key=key,
               link=reverse("accounts:list") + f"?owner={to_owner.pk}")
    if requested:
        deciders = [to_owner.team.supervisor] if to_owner.team_id else []
        notify(recipients=[u for u in deciders if u.pk != by.pk], kind=Kind.HANDOVER, key="handover.to_decide",
               params={"by": str(by), "count": len(requested)},
               dedupe_key="portfolio-request:" + ",".join(str(h.pk) for h in requested),
               link=reverse("accounts:handovers"))


# --- Bulk actions on the account list -------------------------------------------------------------

BULK_ACTIONS = ("add_member", "tier_override", "archive")


@transaction.atomic
def accounts_bulk(*, by, accounts, action, member=None, tier=None, reason=""):
    """One action on many accounts; the ones `by` may not change are counted, not touched.
    Returns (done, refused)."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Choose what to do.")})
    editable = [a for a in accounts if account_permissions.can_edit_account(by, a)]
    refused = len(accounts) - len(editable)
    if action == "add_member":
        if member is None:
            raise ValidationError({"member": _("Choose whom to add to the account teams.")})
        if not account_permissions.can_assign(by, member):
            raise ValidationError({"member": _("You can add only people of your own team: %(people)s.")
                                   % {"people": member}})
        AccountTeamMember.objects.bulk_create([AccountTeamMember(account=a, user=member) for a in editable
                                               if a.owner_id != member.pk], ignore_conflicts=True)
        return len(editable), refused
    if action == "archive":
        for account in editable:
            account_services.account_archive(account=account, by=by)
        return len(editable), refused
    return _tier_override(by, editable, tier, reason), refused


def _tier_override(by, accounts, tier, reason):
    """A supervisor or an admin sets the tier by hand at once; a manager asks their supervisor,
    who decides on each account's tier page."""
    if tier is None:
        raise ValidationError({"tier": _("Choose the tier.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why: an override without a reason cannot be reviewed.")})
    allowed = [a for a in accounts if tier_permissions.can_set_tier(by, a)]
    for account in allowed:
        tier_services.account_tier_override(account=account, tier=tier, by=by, reason=reason)
    asked = [a for a in accounts if a not in allowed]
    for account in asked:
        supervisor = account.owner.team.supervisor if account.owner_id and account.owner.team_id else None
        notify(recipients=[supervisor] if supervisor else [], kind=Kind.TO_DECIDE, key="tier.override_requested",
               params={"by": str(by), "account": str(account), "tier": tier.code, "detail": reason},
               dedupe_key=f"tier-override-request:{account.pk}:{tier.pk}:{by.pk}:{reason[:50]}",
               link=reverse("tiering:override", args=[account.pk]))
    return len(accounts)
