"""Every change to an opportunity goes through here (X-03): opened, edited, moved along the
pipeline, closed, turned into an order (K-08). A move leaves a StageChange, which K-51's
conversion reads."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import order_add
from core.idempotency import creates_once
from opportunities import history, permissions
from opportunities.models import Opportunity, OpportunityRole, Stage, StageChange

EDITABLE_FIELDS = ("name", "amount", "currency", "expected_close", "owner", "tender_agency", "bid_deadline",
                   "bid_submitted_on", "tender_result")


def _require_edit(by, opportunity):
    if not permissions.can_edit_opportunity(by, opportunity):
        raise PermissionDenied(_("Only the opportunity's owner, the account's team, their supervisor or an admin "
                                 "changes this opportunity."))


def _check_links(opportunity, products, competitors):
    """Products come from the account's product map (K-03), competitors from its competitors (K-04)."""
    errors = {}
    if any(p.account_id != opportunity.account_id for p in products):
        errors["products"] = _("Choose products from this account's product map.")
    if any(c.account_id != opportunity.account_id for c in competitors):
        errors["competitors"] = _("Choose competitors recorded at this account.")
    if errors:
        raise ValidationError(errors)


def _check_owner(opportunity, by, old_owner_id):
    if opportunity.owner_id != old_owner_id and not permissions.can_own_opportunity(by, opportunity.owner):
        raise ValidationError({"owner": _("%(person)s is in another team: choose someone of your own team.")
                               % {"person": opportunity.owner}})


def _check_lost(opportunity):
    """K-52: whoever marks an opportunity lost says why and what the customer objected to."""
    errors = {}
    if opportunity.lost_reason_id is None:
        errors["lost_reason"] = _("Say why the opportunity was lost.")
    if opportunity.objection_type_id is None:
        errors["objection_type"] = _("Choose the customer's objection.")
    if errors:
        raise ValidationError(errors)


def change_kind(from_stage, to_stage):
    if to_stage.kind == Stage.Kind.WON:
        return StageChange.Kind.WON
    if to_stage.kind == Stage.Kind.LOST:
        return StageChange.Kind.LOST
    if from_stage is None:
        return StageChange.Kind.CREATED
    if from_stage.is_closed:
        return StageChange.Kind.REOPENED
    return StageChange.Kind.ADVANCED if to_stage.position > from_stage.position else StageChange.Kind.BACK


def _record(opportunity, from_stage, by, at):
    kind = StageChange.Kind.CREATED if from_stage is None and not opportunity.stage.is_closed else change_kind(
        from_stage, opportunity.stage)
    return StageChange.objects.create(opportunity=opportunity, account_id=opportunity.account_id,
                                      from_stage=from_stage, to_stage=opportunity.stage, kind=kind,
                                      changed_by=by, changed_at=at)


def _close_fields(opportunity, today):
    if opportunity.stage.kind == Stage.Kind.LOST:
        _check_lost(opportunity)
    else:
        opportunity.lost_reason = opportunity.objection_type = None
    opportunity.closed_on = (opportunity.closed_on or today) if opportunity.stage.is_closed else None


def _opportunity_of(pk, *, by, **_kwargs):
    return Opportunity.objects.visible_to(by).filter(pk=pk).first()


@creates_once("opportunities.opportunity", find=_opportunity_of)
def opportunity_create(*, account, by, stage, owner=None, products=(), competitors=(), lost_reason=None,
                       objection_type=None, at=None, **fields):
    """Opens an opportunity at `stage`; its history starts with "created"."""
    if not permissions.can_add_opportunity(by, account):
        raise PermissionDenied(_("Only the account's team, their supervisor or an admin opens opportunities on it."))
    if not fields.get("currency"):
        fields["currency"] = account.currency
    opportunity = Opportunity(account=account, stage=stage, owner=owner or by, lost_reason=lost_reason,
                              objection_type=objection_type, **fields)
    if not stage.active:
        raise ValidationError({"stage": _("This stage is no longer offered.")})
    _check_owner(opportunity, by, old_owner_id=by.pk)
    _check_links(opportunity, products, competitors)
    at = at or timezone.now()
    _close_fields(opportunity, timezone.localdate(at))
    opportunity.full_clean()
    opportunity._history_user = by
    opportunity.save()
    opportunity.products.set(products)
    opportunity.competitors.set(competitors)
    # The first record was written before its products could be: it says what the opportunity opened with.
    Opportunity.history.filter(id=opportunity.pk).update(links=history.links_of(opportunity))
    _record(opportunity, None, by, at)
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity, by, products=None, competitors=None, **fields):
    """Edits what an opportunity says; its stage moves with opportunity_move."""
    _require_edit(by, opportunity)
    old_owner_id = opportunity.owner_id
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"opportunity_update: {name} is not editable here")
        setattr(opportunity, name, value)
    _check_owner(opportunity, by, old_owner_id)
    _check_links(opportunity, products or (), competitors or ())
    opportunity.full_clean()
    before = _columns(Opportunity.objects.get(pk=opportunity.pk)), history.links_of(opportunity)
    if products is not None:
        opportunity.products.set(products)
    if competitors is not None:
        opportunity.competitors.set(competitors)
    links = history.links_of(opportunity)
    if before == (_columns(opportunity), links):
        opportunity.skip_history_when_saving = True  # a form sent unchanged: no edit to show
    opportunity._history_user, opportunity._history_links = by, links
    opportunity.save()
    opportunity.__dict__.pop("skip_history_when_saving", None)
    return opportunity


