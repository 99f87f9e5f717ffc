"""Accounts: K-01 profile fields, the responsible manager (K-05) and parent groups (K-07)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account
from core.money import currency_choices
from imports.kinds.base import (
    BATCH,
    CURRENCY,
    ChoiceReader,
    Column,
    Importer,
    Outcome,
    Row,
    account_lookup,
    changes_message,
    converted_note,
    fold,
)
from imports.parsing import parse_date, parse_int, text


class AccountImporter(Importer):
    kind = "accounts"
    columns = (
        Column("name", gettext_lazy("Account name"), gettext_lazy("The company's registered name. Re-importing "
               "a file updates accounts with the same name."), "上海华东机电有限公司", True,
               ("客户", "客户名称", "公司")),
        Column("owner", gettext_lazy("Responsible manager"), gettext_lazy("Username of the responsible manager; "
               "empty means you. An admin leaves a prospect unassigned and names the manager of any other "
               "account."), "li", aliases=("owner", "负责人", "負責人", "客户经理")),
        Column("industry", gettext_lazy("Industry"), gettext_lazy("Free text."), "制造业", aliases=("行业", "行業")),
        Column("size", gettext_lazy("Size"), gettext_lazy("One of the sizes in the account form."), "large"),
        Column("region", gettext_lazy("Region"), gettext_lazy("Free text."), "华东", aliases=("区域", "地区", "區域")),
        Column("kind", gettext_lazy("Key-account kind"), gettext_lazy("One of the key-account kinds."), "standard"),
        Column("status", gettext_lazy("Status"), gettext_lazy("Active, prospect, lost…"), "active"),
        Column("relationship_style", gettext_lazy("Relationship style"),
               gettext_lazy("One of the relationship styles."), ""),
        Column("potential", gettext_lazy("Potential"), gettext_lazy("A whole number from 1 to 5."), "3"),
        Column("parent", gettext_lazy("Parent group"), gettext_lazy("Name of the group this company belongs to: "
               "an existing account or one in this file."), "", aliases=("集团", "集團")),
        Column("business_scope", gettext_lazy("Business scope"), gettext_lazy("Free text."), ""),
        Column("responsible_department", gettext_lazy("Responsible department"), gettext_lazy("Free text."), ""),
        Column("executive_sponsor", gettext_lazy("Executive sponsor"), gettext_lazy("Free text."), ""),
        Column("founded_on", gettext_lazy("Founded"), gettext_lazy("A date such as 2004-05-26 or 2004年5月26日."),
               "2004-05-26"),
        CURRENCY,
    )
    FIELDS = ("industry", "size", "region", "kind", "status", "relationship_style", "potential", "business_scope",
              "responsible_department", "executive_sponsor", "founded_on", "currency")

    def load(self, records):
        names = [r.get("name") for r in records] + [r.get("parent") for r in records]
        self.existing = account_lookup(names, Account.objects.all())
        self.folded_names = {a.pk: folded for folded, accounts in self.existing.items() for a in accounts}
        self.editable = set(Account.objects.editable_by(self.by).filter(
            pk__in=[a.pk for accounts in self.existing.values() for a in accounts]).values_list("pk", flat=True))
        self.users, self.assignable = self.assignable_users(text(r.get("owner")) for r in records if r.get("owner"))
        self.file_names = {fold(r.get("name")) for r in records if text(r.get("name"))}
        self.readers = {
            "size": ChoiceReader(Account.Size.choices), "kind": ChoiceReader(Account.Kind.choices),
            "status": ChoiceReader(Account.Status.choices),
            "relationship_style": ChoiceReader(Account.RelationshipStyle.choices),
            "potential": parse_int, "founded_on": parse_date,
            "currency": ChoiceReader(currency_choices()),
        }

    def check(self, line, record):
        row = Row(self, record)
        name = row.get("name")
        values = {f: row.get(f, self.readers.get(f, text)) for f in self.FIELDS}
        owner = self.person(row, "owner") if record.get("owner") else None
        parent = row.get("parent")
        if parent and fold(parent) not in self.file_names and fold(parent) not in self.existing:
            row.error(_("Parent group: no account named “%(name)s” here or in the file.") % {"name": parent})
        if parent and name and fold(parent) == fold(name):
            row.error(_("Parent group: an account cannot be its own group."))
        key = (fold(name),)
        matches = self.existing.get(key[0], []) if name else []
        if matches and key[0] in self.existing.converted:
            self.note(converted_note(name, matches[0].name))
        if len(matches) > 1:
            row.error(_("%(count)s accounts are already named “%(name)s”; rename them first.")
                      % {"count": len(matches), "name": name})
        elif matches and matches[0].pk not in self.editable:
            row.error(_("An account named “%(name)s” exists and is not yours to change.") % {"name": name})
        target = matches[0] if len(matches) == 1 else None
        if target is None and not record.get("owner") and self.by.is_admin:
            self._unowned(row, values["status"])
        given = {k: v for k, v in values.items() if v is not None}
        row.validate(Account(name=name or "x", **given), fields={"name", *given})
        if row.errors:
            return Outcome(line, "error", name or "", "; ".join(row.errors), key)
        payload = {"values": {**values, "owner": owner}, "parent": parent, "name": name}
        if target is None:
            return Outcome(line, "create", name, "", key, payload)
        changes = self.changed(target, {**values, "owner_id": owner.pk if owner else None})
        if parent is not None and self.folded_names.get(target.parent_id) != fold(parent):
            changes.append("parent")
        if not changes:
            return Outcome(line, "skip", name, _("Unchanged."), key)
        return Outcome(line, "update", name, changes_message(self, changes), key, payload, target)

    @staticmethod
    def _unowned(row, status):
        """An empty manager cell means the importer, but an admin is nobody's account manager
        (K-05): a new prospect is left unassigned, open to claims (K-06); any other account
        needs its responsible manager named."""
        if (status or Account._meta.get_field("status").default) != Account.Status.PROSPECT:
            row.error(_("Responsible manager is required: name the manager responsible for this account."))

    def finish(self, outcomes):
        parents = {o.key[0]: fold(o.payload["parent"]) for o in outcomes if o.payload.get("parent")}
        for outcome in outcomes:
            seen, name = set(), outcome.key[0] if outcome.key else None
            while name in parents and name not in seen:
                seen.add(name)
                name = parents[name]
            if outcome.action != "error" and outcome.key and name == outcome.key[0] and len(seen) > 1:
                outcome.action, outcome.message = "error", _("Parent group: these rows make a loop of groups.")

    def apply(self, outcomes, by):
        def new(o):
            values = {k: v for k, v in o.payload["values"].items() if v is not None}
            # An empty cell: the importing manager, or nobody for an admin's prospect (_unowned).
            return Account(**{"owner": None if by.is_admin else by, **values, "name": o.payload["name"]})

        self._set_parents(outcomes, self.write(Account, outcomes, by, new))

    def _set_parents(self, outcomes, accounts):
        by_name = {fold(a.name): a for a in accounts}
        lookup = {**{n: a[0] for n, a in self.existing.items() if len(a) == 1}, **by_name}
        linked = []
        for o in outcomes:
            if o.action in ("create", "update") and o.payload.get("parent"):
                account = by_name[o.key[0]]
                account.parent_id = lookup[fold(o.payload["parent"])].pk
                linked.append(account)
        Account.objects.bulk_update(linked, ["parent"], batch_size=BATCH)
