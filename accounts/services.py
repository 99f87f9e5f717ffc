from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Account, AccountTeamMember, Handover, LostReason, ObjectionType, Order, ProspectClaim
from accounts.selectors import chain_up
from accounts.signals import owner_changed
from core.idempotency import creates_once
from notifications.models import Kind
from notifications.services import notify
from notifications.webhooks import announce


def _require_edit(by, account):
    """The service asks the rule itself, whoever calls it (a view, an import, a shell)."""
    if not permissions.can_edit_account(by, account):
        raise PermissionDenied(_("Only the account's team, their supervisor or an admin changes this account."))


def _check_parent(account):
    """K-07: a group tree has no loops; the parent must not sit below the account."""
    if account.parent_id is None or account.pk is None:
        return
    if account.pk in chain_up(Account, "parent", account.parent_id):
        raise ValidationError({"parent": _(
            "%(parent)s already belongs to %(account)s's group: that would be a circle."
        ) % {"parent": account.parent, "account": account}})


def _check_lost(account, *, was_lost):
    """K-52: a person who marks a customer lost says why, from the admins' lists, so churn
    can be analysed by reason and objection. Checked on the change only: an account imported
    as lost, or saved again while lost, is not refused for a reason nobody recorded then."""
    if account.status != Account.Status.LOST or was_lost:
        return
    errors = {}
    if account.lost_reason_id is None:
        errors["lost_reason"] = _("Say why the customer was lost.")
    if account.objection_type_id is None:
        errors["objection_type"] = _("Choose the customer's objection.")
    if errors:
        raise ValidationError(errors)


def _check_assignment(account, by, *, old_owner_id, old_member_ids, members):
    """K-05: people are given work within their team; another team's manager gets an
    account only through a handover that team's supervisor approves. Only changes are
    checked, so a member who came with a handover stays when the form is saved again."""
    if account.owner_id != old_owner_id and not permissions.can_assign(by, account.owner):
        raise ValidationError({"owner": _(
            "%(person)s is in another team: ask for a handover from the account page instead."
        ) % {"person": account.owner}})
    refused = [m for m in members if m.pk not in old_member_ids and not permissions.can_assign(by, m)]
    if refused:
        raise ValidationError({"team_members": _(
            "You can add only people of your own team: %(people)s."
        ) % {"people": ", ".join(str(m) for m in refused)}})


@transaction.atomic
def account_create(*, by, team_members=(), **fields):
    account = Account(**fields)
    if account.owner_id is None and account.status != Account.Status.PROSPECT:
        account.owner = by  # whoever files a customer is responsible until reassigned
    _check_assignment(account, by, old_owner_id=None, old_member_ids=set(), members=team_members)
    _check_lost(account, was_lost=False)
    account.full_clean()
    account.save()
    account_team_set(account=account, members=team_members)
    announce("account.created", account)
    return account


@transaction.atomic
def account_update(*, account, by, team_members=None, **fields):
    _require_edit(by, account)
    old = Account.objects.filter(pk=account.pk).values_list("owner_id", "status").first()
    old_owner_id, old_status = old or (None, None)
    for name, value in fields.items():
        setattr(account, name, value)
    old_members = set(account.memberships.values_list("user_id", flat=True)) if team_members else set()
    _check_assignment(account, by, old_owner_id=old_owner_id, old_member_ids=old_members,
                      members=team_members or ())
    _check_parent(account)
    _check_lost(account, was_lost=old_status == Account.Status.LOST)
    account.full_clean()
    account.save()
    if team_members is not None:
        account_team_set(account=account, members=team_members)
    announce("account.updated", account)
    if old_owner_id is not None and account.owner_id not in (None, old_owner_id):
        owner_changed.send(Account, account=account, old_owner_id=old_owner_id, new_owner=account.owner, by=by)
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
    _require_edit(by, account)
    account.archived_at = timezone.now()
    account.save(update_fields=["archived_at", "updated_at"])
    announce("account.archived", account)
    return account


@transaction.atomic
def account_restore(*, account, by):
    _require_edit(by, account)
    account.archived_at = None
    account.save(update_fields=["archived_at", "updated_at"])
    announce("account.restored", account)
    return account


def _order_of(pk, *, account, **_kwargs):
    return account.orders.filter(pk=pk).first()


