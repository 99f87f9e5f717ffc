from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_assign
from accounts.selectors import chain_up
from contacts import permissions
from contacts.models import (
    NEXT_REVIEW_AFTER,
    BuyerRole,
    Contact,
    PersonnelChange,
    Relationship,
    RolePlanReview,
    SelfQuestionReview,
)
from core.idempotency import creates_once
from notifications.webhooks import announce


def _check_reports_to(contact):
    manager = contact.reports_to
    if manager is None:
        return
    if manager.account_id != contact.account_id:
        raise ValidationError({"reports_to": _("%(manager)s works at another account.") % {"manager": manager}})
    if contact.pk and contact.pk in chain_up(Contact, "reports_to", manager.pk):
        raise ValidationError({"reports_to": _(
            "%(manager)s already reports to %(contact)s, directly or through others: that would be a circle."
        ) % {"manager": manager, "contact": contact}})


def _require_edit(by, account):
    """The service asks the rule itself, whoever calls it (a view, an import, a shell)."""
    if not permissions.can_edit_contacts(by, account):
        raise PermissionDenied(_("Only the account's team, their supervisor or an admin changes its contacts."))


def _contact_at(pk, *, account, **_kwargs):
    return Contact.objects.filter(account=account, pk=pk).first()


@creates_once("contacts.contact", find=_contact_at)
def contact_create(*, account, by, **fields):
    _require_edit(by, account)
    contact = Contact(account=account, **fields)
    _check_reports_to(contact)
    contact.full_clean()
    contact.save()
    announce("contact.created", contact)
    return contact


@transaction.atomic
def contact_update(*, contact, by, **fields):
    """Saves the edit; a new title or a departure is recorded as a personnel change (K-17)."""
    _require_edit(by, contact.account)
    before = Contact.objects.select_for_update().get(pk=contact.pk)
    for name, value in fields.items():
        setattr(contact, name, value)
    _check_reports_to(contact)
    contact.full_clean()
    contact.save()
    if before.title != contact.title and before.title:
        _record_change(contact, by, PersonnelChange.Kind.TITLE, before.title, contact.title)
    if before.status != contact.status and contact.has_left:
        _record_change(contact, by, PersonnelChange.Kind.LEFT, before.title, "")
    announce("contact.updated", contact)
    return contact


@transaction.atomic
def contact_mark_left(*, contact, by, left_on):
    return contact_update(contact=contact, by=by, status=Contact.Status.LEFT, left_on=left_on)


@transaction.atomic
def contact_archive(*, contact, by):
    """Contacts with history are never hard-deleted."""
    _require_edit(by, contact.account)
    contact.archived_at = timezone.now()
    contact.save(update_fields=["archived_at"])
    announce("contact.archived", contact)
    return contact


def _record_change(contact, by, kind, before, after):
    return PersonnelChange.objects.create(
        account_id=contact.account_id, contact=contact, kind=kind, before=before, after=after, recorded_by=by,
    )


@transaction.atomic
def buyer_role_save(*, role, by):
    """Create or change a role. Changing which role a contact holds is a personnel
    change; a role given to an active contact closes the changes that left it open."""
    _require_edit(by, role.contact.account)
    role.account_id = role.contact.account_id
    previous, previous_counterpart = (
        BuyerRole.objects.filter(pk=role.pk).values_list("role", "counterpart_id").first() if role.pk else None
    ) or (None, None)
    if role.counterpart_id != previous_counterpart and not can_assign(by, role.counterpart):
        raise ValidationError({"counterpart": _("%(person)s is in another team: choose our counterpart from "
                                                "your own team.") % {"person": role.counterpart}})
    created = role.pk is None
    role.full_clean()
    role.save()
    announce("contact.role_added" if created else "contact.role_changed", role)
    if previous and previous != role.role:
        _record_change(role.contact, by, PersonnelChange.Kind.ROLE,
                       BuyerRole.Role(previous).label, role.get_role_display())
    if not role.contact.has_left:
        _close_changes_for_role(role)
    return role


