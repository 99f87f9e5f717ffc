"""Orders and contracts (K-08), identified by contract number or by date, product and amount."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Order
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
from imports.parsing import parse_date, parse_decimal, parse_int


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
        CURRENCY,
    )

    def load(self, records):
        self.currency_reader = ChoiceReader(currency_choices())
        self.accounts = editable_accounts(self.by, (r.get("account") for r in records))
        self.existing = {}
        ids = [a.pk for a in self.accounts.values() if a]
        for chunk in chunks(ids):
            for order in Order.objects.filter(account_id__in=chunk):
                self.existing[self._key(order.account_id, order.reference, order.signed_on, order.product,
                                        order.amount)] = order

    @staticmethod
    def _key(account_id, reference, signed_on, product, amount):
        if reference:
            return (account_id, "ref", fold(reference))
        return (account_id, "sig", signed_on, fold(product), amount)

    def check(self, line, record):
        row = Row(self, record)
        account = account_cell(self, row)
        values = {"signed_on": row.get("signed_on", parse_date), "amount": row.get("amount", parse_decimal),
                  "product": row.get("product"), "contract_months": row.get("contract_months", parse_int),
                  "reference": row.get("reference") or "",
                  "currency": row.get("currency", self.currency_reader) or (account.currency if account else None)}
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
        return Outcome(line, "update", label, changes_message(self, changes), key, payload, target)

    def apply(self, outcomes, by):
        self.write(Order, outcomes, by, lambda o: Order(
            account=o.payload["account"], **{k: v for k, v in o.payload["values"].items() if v is not None}))

    @staticmethod
    def record_url(target):
        # An order is shown on its account's page.
        from django.urls import reverse

        return reverse("accounts:detail", args=[target.account_id])