@creates_once("accounts.order", find=_order_of)
def order_add(*, account, by, **fields):
    """K-08: an order or contract of the account (its after-sales steps follow from the nightly job)."""
    _require_edit(by, account)
    order = Order(account=account, **fields)
    order.full_clean()
    order.save()
    announce("order.created", order)
    return order


ORDER_UPSERT_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"


@transaction.atomic
def order_upsert(*, account, by, external_id, **fields):
    """K-08 from an ERP: the order its system knows as `external_id` is made the first time and
    brought up to date every time after, so sending one order twice (a retry, a resync) makes one
    row. Returns (order, created). Its after-sales steps follow from its date like any order's
    (visits.services.after_sales_schedule)."""
    external_id = (external_id or "").strip()
    if not external_id:
        raise ValidationError({"external_id": _("Give the order's id in your system.")})
    with connection.cursor() as cursor:
        # Two arrivals of one order at the same moment: the second waits here for the first's
        # commit and then finds its row, instead of failing on the unique constraint.
        cursor.execute(ORDER_UPSERT_LOCK, [f"accounts.order:{external_id}"])
    order = Order.objects.select_related("account").filter(external_id=external_id).first()
    if order is None:
        return order_add(account=account, by=by, external_id=external_id, **fields), True
    if not permissions.can_edit_account(by, order.account):
        raise ValidationError({"external_id": _("This id belongs to an order of an account you cannot change.")})
    _require_edit(by, account)
    before = {name: getattr(order, name) for name in [*fields, "account_id"]}
    for name, value in fields.items():
        setattr(order, name, value)
    order.account = account
    order.full_clean()
    if before != {name: getattr(order, name) for name in before}:  # an unchanged resend writes nothing
        order.save()
        announce("order.updated", order)
    return order, False


def account_touch(*, account_id):
    """A logged touch (K-02). One UPDATE, so concurrent visits never lose a count."""
    Account.objects.filter(pk=account_id).update(touches_since_review=F("touches_since_review") + 1)


@transaction.atomic
def account_site_set(*, account, by, latitude, longitude, source=Account.SiteSource.ADMIN):
    """Where the account's site is (issue 20): check-ins are measured from it. An admin sets or clears
    it (both None); a visit's check-in may be confirmed as the site only while none is set — the
    caller (visits) checks that its user made the check-in; this refuses replacing a site that way."""
    if source == Account.SiteSource.ADMIN and not permissions.can_set_site(by, account):
        raise PermissionDenied(_("Only an admin sets an account's site location."))
    current = Account.objects.select_for_update().get(pk=account.pk)
    if source == Account.SiteSource.CHECK_IN and current.has_site:
        raise ValidationError(_("%(account)s has its site location already.") % {"account": account})
    located = latitude is not None
    Account.objects.filter(pk=account.pk).update(site_latitude=latitude, site_longitude=longitude,
                                                 site_source=source if located else "")
    account.site_latitude, account.site_longitude = latitude, longitude
    account.site_source = source if located else ""
    return account


@transaction.atomic
def account_profile_review(*, account, by):
    _require_edit(by, account)
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
            claim = ProspectClaim.objects.create(account=account, claimant=by, reason=reason)
            team = by.team
            notify(recipients=[team.supervisor] if team and team.supervisor_id else [], kind=Kind.TO_DECIDE,
                   key="claim.requested", dedupe_key=f"claim:{claim.pk}:filed",
                   params={"by": by, "account": account, "detail": reason}, link=reverse("accounts:claims"))
            return claim
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
    notify(recipients=[claim.claimant], kind=Kind.DECIDED, key="claim.approved" if approve else "claim.rejected",
           dedupe_key=f"claim:{claim.pk}:decided", params={"by": by, "account": claim.account, "detail": note},
           link=reverse("accounts:detail", args=[claim.account_id]))
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


# --- Handovers to another team (K-05) ----------------------------------------------------

def _pending_handover_message(account):
    pending = account.handovers.filter(status=Handover.Status.PENDING).select_related("to_owner").first()
    if pending is None:
        return None
    return _("A handover of %(account)s to %(person)s is already waiting for a decision.") % {
        "account": account, "person": pending.to_owner}


