"""Visits from an old log (K-20); a signed-off month stays locked (K-27)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import Contact
from imports.kinds.base import (
    ACCOUNT,
    BATCH,
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
from imports.parsing import parse_date, parse_datetime, split_list, text
from visits.models import MonthlyLog, Visit
from visits.services import month_of


class VisitImporter(Importer):
    kind = "visits"
    columns = (
        ACCOUNT,
        Column("occurred_at", gettext_lazy("Date and time"), gettext_lazy("e.g. 2024-05-26 14:30; a date alone "
               "means 09:00."), "2024-05-26 14:30", True, ("日期", "拜访日期", "拜訪日期", "时间")),
        Column("author", gettext_lazy("Logged by"), gettext_lazy("Username of the manager who visited; empty means "
               "you."), "li", aliases=("拜访人", "拜訪人")),
        Column("channel", gettext_lazy("Channel"), gettext_lazy("On-site visit, phone, video call, e-mail, SMS, "
               "WeChat or event."), "on_site", aliases=("方式",)),
        Column("purpose", gettext_lazy("Purpose"), gettext_lazy("Free text."), "季度回顾", True, ("目的",)),
        Column("summary", gettext_lazy("What was discussed"), gettext_lazy("Free text."), "讨论了明年的采购计划",
               True, ("内容", "內容", "纪要")),
        Column("contacts", gettext_lazy("Contacts met"), gettext_lazy("Names of the account's contacts, separated "
               "by commas."), "张伟、李娜", aliases=("联系人", "聯絡人")),
        Column("customer_feedback", gettext_lazy("Customer feedback"), gettext_lazy("Free text."), ""),
        Column("sentiment", gettext_lazy("Sentiment"), gettext_lazy("Positive, neutral or negative."), ""),
        Column("next_steps", gettext_lazy("Next steps"), gettext_lazy("Free text."), ""),
        Column("follow_up_on", gettext_lazy("Follow-up date"), gettext_lazy("A date."), ""),
        Column("location", gettext_lazy("Location"), gettext_lazy("Free text."), "", aliases=("地点", "地點")),
    )
    FIELDS = ("channel", "purpose", "summary", "customer_feedback", "sentiment", "next_steps", "follow_up_on",
              "location")

    def load(self, records):
        self.accounts = editable_accounts(self.by, (r.get("account") for r in records))
        self.users, self.assignable = self.assignable_users(text(r.get("author")) for r in records if r.get("author"))
        ids = [a.pk for a in self.accounts.values() if a]
        self.contacts, self.existing = {}, {}
        for chunk in chunks(ids):
            for pk, account_id, name in Contact.objects.filter(account_id__in=chunk).values_list(
                    "pk", "account_id", "name"):
                self.contacts.setdefault((account_id, fold(name)), pk)
            for visit in Visit.objects.filter(account_id__in=chunk):
                self.existing[(visit.account_id, visit.author_id, visit.occurred_at)] = visit
        self.locked = set(MonthlyLog.objects.filter(author_id__in=self.assignable, status=MonthlyLog.Status.APPROVED)
                          .values_list("author_id", "month"))
        self.readers = {"channel": ChoiceReader(Visit.Channel.choices),
                        "sentiment": ChoiceReader(Visit.Sentiment.choices), "follow_up_on": parse_date}

    def check(self, line, record):
        row = Row(self, record)
        account = account_cell(self, row)
        author = self.person(row, "author")
        occurred_at = row.get("occurred_at", parse_datetime)
        values = {f: row.get(f, self.readers.get(f, text)) for f in self.FIELDS}
        contact_ids = []
        for name in split_list(record.get("contacts")) if account else []:
            pk = self.contacts.get((account.pk, fold(name)))
            if pk is None:
                row.error(_("Contacts met: “%(name)s” is not a contact of this account.") % {"name": name})
            contact_ids.append(pk)
        label = f"{account} · {occurred_at:%Y-%m-%d %H:%M}" if account and occurred_at else ""
        if author and occurred_at and (author.pk, month_of(occurred_at)) in self.locked:
            row.error(_("%(month)s is signed off and locked for %(name)s.")
                      % {"month": month_of(occurred_at).strftime("%Y-%m"), "name": author})
        given = {k: v for k, v in values.items() if v is not None}
        row.validate(Visit(**given), fields=set(given))
        key = (account.pk if account else None, author.pk if author else None, occurred_at)
        if row.errors:
            return Outcome(line, "error", label, "; ".join(row.errors), key)
        payload = {"values": values, "contacts": contact_ids}
        target = self.existing.get(key)
        if target is None:
            return Outcome(line, "create", label, "", key,
                           {**payload, "account": account, "author": author, "occurred_at": occurred_at})
        changes = self.changed(target, values)
        if not changes:
            return Outcome(line, "skip", label, _("Unchanged."), key)
        return Outcome(line, "update", label, changes_message(self, changes), key, payload, target)

    def apply(self, outcomes, by):
        from visits.services import contacts_refresh_silence

        def new(o):
            moment = o.payload["occurred_at"]
            return Visit(account=o.payload["account"], author=o.payload["author"], occurred_at=moment,
                         log_month=month_of(moment), **{k: v for k, v in o.payload["values"].items() if v is not None})

        written = self.write(Visit, outcomes, by, new)
        Through = Visit.contacts.through
        links = [Through(visit_id=o.target.pk, contact_id=pk)
                 for o in outcomes if o.action in ("create", "update") for pk in o.payload["contacts"]]
        Through.objects.bulk_create(links, batch_size=5 * BATCH, ignore_conflicts=True)
        if written:
            contacts_refresh_silence({link.contact_id for link in links})
