"""Contacts and their buyer roles (K-10, K-11); roles are added, never removed."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import BuyerRole, Contact
from core.text import narrow
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
from imports.parsing import parse_birthday, split_list, text


class ContactImporter(Importer):
    kind = "contacts"
    columns = (
        ACCOUNT,
        Column("name", gettext_lazy("Contact name"), gettext_lazy("With the account, identifies the contact on "
               "re-import."), "张伟", True, ("姓名", "联系人")),
        Column("title", gettext_lazy("Title"), gettext_lazy("Free text."), "采购总监",
               aliases=("职务", "職務", "职位", "职称")),
        Column("department", gettext_lazy("Department"), gettext_lazy("Free text."), "采购部",
               aliases=("部门", "部門")),
        Column("gender", gettext_lazy("Gender"), gettext_lazy("Female, male or other."), "male",
               aliases=("性别", "性別")),
        Column("mobile", gettext_lazy("Mobile"), gettext_lazy("Digits, spaces and dashes."), "138 0013 8000",
               aliases=("手机", "手機", "手机号码", "手机号", "行动电话", "移动电话")),
        Column("phone", gettext_lazy("Phone"), gettext_lazy("Digits, spaces and dashes."), "021-6123-4567",
               aliases=("电话", "電話")),
        Column("email", gettext_lazy("E-mail"), gettext_lazy("An e-mail address."), "zhang.wei@example.com",
               aliases=("email", "邮箱", "郵箱", "电邮", "电子邮件", "电子信箱")),
        Column("wechat", gettext_lazy("WeChat ID"), gettext_lazy("Free text."), "", aliases=("微信",)),
        Column("address", gettext_lazy("Address"), gettext_lazy("Free text."), "", aliases=("地址",)),
        Column("birthday", gettext_lazy("Birthday"), gettext_lazy("Solar: 1980-05-26 or 5月26日. Lunar: start with "
               "农历 / 農曆, e.g. 农历八月十五 or 农历1975年闰四月初八."), "农历八月十五",
               aliases=("生日", "出生日期")),
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
        self.accounts = editable_accounts(self.by, (r.get("account") for r in records))
        account_ids = [a.pk for a in self.accounts.values() if a]
        self.existing = {}
        for chunk in chunks(account_ids):
            for contact in Contact.objects.filter(account_id__in=chunk, archived_at__isnull=True).prefetch_related(
                    "roles"):
                self.existing.setdefault((contact.account_id, fold(contact.name)), []).append(contact)
        self.readers = {"gender": ChoiceReader(Contact.Gender.choices),
                        "preferred_channel": ChoiceReader(Contact.Channel.choices),
                        "personality": ChoiceReader(Contact.Personality.choices),
                        # As the model stores them, so a re-import of １３８… finds nothing changed.
                        "mobile": lambda cell: narrow(text(cell)), "phone": lambda cell: narrow(text(cell))}
        self.role_reader = ChoiceReader(BuyerRole.Role.choices)

    def check(self, line, record):
        row = Row(self, record)
        account = account_cell(self, row)
        name = row.get("name")
        values = {f: row.get(f, self.readers.get(f, text)) for f in self.FIELDS}
        birthday = row.get("birthday", parse_birthday)
        if birthday:
            values.update(birthday_calendar=birthday["calendar"], birth_year=birthday["year"],
                          birth_month=birthday["month"], birth_day=birthday["day"], birth_leap_month=birthday["leap"])
        roles = row.get("roles", lambda cell: [self.role_reader(part) for part in split_list(cell)]) or []
        label = f"{account} · {name}" if account and name else (name or "")
        key = (account.pk if account else None, fold(name))
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
        return Outcome(line, "update", label, changes_message(self, changes), key, payload, target)

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
