"""Columns of the contact lists' CSV/XLSX downloads (core.exports)."""

from django.utils.translation import gettext_lazy as _

from contacts.dangers import account_dangers
from core.exports import Column

CONTACTS = [
    Column(_("Name"), "name"),
    Column(_("Account"), "account"),
    Column(_("Title"), "title"),
    Column(_("Department"), "department"),
    Column(_("Mobile"), "mobile"),
    Column(_("Phone"), "phone"),
    Column(_("E-mail"), "email"),
    Column(_("WeChat ID"), "wechat"),
    Column(_("Birthday"), "birthday_text"),
    Column(_("Status"), "get_status_display"),
]


def _dangers(account):
    # `buyer_roles` is prefetched with their contacts by the danger map's export.
    return "\n".join(danger.message for danger in account_dangers(list(account.buyer_roles.all())))


DANGERS = [
    Column(_("Account"), "name"),
    Column(_("Responsible manager"), "owner"),
    Column(_("Danger score"), "danger_score"),
    Column(_("Dangers"), _dangers),
]
