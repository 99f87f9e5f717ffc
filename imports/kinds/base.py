"""What every import shares: columns, outcomes, reading a row's cells, the importer's
frame and the lookups of the account a row belongs to.

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

from accounts.models import Account
from core.text import chinese_variants, simplified
from imports import permissions
from imports.parsing import ParseError, text
from notifications.webhooks import announce_many
from users.models import User

LOOKUP_CHUNK = 5000
_HEADER_INDEXES = {}  # importer class → its header index (the same in every language)
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


def chunks(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def fold(value):
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
        self.notes = []  # the current row's notes (e.g. an account matched across scripts), read by _plan

    def note(self, message):
        self.notes.append(message)

    def column(self, key):
        return self._columns[key]

    @cached_property
    def _columns(self):
        return {column.key: column for column in self.columns}

    def label_for_field(self, name):
        column = self._columns.get(name)
        return column.label if column else name

    def header_index(self):
        """Every name a header may have: the key, the label in each language, aliases — each also
        in Simplified, Traditional, Taiwan's and Hong Kong's forms (联系人, 聯繫人, 聯絡人), so a
        Big5 file from Taipei maps itself as a GBK one from Shanghai does. Built once per kind."""
        if type(self) in _HEADER_INDEXES:
            return _HEADER_INDEXES[type(self)]
        index = {}
        for column in self.columns:
            names = {column.key, *column.aliases}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names.add(str(column.label))
            for name in names:
                for variant in sorted(chinese_variants(name)):
                    index.setdefault(normalize_header(variant), column.key)
        _HEADER_INDEXES[type(self)] = index
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
        led = self._led_teams() if self.by.is_supervisor else set()
        allowed = {u.pk for u in users if permissions.can_assign_work(self.by, u, led_team_ids=led)}
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
    def record_url(target):
        """Where a finished import links each row's record (the job page's rows)."""
        return target.get_absolute_url()

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
        if kind := WEBHOOK_KINDS.get(model._meta.label_lower):  # imported rows are changes like any other
            announce_many(f"{kind}.created", created)
            announce_many(f"{kind}.updated", updated)
        return created + updated

    def finish(self, outcomes):
        """Checks that need every row (parent loops)."""

    @staticmethod
    def changed(instance, values):
        return [name for name, value in values.items() if value is not None and getattr(instance, name) != value]


# The webhook event kind (notifications.webhooks) of each imported model.
WEBHOOK_KINDS = {"accounts.account": "account", "contacts.contact": "contact", "accounts.order": "order",
                 "visits.visit": "visit"}


# The first column of the contacts, orders and visits files: which account a row belongs to.
ACCOUNT = Column("account", gettext_lazy("Account name"), gettext_lazy("An account you can change, by its exact name."),
                 "上海华东机电有限公司", True, ("客户", "客户名称", "公司"))


# An amount's currency (core/money.py): on accounts, and on orders (empty: the account's).
CURRENCY = Column("currency", gettext_lazy("Currency"),
                  gettext_lazy("A three-letter code such as CNY, HKD, TWD or USD; empty: the usual currency for a "
                               "new account, the account's for an order."), "CNY",
                  aliases=("币种", "幣別", "货币", "貨幣", "币别"))


class Found(dict):
    """{NAME: [accounts]}; `converted` names the file's names found only in the other script."""

    def __init__(self, *args, converted=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.converted = set(converted)


def account_lookup(names, queryset):
    """Accounts by name, case-folded. A name not found as written is looked for in Simplified and
    Traditional (東方電子 finds 东方电子): a Taipei team's file names the mainland's accounts."""
    wanted = {fold(n) for n in names if text(n)}
    by_name = {}
    for chunk in chunks({variant for name in wanted for variant in chinese_variants(name)}):
        for account in queryset.annotate(folded=Upper("name")).filter(folded__in=chunk):
            by_name.setdefault(account.folded, []).append(account)
    by_simplified = {}
    for folded, accounts in by_name.items():
        by_simplified.setdefault(simplified(folded), []).extend(accounts)
    found = Found()
    for name in wanted:
        if name in by_name:
            found[name] = by_name[name]
        elif simplified(name) in by_simplified:
            found[name] = by_simplified[simplified(name)]
            found.converted.add(name)
    return found


def editable_accounts(user, names):
    """{NAME: account} among the accounts `user` may change; names shared by two
    such accounts map to None (ambiguous)."""
    found = account_lookup(names, Account.objects.active().editable_by(user))
    return Found({name: accounts[0] if len(accounts) == 1 else None for name, accounts in found.items()},
                 converted=found.converted)


def account_cell(importer, row, key="account"):
    name = row.get(key)
    if not name:
        return None
    if fold(name) not in importer.accounts:
        row.error(_("%(column)s: no account named “%(name)s” that you can change.")
                  % {"column": importer.column(key).label, "name": name})
        return None
    account = importer.accounts[fold(name)]
    if account is None:
        row.error(_("%(column)s: more than one account is named “%(name)s”; rename one first.")
                  % {"column": importer.column(key).label, "name": name})
    elif fold(name) in importer.accounts.converted:
        importer.note(converted_note(name, account.name))
    return account


def converted_note(written, found):
    return _("“%(written)s” was matched to the account “%(found)s” across Simplified and Traditional.") % {
        "written": text(written), "found": found}


def changes_message(importer, names):
    return _("Changes: %(fields)s.") % {"fields": ", ".join(str(importer.label_for_field(n)) for n in names)}