def _columns(opportunity):
    return [getattr(opportunity, f.attname) for f in Opportunity.history.model.tracked_fields]


@transaction.atomic
def opportunity_move(*, opportunity, by, stage, lost_reason=None, objection_type=None):
    """Moves an opportunity to `stage` (the board's card, the detail page). A move to a lost stage
    records why (K-52). Moving to the stage it is at already changes nothing and records nothing,
    so a form sent twice leaves one step in the history."""
    _require_edit(by, opportunity)
    # The row locked: two moves at once are recorded one after the other, each from the stage it left.
    current = Opportunity.objects.select_for_update().select_related("stage").get(pk=opportunity.pk)
    if current.stage_id == stage.pk:
        return current
    if not stage.active:
        raise ValidationError({"stage": _("This stage is no longer offered.")})
    from_stage = current.stage
    current.stage = stage
    current.lost_reason, current.objection_type = lost_reason, objection_type
    if from_stage.is_closed and not stage.is_closed:
        current.closed_on = None
    _close_fields(current, timezone.localdate())
    current._history_user = by
    current.save(update_fields=["stage", "lost_reason", "objection_type", "closed_on", "updated_at"])
    _record(current, from_stage, by, timezone.now())
    for name in ("stage", "lost_reason", "objection_type", "closed_on"):
        setattr(opportunity, name, getattr(current, name))
    return current


@transaction.atomic
def opportunity_order_create(*, opportunity, by, **fields):
    """K-08: a won opportunity becomes its order; the after-sales steps (K-26) follow as for any order."""
    _require_edit(by, opportunity)
    current = Opportunity.objects.select_for_update().select_related("stage", "account").get(pk=opportunity.pk)
    if current.stage.kind != Stage.Kind.WON:
        raise ValidationError(_("Only a won opportunity becomes an order."))
    if current.order_id is not None:
        raise ValidationError(_("This opportunity's order was made already."))
    order = order_add(account=current.account, by=by, **fields)
    Opportunity.objects.filter(pk=current.pk).update(order=order)
    opportunity.order = order
    # The 15-minute job would find it too; asked now, the service-start letter is due from the deal (K-26).
    transaction.on_commit(_schedule_after_sales)
    return order


def _schedule_after_sales():
    from visits.tasks import after_sales_schedule

    after_sales_schedule.delay()


def order_initial(opportunity):
    """What the order form offers for a won opportunity: its amount, currency and first product."""
    product = next(iter(opportunity.products.all()), None)
    return {"signed_on": opportunity.closed_on or timezone.localdate(), "amount": opportunity.amount or None,
            "currency": opportunity.currency, "product": product.product if product else opportunity.name}


@transaction.atomic
def opportunity_role_save(*, opportunity, by, buyer_role, stance, note=""):
    """A buyer-role holder of the account involved in the opportunity (K-11), and their stance; once each."""
    _require_edit(by, opportunity)
    if buyer_role.account_id != opportunity.account_id:
        raise ValidationError({"buyer_role": _("Choose a buyer role of this account.")})
    role, _created = OpportunityRole.objects.update_or_create(
        opportunity=opportunity, buyer_role=buyer_role, defaults={"stance": stance, "note": note})
    _roles_changed(opportunity, by)
    return role


@transaction.atomic
def opportunity_role_remove(*, role, by):
    _require_edit(by, role.opportunity)
    role.delete()
    _roles_changed(role.opportunity, by)


def _roles_changed(opportunity, by):
    """A buyer role named, restanced or removed is an edit of the opportunity: its history says so."""
    links = history.links_of(opportunity)
    last = opportunity.history.order_by("-history_date", "-history_id").only("links").first()
    if last is not None and last.links == links:
        return  # the same stance sent again
    opportunity._history_user, opportunity._history_links = by, links
    opportunity.save(update_fields=["updated_at"])


def stage_save(*, stage, by):
    if not permissions.can_configure_stages(by):
        raise PermissionDenied(_("Only an admin changes the pipeline."))
    stage.full_clean()
    stage.save()
    return stage