def account_handover_request(*, account, by, to_owner, reason):
    """Offer the account to another team's manager; nothing moves until their supervisor approves."""
    if not permissions.can_request_handover(by, account):
        raise PermissionDenied(_("Only the responsible manager, their supervisor or an admin hands an account over."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the account should move; the receiving supervisor reads it.")})
    if to_owner.pk == account.owner_id:
        raise ValidationError({"to_owner": _("%(person)s is already responsible for it.") % {"person": to_owner}})
    if to_owner.team_id is None:
        raise ValidationError({"to_owner": _("%(person)s is in no team, so no supervisor can take the account "
                                             "on; an admin assigns it.") % {"person": to_owner}})
    if to_owner.team_id == account.owner.team_id:
        raise ValidationError({"to_owner": _("%(person)s is in the same team: change the responsible manager "
                                             "on the edit page.") % {"person": to_owner}})
    if message := _pending_handover_message(account):
        raise ValidationError(message)
    try:
        with transaction.atomic():
            return Handover.objects.create(account=account, from_owner=account.owner, to_owner=to_owner,
                                           requested_by=by, reason=reason)
    except IntegrityError:
        # Another request for this account landed between our check and our insert.
        raise ValidationError(_pending_handover_message(account)) from None


@transaction.atomic
def account_handover_decide(*, handover, by, approve, note=""):
    """The receiving supervisor approves (the owner changes, with the reason on the
    account's history) or rejects (with a note the requester reads)."""
    if not permissions.can_decide_handover(by, handover):
        raise PermissionDenied(_("Only the receiving team's supervisor decides this handover."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the handover is rejected; the requester reads it.")})
    # Locked, so an edit of the owner cannot slip between the check and the move.
    account = Account.objects.select_for_update().get(pk=handover.account_id)
    if approve and account.owner_id != handover.from_owner_id:
        raise ValidationError(_("%(account)s changed hands since the request; reject it and ask for a new one.")
                              % {"account": account})
    if approve and not handover.to_owner.is_active:
        raise ValidationError(_("%(person)s no longer works here; reject the handover.")
                              % {"person": handover.to_owner})
    # Claim-then-act: only a pending request changes, so two clicks decide once.
    status = Handover.Status.APPROVED if approve else Handover.Status.REJECTED
    if not Handover.objects.filter(pk=handover.pk, status=Handover.Status.PENDING).update(
            status=status, decided_by=by, decided_at=timezone.now(), decision_note=note):
        raise ValidationError(_("This handover was already decided."))
    if approve:
        account.owner = handover.to_owner
        account._history_user = by
        account._change_reason = handover.reason  # the requester's words, shown on the history page
        account.save(update_fields=["owner", "updated_at"])
        account.memberships.filter(user=handover.to_owner).delete()  # the owner is never listed twice
        announce("account.updated", account)
        owner_changed.send(Account, account=account, old_owner_id=handover.from_owner_id,
                           new_owner=handover.to_owner, by=by)
    handover.refresh_from_db()
    return handover


@transaction.atomic
def account_handover_withdraw(*, handover, by):
    if not permissions.can_withdraw_handover(by, handover):
        raise PermissionDenied(_("Only whoever asked for the handover can withdraw it."))
    if not Handover.objects.filter(pk=handover.pk, status=Handover.Status.PENDING).update(
            status=Handover.Status.WITHDRAWN, decided_by=by, decided_at=timezone.now()):
        raise ValidationError(_("This handover was already decided."))
    handover.refresh_from_db()
    return handover


# --- Competitors, orders, product map: an account's rows ------------------------------------

@transaction.atomic
def account_row_save(*, row, by):
    """A competitor, order or product-map row of an account. The form leaves `account` out,
    so Django skips the per-account unique rules; they are checked here."""
    _require_edit(by, row.account)
    created = row.pk is None
    row.validate_constraints()
    row.save()
    if isinstance(row, Order):
        announce("order.created" if created else "order.updated", row)
    return row


@transaction.atomic
def account_row_delete(*, row, by):
    _require_edit(by, row.account)
    gone = {"id": row.pk, "account": row.account_id}
    row.delete()
    if isinstance(row, Order):
        announce("order.deleted", row, data=gone)


# --- The lists behind a lost account (K-52), kept by admins ----------------------------------------

CHURN_LISTS = {"lost-reasons": LostReason, "objection-types": ObjectionType}


def churn_choice_save(*, by, kind, instance=None, **fields):
    """Add or change an entry of the lost-reason or objection-type list."""
    if not permissions.can_configure_churn_lists(by):
        raise PermissionDenied(_("Only admins keep these lists."))
    entry = instance or CHURN_LISTS[kind]()
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    return entry
