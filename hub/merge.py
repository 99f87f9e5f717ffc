"""Merging duplicates (issue 23 item 7): two accounts, or two contacts of one account, become one.

Every row that points at the duplicate is moved to the survivor in one transaction: the relations
are read from the model's meta (every app's foreign keys, hidden ones and many-to-many join tables
included), so a table added later moves too without anyone remembering it here. Where the survivor
already has the same row (the same team member, the same product on the map, both at one visit)
the duplicate's copy goes; where both have something that cannot be two (a plan for the same
year) the merge is refused and says what to settle first. The duplicate is archived, not deleted:
its history stays as it was written, and both rows' histories name the merge.

The finder compares names as a reader does: spaces, case, full-width forms and Simplified or
Traditional script do not make two names different (东方电子 = 東方 電子 = ＤＯＮＧＦＡＮＧ…).
"""

import re
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions as account_permissions
from accounts.models import Account, AccountTeamMember, ProductPosition
from attachments.models import Attachment
from care.models import CareTask
from contacts.models import BuyerRole, Contact, Relationship
from core.text import narrow, simplified
from notifications.webhooks import announce, payload_of
from tiering.models import AccountTier
from visits.services import contacts_refresh_silence

# Rows the survivor may already have an equal of: the duplicate's copy is dropped.
SAME_ROW_DROPPED = {AccountTeamMember, ProductPosition, AccountTier, CareTask, BuyerRole, Relationship}
SPACES = re.compile(r"\s+")


def name_key(name):
    """The name as the finder compares it."""
    return SPACES.sub("", simplified(narrow(name or ""))).casefold()


def duplicate_groups(rows):
    """[[row, row, …]] of rows (with .name) whose names are the same to a reader."""
    groups = defaultdict(list)
    for row in rows:
        groups[name_key(row.name)].append(row)
    return [group for key, group in sorted(groups.items()) if key and len(group) > 1]


def account_duplicates(user, limit=100):
    """Groups of the accounts `user` may change whose names differ only in form."""
    accounts = Account.objects.editable_by(user).active().only("pk", "name", "owner", "status").select_related(
        "owner")
    return duplicate_groups(accounts.order_by("pk").iterator(chunk_size=5000))[:limit]


def contact_duplicates(account):
    return duplicate_groups(Contact.objects.filter(account=account, archived_at__isnull=True).order_by("pk"))


def _relations(model):
    """(related model, field name) of every foreign key pointing at `model`, hidden ones and join
    tables included; history tables are left as they were written."""
    for relation in model._meta._get_fields(forward=False, reverse=True, include_hidden=True):
        if not (relation.one_to_many or relation.one_to_one) or relation.many_to_many:
            continue
        related = relation.related_model
        if hasattr(related, "instance_type") or related is model and relation.field.name in ("parent", "reports_to"):
            continue  # a history record, or the tree itself (handled by the caller)
        if not relation.field.db_constraint and relation.field.remote_field.on_delete is models.DO_NOTHING:
            # A read model (cadence touches, danger scores, revenue facts: caches with no foreign
            # key): its triggers follow the visits, roles and orders as they move; moving its rows
            # too would count the duplicate's twice.
            continue
        yield related, relation.field.name


def _move(model, survivor, duplicate):
    """Point every row of every relation from `duplicate` to `survivor`."""
    for related, name in _relations(model):
        rows = related._base_manager.filter(**{name: duplicate})
        try:
            with transaction.atomic():
                rows.update(**{name: survivor})
        except IntegrityError:
            _move_one_by_one(related, name, rows, survivor)


def _move_one_by_one(related, name, rows, survivor):
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                related._base_manager.filter(pk=pk).update(**{name: survivor})
        except IntegrityError:
            if related not in SAME_ROW_DROPPED and not related._meta.auto_created:
                raise ValidationError(_("Both have a %(thing)s that cannot be two; settle it on one of them first.")
                                      % {"thing": related._meta.verbose_name}) from None
            related._base_manager.filter(pk=pk).delete()  # the survivor has the same row


def _recount_account(survivor, duplicate):
    """The survivor's figures kept as things happen, made whole in the merge's transaction. Touches
    since the profile's review (K-02): each counted the touches since its own review, and the
    survivor's review never saw the duplicate's, so they add up (the duplicate keeps none). Its
    contacts, the duplicate's among them, get their degree of contact and silent period (K-13,
    K-25) recomputed at once: the nightly job only looks at what time changed, and a contact from
    an import may never have had them computed (two statements). A tier is left to its evaluation,
    which proposes and never changes one silently (K-32)."""
    survivor.touches_since_review += duplicate.touches_since_review
    duplicate.touches_since_review = 0
    contacts_refresh_silence(list(Contact.objects.filter(account=survivor).values_list("pk", flat=True)))


