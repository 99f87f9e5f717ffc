"""Columns of a department queue's CSV/XLSX download (core.exports)."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column

QUEUE = [
    Column(_("Due"), "due_at"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Status"), "get_status_display"),
    Column(_("Account"), lambda issue: issue.account.name),
    Column(_("What the customer raised"), "shown.description"),
    Column(_("Account manager"), "owner"),
    Column(_("Routed"), "routed_at"),
    Column(_("Accepted by"), "assignee"),
    Column(_("Accepted"), "accepted_at"),
    Column(_("Resolved"), "resolved_at"),
    Column(_("Resolution"), "resolution"),
    Column(_("Customer informed"), "informed_at"),
]
