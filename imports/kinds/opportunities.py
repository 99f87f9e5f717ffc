"""Opportunities and tenders (X-03), identified by account and name; the list's export reads back in."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import LostReason, ObjectionType
from core.money import currency_choices
from imports.kinds.base import (
    ACCOUNT,
    CURRENCY,
    ChoiceReader,
    Column,
    Importer,
    Outcome,
    Row,
    account_cell,
    changes_message,
    chunks,
    editable_accounts,
    fold,
)
from imports.parsing import ParseError, parse_date, parse_decimal
from opportunities.history import IMPORT_REASON, link_previous
from opportunities.models import Opportunity, Stage, StageChange
from opportunities.services import change_kind


class NamedReader:
    """An entry of an admin's list (a stage, a lost reason) by its name in any of the three languages."""

    def __init__(self, entries):
        self.by_name = {}
        for entry in entries:
            for name in (entry.name_en, entry.name_zh_hans, entry.name_zh_hant):
                if name:
                    self.by_name.setdefault(fold(name), entry)

    def __call__(self, value):
        found = self.by_name.get(fold(value))
        if found is None:
            raise ParseError(_("“%(value)s” is not on the list.") % {"value": value})
        return found


class OpportunityImporter(Importer):
    kind = "opportunities"
    columns = (
        ACCOUNT,
        Column("name", gettext_lazy("Opportunity"), gettext_lazy("Its name; with the account, it identifies the "
               "opportunity on re-import."), "生产线改造项目", True, ("商机", "项目", "項目", "商機")),
        Column("stage", gettext_lazy("Stage"), gettext_lazy("A stage of the pipeline, by its name."), "Tender", True,
               ("阶段", "階段")),
        Column("amount", gettext_lazy("Amount"), gettext_lazy("A number; ¥ and thousands separators are fine."),
               "800,000", False, ("金额", "金額")),
        Column("expected_close", gettext_lazy("Expected close"), gettext_lazy("A date such as 2026-06-30."),
               "2026-06-30", False, ("预计成交", "預計成交")),
        Column("owner", gettext_lazy("Owner"), gettext_lazy("A username; empty: you."), "", False,
               ("负责人", "負責人")),
        Column("tender_agency", gettext_lazy("Tender agency"), gettext_lazy("Free text."), "", False,
               ("招标代理", "招標代理")),
        Column("bid_deadline", gettext_lazy("Bid deadline"), gettext_lazy("A date."), "", False,
               ("投标截止", "投標截止")),
        Column("bid_submitted_on", gettext_lazy("Bid submitted on"), gettext_lazy("A date."), ""),
        Column("tender_result", gettext_lazy("Tender result"), gettext_lazy("Waiting, awarded to us, to another "
               "bidder, or cancelled."), ""),
        Column("lost_reason", gettext_lazy("Lost reason"), gettext_lazy("From the admins' list, by its name."), ""),
        Column("objection_type", gettext_lazy("Objection type"), gettext_lazy("From the admins' list, by its name."),
               ""),
        CURRENCY,
    )

    def load(self, records):
        self.currency_reader = ChoiceReader(currency_choices())
        self.result_reader = ChoiceReader(Opportunity.TenderResult.choices)
        self.stage_reader = NamedReader(Stage.objects.all())
        self.reason_reader = NamedReader(LostReason.objects.all())
        self.objection_reader = NamedReader(ObjectionType.objects.all())
        self.accounts = editable_accounts(self.by, (r.get("account") for r in records))
        self.users, self.assignable = self.assignable_users(
            str(r.get("owner")).strip() for r in records if r.get("owner"))
        self.existing = {}
        ids = [a.pk for a in self.accounts.values() if a]
        for chunk in chunks(ids):
            for opportunity in Opportunity.objects.filter(account_id__in=chunk).select_related("stage"):
                self.existing[(opportunity.account_id, fold(opportunity.name))] = opportunity

    def check(self, line, record):
        row = Row(self, record)
        account = account_cell(self, row)
        owner = self.person(row, "owner")
        values = {"name": row.get("name"), "stage": row.get("stage", self.stage_reader),
                  "amount": row.get("amount", parse_decimal), "expected_close": row.get("expected_close", parse_date),
                  "tender_agency": row.get("tender_agency") or None,
                  "bid_deadline": row.get("bid_deadline", parse_date),
                  "bid_submitted_on": row.get("bid_submitted_on", parse_date),
                  "tender_result": row.get("tender_result", self.result_reader),
                  "lost_reason": row.get("lost_reason", self.reason_reader),
                  "objection_type": row.get("objection_type", self.objection_reader),
                  "currency": row.get("currency", self.currency_reader) or (account.currency if account else None)}
        if values["amount"] is not None and values["amount"] < 0:
            row.error(_("Amount: must not be negative."))
        label = f"{account} · {values['name'] or ''}" if account else ""
        key = (account.pk if account else None, fold(values["name"] or ""))
        target = self.existing.get(key)
        if target is None and owner is not None:
            values["owner"] = owner
        given = {k: v for k, v in values.items() if v is not None}
        row.validate(Opportunity(account=account, **given), fields=set(given) - {"stage", "lost_reason",
                                                                                   "objection_type", "owner"})
        if row.errors:
            return Outcome(line, "error", label, "; ".join(row.errors), key)
        payload = {"values": values, "account": account}
        if target is None:
            return Outcome(line, "create", label, "", key, payload)
        changes = self.changed(target, {k: v for k, v in values.items() if k != "owner"})
        if not changes:
            return Outcome(line, "skip", label, _("Unchanged."), key)
        return Outcome(line, "update", label, changes_message(self, changes), key, payload, target)

    def apply(self, outcomes, by):
        """Creates and updates in batches; a new opportunity and a stage changed leave their StageChange."""
        now, today = timezone.now(), timezone.localdate()
        created, updated, changes, fields = [], [], [], set()
        for o in outcomes:
            values = {k: v for k, v in o.payload.get("values", {}).items() if v is not None}
            if o.action == "create":
                o.target = Opportunity(account=o.payload["account"], owner=values.pop("owner", by), **values)
                created.append(o.target)
            elif o.action == "update":
                values.pop("owner", None)
                if values.get("stage") and values["stage"].pk != o.target.stage_id:
                    changes.append((o.target, o.target.stage, values["stage"]))
                for name, value in values.items():
                    setattr(o.target, name, value)
                    fields.add(name)
                updated.append(o.target)
            else:
                continue
            o.target.closed_on = (o.target.closed_on or today) if o.target.stage.is_closed else None
        # Each row's edit history too (opportunities.history), written in bulk and linked after.
        bulk_create_with_history(created, Opportunity, batch_size=1000, default_user=by,
                                 default_change_reason=IMPORT_REASON, default_date=now)
        if updated:
            bulk_update_with_history(updated, Opportunity, sorted(fields | {"closed_on"}), batch_size=1000,
                                     default_user=by, default_change_reason=IMPORT_REASON, default_date=now)
            link_previous([o.pk for o in updated])
        # K-51: loaded steps are not the team's conversions (StageChange.Origin).
        history = [StageChange(opportunity=o, account_id=o.account_id, to_stage=o.stage, changed_by=by,
                               changed_at=now, kind=change_kind(None, o.stage), origin=StageChange.Origin.IMPORT)
                   for o in created]
        history += [StageChange(opportunity=o, account_id=o.account_id, from_stage=old, to_stage=new,
                                changed_by=by, changed_at=now, kind=change_kind(old, new),
                                origin=StageChange.Origin.IMPORT) for o, old, new in changes]
        StageChange.objects.bulk_create(history, batch_size=1000)
        return created + updated