def _check_pair(survivor, duplicate):
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))


@transaction.atomic
def accounts_merge(*, survivor, duplicate, by):
    """Merge `duplicate` into `survivor`: both must be the user's to change (K-05)."""
    _check_pair(survivor, duplicate)
    for account in (survivor, duplicate):
        if not account_permissions.can_edit_account(by, account):
            raise PermissionDenied(_("Only the account team, their supervisor or an admin merges an account."))
    survivor, duplicate = (Account.objects.select_for_update().get(pk=survivor.pk),
                           Account.objects.select_for_update().get(pk=duplicate.pk))
    if survivor.parent_id == duplicate.pk:
        survivor.parent = duplicate.parent  # the survivor takes the duplicate's place in the group
    Account.objects.filter(parent=duplicate).exclude(pk=survivor.pk).update(parent=survivor)
    # Files point at their record by type and id, and name their account by id (for its timeline):
    # neither is a foreign key the walk below sees.
    Attachment.objects.of(duplicate).update(object_id=survivor.pk)
    Attachment.objects.filter(account_id=duplicate.pk).update(account_id=survivor.pk)
    try:
        _move(Account, survivor, duplicate)
    except InternalError as error:
        if "month locked" not in str(error):
            raise
        raise ValidationError(_("%(account)s has visits in a signed-off month; ask the supervisor to reopen the "
                                "month, then merge.") % {"account": duplicate}) from None
    _recount_account(survivor, duplicate)
    duplicate.archived_at = timezone.now()
    duplicate.parent = None if duplicate.parent_id == survivor.pk else duplicate.parent
    duplicate._history_user, duplicate._change_reason = by, f"merged-into:{survivor.pk}:{survivor.name}"
    duplicate.save()
    survivor._history_user, survivor._change_reason = by, f"merged-from:{duplicate.pk}:{duplicate.name}"
    survivor.save()
    announce("account.merged", survivor, data={**payload_of(survivor), "merged_from": duplicate.pk})
    return survivor


@transaction.atomic
def contacts_merge(*, survivor, duplicate, by):
    """Merge two contacts of one account: their visits, roles, gifts, care and changes."""
    _check_pair(survivor, duplicate)
    if survivor.account_id != duplicate.account_id:
        raise ValidationError(_("Only two contacts of the same account are merged."))
    if not account_permissions.can_edit_account(by, survivor.account):
        raise PermissionDenied(_("Only the account team, their supervisor or an admin merges contacts."))
    Contact.objects.filter(reports_to=duplicate).exclude(pk=survivor.pk).update(reports_to=survivor)
    if survivor.reports_to_id == duplicate.pk:
        survivor.reports_to = duplicate.reports_to if duplicate.reports_to_id != survivor.pk else None
    Attachment.objects.of(duplicate).update(object_id=survivor.pk)  # by type and id, as for accounts
    try:
        _move(Contact, survivor, duplicate)
    except InternalError as error:
        if "month locked" not in str(error):
            raise
        raise ValidationError(_("%(contact)s was met in a signed-off month; ask the supervisor to reopen the month, "
                                "then merge.") % {"contact": duplicate}) from None
    # A relationship with oneself, which the move may have made, means nothing.
    Relationship.objects.filter(from_contact=survivor, to_contact=survivor).delete()
    # The survivor met the customer at the duplicate's visits too: its last touch, touches in the
    # window, degree of contact and silent period (K-13, K-25) are recomputed now, in this
    # transaction, not left wrong until the nightly job (which only looks at what time changed).
    contacts_refresh_silence([survivor.pk])
    survivor.refresh_from_db(fields=["silent_since", "touch_level", "last_touched_at", "recent_touches"])
    for name in ("mobile", "phone", "email", "wechat", "title", "department", "address", "hobbies", "family_notes"):
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))  # keep what only the duplicate knew
    duplicate.archived_at = timezone.now()
    duplicate.reports_to = None
    duplicate._history_user, duplicate._change_reason = by, f"merged-into:{survivor.pk}:{survivor.name}"
    duplicate.save()
    survivor._history_user, survivor._change_reason = by, f"merged-from:{duplicate.pk}:{duplicate.name}"
    survivor.save()
    announce("contact.merged", survivor, data={**payload_of(survivor), "merged_from": duplicate.pk})
    return survivor
