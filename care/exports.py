"""Columns of the care lists' CSV/XLSX downloads (core.exports)."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column


def _last_gift(field):
    def read(row):
        gift = row.last_gift
        return getattr(gift, field) if gift else None
    return read


TASKS = [
    Column(_("Due"), "due_on"),
    Column(_("Task"), "display_title"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Account"), "account"),
    Column(_("Contact"), "contact"),
    Column(_("Mobile"), "contact.mobile"),
    Column(_("Owner"), "owner"),
    Column(_("Suggested channel"), "get_channel_display"),
    Column(_("Suggested message"), "message"),
]

BIRTHDAYS = [
    Column(_("Date"), "birthday_on"),
    Column(_("Contact"), "contact"),
    Column(_("Title"), "contact.title"),
    Column(_("Birthday"), "contact.birthday_text"),
    Column(_("Account"), "contact.account"),
    Column(_("Responsible manager"), "contact.account.owner"),
    Column(_("Last gift"), _last_gift("gift")),
    Column(_("Given on"), _last_gift("given_on")),
]