def _close_changes_for_role(role):
    left_holders = BuyerRole.objects.filter(
        account_id=role.account_id, role=role.role, contact__status=Contact.Status.LEFT,
    ).values("contact")
    PersonnelChange.objects.filter(
        account_id=role.account_id, contact__in=left_holders, kind=PersonnelChange.Kind.LEFT, handled_at__isnull=True,
    ).update(handled_at=timezone.now())


@transaction.atomic
def buyer_role_remove(*, role, by):
    _require_edit(by, role.contact.account)
    gone = {"id": role.pk, "contact": role.contact_id, "account": role.account_id, "role": role.role}
    role.delete()
    announce("contact.role_removed", role, data=gone)


@transaction.atomic
def relationship_add(*, from_contact, to_contact, kind, note="", by):
    _require_edit(by, from_contact.account)
    if to_contact.account_id != from_contact.account_id:
        raise ValidationError({"to_contact": _("Relationships link contacts of the same account.")})
    relationship = Relationship(from_contact=from_contact, to_contact=to_contact, kind=kind, note=note)
    relationship.full_clean()
    relationship.save()
    return relationship


@transaction.atomic
def relationship_remove(*, relationship, by):
    _require_edit(by, relationship.from_contact.account)
    relationship.delete()


@transaction.atomic
def decision_step_save(*, step, by):
    _require_edit(by, step.account)
    if step.responsible and step.responsible.account_id != step.account_id:
        raise ValidationError({"responsible": _("Choose a contact of this account.")})
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def decision_step_remove(*, step, by):
    _require_edit(by, step.account)
    step.delete()


@transaction.atomic
def self_question_review_create(*, account, by, reviewed_on, **answers):
    _require_edit(by, account)
    review = SelfQuestionReview(account=account, reviewed_by=by, reviewed_on=reviewed_on, **answers)
    review.full_clean()
    review.save()
    return review


ROLE_REVIEW_EVERY = timedelta(days=30)  # K-14: reviewed monthly


@transaction.atomic
def role_plan_review_record(*, role, by, reviewed_on, outcome, next_review_on=None, check_permission=True):
    """K-14: a review of a role holder's service plan, recorded with its outcome; the role's next
    review moves to `next_review_on` (a month on when not given), so the care task for the old date
    closes. `check_permission=False` only for a caller that checked already (the care task's owner)."""
    if check_permission and not permissions.can_edit_contact(by, role.contact):
        raise PermissionDenied(_("Only the account team and their supervisor review its service plans."))
    next_review_on = next_review_on or reviewed_on + ROLE_REVIEW_EVERY
    if next_review_on <= reviewed_on:
        raise ValidationError({"next_review_on": NEXT_REVIEW_AFTER})
    review = RolePlanReview(role=role, reviewed_by=by, reviewed_on=reviewed_on, outcome=outcome.strip(),
                            next_review_on=next_review_on)
    review.full_clean()
    review.save()
    BuyerRole.objects.filter(pk=role.pk).update(plan_next_review_on=review.next_review_on)
    role.plan_next_review_on = review.next_review_on
    return review


def personnel_change_handle(*, change, by):
    _require_edit(by, change.account)
    PersonnelChange.objects.filter(pk=change.pk, handled_at__isnull=True).update(handled_at=timezone.now())


def org_chart(contacts):
    """Arrange contacts as a reports-to forest: [(contact, [children…]), …] roots first."""
    by_manager = {}
    ids = {c.pk for c in contacts}
    for contact in contacts:
        key = contact.reports_to_id if contact.reports_to_id in ids else None
        by_manager.setdefault(key, []).append(contact)

    def branch(manager_id):
        return [(c, branch(c.pk)) for c in by_manager.get(manager_id, [])]

    return branch(None)


