from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Account, AccountTeamMember, ProspectClaim
from accounts.selectors import chain_up


def _check_parent(account):
    """K-07: a group tree has no loops; the parent must not sit below the account."""
    if account.parent_id is None or account.pk is None:
        return
    if account.pk in chain_up(Account, "parent", account.parent_id):
        raise ValidationError({"parent": _(
            "%(parent)s already belongs to %(account)s's group: that would be a circle."
        ) % {"parent": account.parent, "account": account}})


@transaction.atomic
def account_create(*, by, team_members=(), **fields):
    account = Account(**fields)
    if account.owner_id is None and account.status != Account.Status.PROSPECT:
        account.owner = by  # whoever files a customer is responsible until reassigned
    account.full_clean()
    account.save()
    account_team_set(account=account, members=team_members)
    return account


@transaction.atomic
def account_update(*, account, by, team_members=None, **fields):
    for name, value in fields.items():
        setattr(account, name, value)
    _check_parent(account)
    account.full_clean()
    account.save()
    if team_members is not None:
        account_team_set(account=account, members=team_members)
    return account


def account_team_set(*, account, members):
    """The managers serving beside the responsible one (the owner is never listed twice)."""
    wanted = {m.pk for m in members} - {account.owner_id}
    account.memberships.exclude(user_id__in=wanted).delete()
    AccountTeamMember.objects.bulk_create(
        [AccountTeamMember(account=account, user_id=pk) for pk in wanted], ignore_conflicts=True,
    )


@transaction.atomic
def account_archive(*, account, by):
    """Accounts are never hard-deleted: archiving hides one and keeps its history."""
    account.archived_at = timezone.now()
    account.save(update_fields=["archived_at", "updated_at"])
    return account


@transaction.atomic
def account_restore(*, account, by):
    account.archived_at = None
    account.save(update_fields=["archived_at", "updated_at"])
    return account


def account_touch(*, account_id):
    """A logged touch (K-02). One UPDATE, so concurrent visits never lose a count."""
    Account.objects.filter(pk=account_id).update(touches_since_review=F("touches_since_review") + 1)


@transaction.atomic
def account_profile_review(*, account, by):
    account.touches_since_review = 0
    account.profile_reviewed_at = timezone.now()
    account.profile_reviewed_by = by
    account.save(update_fields=["touches_since_review", "profile_reviewed_at", "profile_reviewed_by", "updated_at"])
    return account


def _active_claim_message(account):
    holder = account.claims.filter(status__in=ProspectClaim.ACTIVE).select_related("claimant").first()
    if holder is None:
        return None
    return _("%(prospect)s is already claimed by %(holder)s (%(status)s).") % {
        "prospect": account, "holder": holder.claimant, "status": holder.get_status_display(),
    }


def prospect_claim_file(*, account, by, reason=""):
    """K-06: at most one active claim per prospect; the database has the last word."""
    if account.status != Account.Status.PROSPECT:
        raise ValidationError(_("Only prospects can be claimed; %(account)s is %(status)s.")
                              % {"account": account, "status": account.get_status_display()})
    if account.owner_id and account.owner_id != by.pk:
        raise ValidationError(_("%(prospect)s is already looked after by %(owner)s.")
                              % {"prospect": account, "owner": account.owner})
    if message := _active_claim_message(account):
        raise ValidationError(message)
    try:
        with transaction.atomic():
            return ProspectClaim.objects.create(account=account, claimant=by, reason=reason)
    except IntegrityError:
        # Another manager's claim landed between our check and our insert.
        raise ValidationError(_active_claim_message(account)) from None


@transaction.atomic
def prospect_claim_decide(*, claim, by, approve, note=""):
    if not permissions.can_decide_claim(by, claim):
        raise PermissionDenied(_("Only the claimant's supervisor decides this claim."))
    # Claim-then-act: only a pending claim changes, so two clicks decide once.
    new_status = ProspectClaim.Status.APPROVED if approve else ProspectClaim.Status.REJECTED
    changed = ProspectClaim.objects.filter(pk=claim.pk, status=ProspectClaim.Status.PENDING).update(
        status=new_status, decided_by=by, decided_at=timezone.now(), decision_note=note,
    )
    if not changed:
        raise ValidationError(_("This claim was already decided."))
    if approve:
        Account.objects.filter(pk=claim.account_id).update(owner=claim.claimant_id, updated_at=timezone.now())
    claim.refresh_from_db()
    return claim


@transaction.atomic
def prospect_claim_withdraw(*, claim, by):
    if not permissions.can_withdraw_claim(by, claim):
        raise PermissionDenied(_("Only the claimant can withdraw a claim."))
    ProspectClaim.objects.filter(pk=claim.pk, status=ProspectClaim.Status.PENDING).update(
        status=ProspectClaim.Status.WITHDRAWN, decided_at=timezone.now(),
    )
    claim.refresh_from_db()
    return claim


# --- Competitors, orders, product map: an account's rows ------------------------------------

@transaction.atomic
def account_row_save(*, row, by):
    """A competitor, order or product-map row of an account. The form leaves `account` out,
    so Django skips the per-account unique rules; they are checked here."""
    row.validate_constraints()
    row.save()
    return row


@transaction.atomic
def account_row_delete(*, row, by):
    row.delete()
