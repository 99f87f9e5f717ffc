"""What each import understands: its columns and, per row, what it would do.

An importer reads every row twice with the same code: once for the dry run
(outcomes only) and once inside the apply transaction, where the outcomes are
written. Lookups are made once per file (set-based), never once per row.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, Order
from contacts.models import BuyerRole, Contact
from core.text import narrow
from imports.parsing import (
    ParseError,
    parse_birthday,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    split_list,
    text,
)
from users.models import User
from visits.models import MonthlyLog, Visit
from visits.services import month_of

LOOKUP_CHUNK = 5000
BATCH = 1000


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    help: Promise
    example: str = ""
    required: bool = False
    aliases: tuple = ()


@dataclass
class Outcome:
    line: int
    action: str  # one of ImportRow.Outcome
    label: str = ""
    message: str = ""
    key: tuple = ()
    payload: dict = field(default_factory=dict)
    target: object = None


def normalize_header(header):
    return unicodedata.normalize("NFKC", str(header)).strip().strip("*:：").strip().lower()


def _chunks(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _fold(value):
    return text(value).upper()


class ChoiceReader:
    """Reads a choice by its code or its label in any of our languages: a file
    from a Traditional Chinese team says 製造業 where ours says 制造业."""

    def __init__(self, choices):
        self.codes = {}
        for code, label in choices:
            self.codes[str(code).lower()] = code
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    for variant in self._variants(str(label)):
                        self.codes.setdefault(normalize_header(variant), code)
        self.choices = choices

    @staticmethod
    def _variants(label):
        yield label
        yield label.split(" — ")[0]
        # "Solar (公历)", "教练（内线）": either part alone names the choice too.
        bracketed = re.match(r"^(.*?)\s*[（(](.*?)[)）]\s*$", label)
        if bracketed:
            yield from bracketed.groups()

    def __call__(self, value):
        code = self.codes.get(normalize_header(value))
        if code is None:
            raise ParseError(_("“%(value)s” is not one of: %(choices)s.") % {
                "value": text(value), "choices": ", ".join(str(label) for _code, label in self.choices)})
        return code


class Row:
    """One row's cells, read with their parsers; errors are collected, not raised,
    so the dry run reports every problem of a row at once."""

    def __init__(self, importer, record):
        self.importer = importer
        self.record = record
        self.errors = []

    def get(self, key, parser=text):
        raw = self.record.get(key)
        column = self.importer.column(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if column.required:
                self.errors.append(_("%(column)s is required.") % {"column": column.label})
            return None
        try:
            return parser(raw)
        except ParseError as error:
            self.errors.append(f"{column.label}: {error.message}")
            return None

    def error(self, message):
        self.errors.append(message)

    def validate(self, instance, fields):
        """The model's own field checks (lengths, choices, phone and e-mail formats)
        on the fields the row gives; the others keep their defaults."""
        exclude = [f.name for f in instance._meta.fields if f.name not in fields]
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = self.importer.label_for_field(name)
                self.errors.extend(f"{label}: {message}" for message in messages)


class Importer:
    kind = ""
    columns = ()

    def __init__(self, *, by):
        self.by = by

    def column(self, key):
        return self._columns[key]

    @cached_property
    def _columns(self):
        return {column.key: column for column in self.columns}

    def label_for_field(self, name):
        column = self._columns.get(name)
        return column.label if column else name

    def header_index(self):
        """Every name a header may have: the key, the label in each language, aliases."""
        index = {}
        for column in self.columns:
            names = {column.key, *column.aliases}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names.add(str(column.label))
            for name in names:
                index.setdefault(normalize_header(name), column.key)
        return index

    # Assignment scope: who the importing user may name as owner or author.
    def assignable_users(self, names):
        """People named in the file, by username or, as our own exports write them,
        by display name (when no two people share it); and whom the importer may
        assign work to."""
        names = set(names)
        users = list(User.objects.filter(Q(username__in=names | {self.by.username}) | Q(display_name__in=names)))
        by_name = {}
        for user in users:
            if user.display_name in names:
                by_name[user.display_name] = None if user.display_name in by_name else user
        by_name.update({u.username: u for u in users})
        if self.by.is_admin:
            allowed = {u.pk for u in users}
        elif self.by.is_supervisor:
            led = self._led_teams()
            allowed = {u.pk for u in users if u.pk == self.by.pk or u.team_id in led}
        else:
            allowed = {self.by.pk}
        return {name: user for name, user in by_name.items() if user}, allowed

    def _led_teams(self):
        return set(self.by.supervised_teams.values_list("pk", flat=True))

    def person(self, row, key):
        """The user named in `key`, the importer when the cell is empty."""
        username = row.get(key)
        if not username:
            return self.by
        user = self.users.get(username)
        if user is None:
            row.error(_("%(column)s: there is no user “%(name)s”.") % {"column": self.column(key).label,
                                                                       "name": username})
        elif user.pk not in self.assignable:
            row.error(_("%(column)s: you cannot assign work to %(name)s.") % {"column": self.column(key).label,
                                                                              "name": user})
            return None
        return user

    def load(self, records):
        raise NotImplementedError

    def check(self, line, record):
        raise NotImplementedError

    def apply(self, outcomes, by):
        raise NotImplementedError

    @staticmethod
    def write(model, outcomes, by, new):
        """Create the rows the dry run said to create (`new` builds each from its
        outcome) and update the ones it said to update, with their history, in batches."""
        from simple_history.utils import bulk_create_with_history, bulk_update_with_history

        created, updated, fields = [], [], set()
        for o in outcomes:
            if o.action == "create":
                o.target = new(o)
                created.append(o.target)
            elif o.action == "update":
                for name, value in o.payload["values"].items():
                    if value is not None:
                        setattr(o.target, name, value)
                        fields.add(name)
                updated.append(o.target)
        bulk_create_with_history(created, model, batch_size=BATCH, default_user=by)
        if updated and fields:
            bulk_update_with_history(updated, model, sorted(fields), batch_size=BATCH, default_user=by)
        return created + updated

    def finish(self, outcomes):
        """Checks that need every row (parent loops)."""

    @staticmethod
    def changed(instance, values):
        return [name for name, value in values.items() if value is not None and getattr(instance, name) != value]


# The first column of the contacts, orders and visits files: which account a row belongs to.
ACCOUNT = Column("account", gettext_lazy("Account name"), gettext_lazy("An account you can change, by its exact name."),
                 "上海华东机电有限公司", True, ("客户", "客户名称", "公司"))


def _account_lookup(names, queryset):
    found = {}
    for chunk in _chunks({_fold(n) for n in names if text(n)}):
        for account in queryset.annotate(folded=Upper("name")).filter(folded__in=chunk):
            found.setdefault(account.folded, []).append(account)
    return found


def _editable_accounts(user, names):
    """{NAME: account} among the accounts `user` may change; names shared by two
    such accounts map to None (ambiguous)."""
    found = _account_lookup(names, Account.objects.active().editable_by(user))
    return {name: accounts[0] if len(accounts) == 1 else None for name, accounts in found.items()}


def _account_cell(importer, row, key="account"):
    name = row.get(key)
    if not name:
        return None
    if _fold(name) not in importer.accounts:
        row.error(_("%(column)s: no account named “%(name)s” that you can change.")
                  % {"column": importer.column(key).label, "name": name})
        return None
    account = importer.accounts[_fold(name)]
    if account is None:
        row.error(_("%(column)s: more than one account is named “%(name)s”; rename one first.")
                  % {"column": importer.column(key).label, "name": name})
    return account


# --- Accounts ------------------------------------------------------------------------------

class AccountImporter(Importer):
    kind = "accounts"
    columns = (
        Column("name", gettext_lazy("Account name"), gettext_lazy("The company's registered name. Re-importing "
               "a file updates accounts with the same name."), "上海华东机电有限公司", True,
               ("客户", "客户名称", "公司")),
        Column("owner", gettext_lazy("Responsible manager"), gettext_lazy("Username of the responsible manager; "
               "empty means you."), "li", aliases=("owner", "负责人", "負責人", "客户经理")),
        Column("industry", gettext_lazy("Industry"), gettext_lazy("Free text."), "制造业", aliases=("行业", "行業")),
        Column("size", gettext_lazy("Size"), gettext_lazy("One of the sizes in the account form."), "large"),
        Column("region", gettext_lazy("Region"), gettext_lazy("Free text."), "华东", aliases=("区域", "地区", "區域")),
        Column("kind", gettext_lazy("Key-account kind"), gettext_lazy("One of the key-account kinds."), "standard"),
        Column("status", gettext_lazy("Status"), gettext_lazy("Active, prospect, lost…"), "active"),
        Column("relationship_style", gettext_lazy("Relationship style"),
               gettext_lazy("One of the relationship styles."), ""),
        Column("potential", gettext_lazy("Potential"), gettext_lazy("A whole number from 1 to 5."), "3"),
        Column("has_open_tender", gettext_lazy("Open tender"), gettext_lazy("Yes or no."), "no"),
        Column("parent", gettext_lazy("Parent group"), gettext_lazy("Name of the group this company belongs to: "
               "an existing account or one in this file."), "", aliases=("集团", "集團")),
        Column("business_scope", gettext_lazy("Business scope"), gettext_lazy("Free text."), ""),
        Column("responsible_department", gettext_lazy("Responsible department"), gettext_lazy("Free text."), ""),
        Column("executive_sponsor", gettext_lazy("Executive sponsor"), gettext_lazy("Free text."), ""),
        Column("founded_on", gettext_lazy("Founded"), gettext_lazy("A date such as 2004-05-26 or 2004年5月26日."),
               "2004-05-26"),
    )
    FIELDS = ("industry", "size", "region", "kind", "status", "relationship_style", "potential", "has_open_tender",
              "business_scope", "responsible_department", "executive_sponsor", "founded_on")

    def load(self, records):
        names = [r.get("name") for r in records] + [r.get("parent") for r in records]
        self.existing = _account_lookup(names, Account.objects.all())
        self.folded_names = {a.pk: folded for folded, accounts in self.existing.items() for a in accounts}
        self.editable = set(Account.objects.editable_by(self.by).filter(
            pk__in=[a.pk for accounts in self.existing.values() for a in accounts]).values_list("pk", flat=True))
        self.users, self.assignable = self.assignable_users(text(r.get("owner")) for r in records if r.get("owner"))
        self.file_names = {_fold(r.get("name")) for r in records if text(r.get("name"))}
        self.readers = {
            "size": ChoiceReader(Account.Size.choices), "kind": ChoiceReader(Account.Kind.choices),
            "status": ChoiceReader(Account.Status.choices),
            "relationship_style": ChoiceReader(Account.RelationshipStyle.choices),
            "potential": parse_int, "has_open_tender": parse_bool, "founded_on": parse_date,
        }

    def check(self, line, record):
        row = Row(self, record)
        name = row.get("name")
        values = {f: row.get(f, self.readers.get(f, text)) for f in self.FIELDS}
        owner = self.person(row, "owner") if record.get("owner") else None
        parent = row.get("parent")
        if parent and _fold(parent) not in self.file_names and _fold(parent) not in self.existing:
            row.error(_("Parent group: no account named “%(name)s” here or in the file.") % {"name": parent})
        if parent and name and _fold(parent) == _fold(name):
            row.error(_("Parent group: an account cannot be its own group."))
        key = (_fold(name),)
        matches = self.existing.get(key[0], []) if name else []
        if len(matches) > 1:
            row.error(_("%(count)s accounts are already named “%(name)s”; rename them first.")
                      % {"count": len(matches), "name": name})
        elif matches and matches[0].pk not in self.editable:
            row.error(_("An account named “%(name)s” exists and is not yours to change.") % {"name": name})
        target = matches[0] if len(matches) == 1 else None
        given = {k: v for k, v in values.items() if v is not None}
        row.validate(Account(name=name or "x", **given), fields={"name", *given})
        if row.errors:
            return Outcome(line, "error", name or "", "; ".join(row.errors), key)
        payload = {"values": {**values, "owner": owner}, "parent": parent, "name": name}
        if target is None:
            return Outcome(line, "create", name, "", key, payload)
        changes = self.changed(target, {**values, "owner_id": owner.pk if owner else None})
        if parent is not None and self.folded_names.get(target.parent_id) != _fold(parent):
            changes.append("parent")
        if not changes:
            return Outcome(line, "skip", name, _("Unchanged."), key)
        return Outcome(line, "update", name, _changes_message(self, changes), key, payload, target)

    def finish(self, outcomes):
        parents = {o.key[0]: _fold(o.payload["parent"]) for o in outcomes if o.payload.get("parent")}
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
            return Account(**{"owner": by, **values, "name": o.payload["name"]})

        self._set_parents(outcomes, self.write(Account, outcomes, by, new))

    def _set_parents(self, outcomes, accounts):
        by_name = {_fold(a.name): a for a in accounts}
        lookup = {**{n: a[0] for n, a in self.existing.items() if len(a) == 1}, **by_name}
        linked = []
        for o in outcomes:
            if o.action in ("create", "update") and o.payload.get("parent"):
                account = by_name[o.key[0]]
                account.parent_id = lookup[_fold(o.payload["parent"])].pk
                linked.append(account)
        Account.objects.bulk_update(linked, ["parent"], batch_size=BATCH)


def _changes_message(importer, names):
    return _("Changes: %(fields)s.") % {"fields": ", ".join(str(importer.label_for_field(n)) for n in names)}


# --- Contacts ------------------------------------------------------------------------------

class ContactImporter(Importer):
    kind = "contacts"
    columns = (
        ACCOUNT,
        Column("name", gettext_lazy("Contact name"), gettext_lazy("With the account, identifies the contact on "
               "re-import."), "张伟", True, ("姓名", "联系人")),
        Column("title", gettext_lazy("Title"), gettext_lazy("Free text."), "采购总监",
               aliases=("职务", "職務", "职位")),
        Column("department", gettext_lazy("Department"), gettext_lazy("Free text."), "采购部",
               aliases=("部门", "部門")),
        Column("gender", gettext_lazy("Gender"), gettext_lazy("Female, male or other."), "male",
               aliases=("性别", "性別")),
        Column("mobile", gettext_lazy("Mobile"), gettext_lazy("Digits, spaces and dashes."), "138 0013 8000",
               aliases=("手机", "手機")),
        Column("phone", gettext_lazy("Phone"), gettext_lazy("Digits, spaces and dashes."), "021-6123-4567",
               aliases=("电话", "電話")),
        Column("email", gettext_lazy("E-mail"), gettext_lazy("An e-mail address."), "zhang.wei@example.com",
               aliases=("email", "邮箱", "郵箱")),
        Column("wechat", gettext_lazy("WeChat ID"), gettext_lazy("Free text."), "", aliases=("微信",)),
        Column("address", gettext_lazy("Address"), gettext_lazy("Free text."), "", aliases=("地址",)),
        Column("birthday", gettext_lazy("Birthday"), gettext_lazy("Solar: 1980-05-26 or 5月26日. Lunar: start with "
               "农历 / 農曆, e.g. 农历八月十五 or 农历1975年闰四月初八."), "农历八月十五", aliases=("生日",)),
        Column("preferred_channel", gettext_lazy("Preferred channel"), gettext_lazy("Phone, WeChat, e-mail, SMS or "
               "visit."), "wechat"),
        Column("personality", gettext_lazy("Personality style"), gettext_lazy("Tiger, peacock, owl or koala."), ""),
        Column("hobbies", gettext_lazy("Hobbies"), gettext_lazy("Free text."), "", aliases=("爱好", "愛好")),
        Column("roles", gettext_lazy("Buyer roles"), gettext_lazy("Decision-maker, technical gatekeeper, user, "
               "coach; several separated by commas. Roles are added, never removed."), "decision_maker",
               aliases=("角色",)),
    )
    FIELDS = ("title", "department", "gender", "mobile", "phone", "email", "wechat", "address",
              "preferred_channel", "personality", "hobbies")

    def load(self, records):
        self.accounts = _editable_accounts(self.by, (r.get("account") for r in records))
        account_ids = [a.pk for a in self.accounts.values() if a]
        self.existing = {}
        for chunk in _chunks(account_ids):
            for contact in Contact.objects.filter(account_id__in=chunk, archived_at__isnull=True).prefetch_related(
                    "roles"):
                self.existing.setdefault((contact.account_id, _fold(contact.name)), []).append(contact)
        self.readers = {"gender": ChoiceReader(Contact.Gender.choices),
                        "preferred_channel": ChoiceReader(Contact.Channel.choices),
                        "personality": ChoiceReader(Contact.Personality.choices),
                        # As the model stores them, so a re-import of １３８… finds nothing changed.
                        "mobile": lambda cell: narrow(text(cell)), "phone": lambda cell: narrow(text(cell))}
        self.role_reader = ChoiceReader(BuyerRole.Role.choices)

    def check(self, line, record):
        row = Row(self, record)
        account = _account_cell(self, row)
        name = row.get("name")
        values = {f: row.get(f, self.readers.get(f, text)) for f in self.FIELDS}
        birthday = row.get("birthday", parse_birthday)
        if birthday:
            values.update(birthday_calendar=birthday["calendar"], birth_year=birthday["year"],
                          birth_month=birthday["month"], birth_day=birthday["day"], birth_leap_month=birthday["leap"])
        roles = row.get("roles", lambda cell: [self.role_reader(part) for part in split_list(cell)]) or []
        label = f"{account} · {name}" if account and name else (name or "")
        key = (account.pk if account else None, _fold(name))
        matches = self.existing.get(key, []) if account and name else []
        if len(matches) > 1:
            row.error(_("%(count)s contacts of this account are already named “%(name)s”.")
                      % {"count": len(matches), "name": name})
        given = {k: v for k, v in values.items() if v is not None}
        row.validate(Contact(name=name or "x", **given), fields={"name", *given})
        if row.errors:
            return Outcome(line, "error", label, "; ".join(row.errors), key)
        payload = {"values": values, "roles": roles, "account": account, "name": name}
        if not matches:
            return Outcome(line, "create", label, "", key, payload)
        target = matches[0]
        changes = self.changed(target, values)
        have = {r.role for r in target.roles.all()}
        if set(roles) - have:
            changes.append("roles")
        if not changes:
            return Outcome(line, "skip", label, _("Unchanged."), key)
        return Outcome(line, "update", label, _changes_message(self, changes), key, payload, target)

    def label_for_field(self, name):
        if name.startswith("birth"):
            return self.column("birthday").label
        return super().label_for_field(name)

    def apply(self, outcomes, by):
        self.write(Contact, outcomes, by, lambda o: Contact(
            account=o.payload["account"], name=o.payload["name"],
            **{k: v for k, v in o.payload["values"].items() if v is not None}))
        roles = [BuyerRole(account_id=o.target.account_id, contact=o.target, role=role)
                 for o in outcomes if o.action in ("create", "update") for role in o.payload["roles"]]
        # The unique (contact, role) key keeps roles a contact already has.
        BuyerRole.objects.bulk_create(roles, batch_size=BATCH, ignore_conflicts=True)


# --- Orders --------------------------------------------------------------------------------

class OrderImporter(Importer):
    kind = "orders"
    columns = (
        ACCOUNT,
        Column("signed_on", gettext_lazy("Date"), gettext_lazy("The day the order was signed, e.g. 2024-05-26."),
               "2024-05-26", True, ("日期", "签约日期", "簽約日期")),
        Column("amount", gettext_lazy("Amount"), gettext_lazy("A positive number; ¥ and thousands separators are "
               "fine."), "120,000.00", True, ("金额", "金額")),
        Column("product", gettext_lazy("Product"), gettext_lazy("Free text."), "伺服电机", True, ("产品", "產品")),
        Column("contract_months", gettext_lazy("Contract months"), gettext_lazy("A whole number."), "12"),
        Column("reference", gettext_lazy("Contract number"), gettext_lazy("When given, identifies the order on "
               "re-import; without it, account, date, product and amount do."), "HT-2024-001",
               aliases=("合同号", "合同編號", "合同编号")),
    )

    def load(self, records):
        self.accounts = _editable_accounts(self.by, (r.get("account") for r in records))
        self.existing = {}
        ids = [a.pk for a in self.accounts.values() if a]
        for chunk in _chunks(ids):
            for order in Order.objects.filter(account_id__in=chunk):
                self.existing[self._key(order.account_id, order.reference, order.signed_on, order.product,
                                        order.amount)] = order

    @staticmethod
    def _key(account_id, reference, signed_on, product, amount):
        if reference:
            return (account_id, "ref", _fold(reference))
        return (account_id, "sig", signed_on, _fold(product), amount)

    def check(self, line, record):
        row = Row(self, record)
        account = _account_cell(self, row)
        values = {"signed_on": row.get("signed_on", parse_date), "amount": row.get("amount", parse_decimal),
                  "product": row.get("product"), "contract_months": row.get("contract_months", parse_int),
                  "reference": row.get("reference") or ""}
        if values["amount"] is not None and values["amount"] <= 0:
            row.error(_("Amount: must be more than zero."))
        label = f"{account} · {values['product'] or ''} · {values['signed_on'] or ''}" if account else ""
        given = {k: v for k, v in values.items() if v is not None}
        row.validate(Order(**given), fields=set(given))
        key = self._key(account.pk if account else None, values["reference"], values["signed_on"],
                        values["product"], values["amount"])
        if row.errors:
            return Outcome(line, "error", label, "; ".join(row.errors), key)
        target = self.existing.get(key)
        payload = {"values": values, "account": account}
        if target is None:
            return Outcome(line, "create", label, "", key, payload)
        changes = self.changed(target, values)
        if not changes:
            return Outcome(line, "skip", label, _("Unchanged."), key)
        return Outcome(line, "update", label, _changes_message(self, changes), key, payload, target)

    def apply(self, outcomes, by):
        self.write(Order, outcomes, by, lambda o: Order(
            account=o.payload["account"], **{k: v for k, v in o.payload["values"].items() if v is not None}))


# --- Visits --------------------------------------------------------------------------------

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
        self.accounts = _editable_accounts(self.by, (r.get("account") for r in records))
        self.users, self.assignable = self.assignable_users(text(r.get("author")) for r in records if r.get("author"))
        ids = [a.pk for a in self.accounts.values() if a]
        self.contacts, self.existing = {}, {}
        for chunk in _chunks(ids):
            for pk, account_id, name in Contact.objects.filter(account_id__in=chunk).values_list(
                    "pk", "account_id", "name"):
                self.contacts.setdefault((account_id, _fold(name)), pk)
            for visit in Visit.objects.filter(account_id__in=chunk):
                self.existing[(visit.account_id, visit.author_id, visit.occurred_at)] = visit
        self.locked = set(MonthlyLog.objects.filter(author_id__in=self.assignable, status=MonthlyLog.Status.APPROVED)
                          .values_list("author_id", "month"))
        self.readers = {"channel": ChoiceReader(Visit.Channel.choices),
                        "sentiment": ChoiceReader(Visit.Sentiment.choices), "follow_up_on": parse_date}

    def check(self, line, record):
        row = Row(self, record)
        account = _account_cell(self, row)
        author = self.person(row, "author")
        occurred_at = row.get("occurred_at", parse_datetime)
        values = {f: row.get(f, self.readers.get(f, text)) for f in self.FIELDS}
        contact_ids = []
        for name in split_list(record.get("contacts")) if account else []:
            pk = self.contacts.get((account.pk, _fold(name)))
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
        return Outcome(line, "update", label, _changes_message(self, changes), key, payload, target)

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


IMPORTERS = {cls.kind: cls for cls in (AccountImporter, ContactImporter, OrderImporter, VisitImporter)}
