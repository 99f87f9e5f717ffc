"""Columns of the account lists' CSV/XLSX downloads (core.exports)."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column


def _tier_code(account):
    state = getattr(account, "tier_state", None)  # absent for an untiered account
    return state.tier.code if state else ""


# Reads only what AccountQuerySet.with_list_columns selects.
ACCOUNTS = [
    Column(_("Name"), "name"),
    Column(_("Parent group"), "parent"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Status"), "get_status_display"),
    Column(_("Region"), "region"),
    Column(_("Industry"), "industry"),
    Column(_("Responsible manager"), "owner"),
    Column(_("Created"), "created_at"),
    Column(_("Archived"), "archived_at"),
    Column(_("Tier"), _tier_code),  # last: the columns before it keep the places readers know
]

CLAIMS = [
    Column(_("Prospect"), "account"),
    Column(_("Claimant"), "claimant"),
    Column(_("Claimed"), "created_at"),
    Column(_("Why"), "reason"),
    Column(_("Status"), "get_status_display"),
    Column(_("Decided by"), "decided_by"),
    Column(_("Decided"), "decided_at"),
    Column(_("Reason for the decision"), "decision_note"),
]
