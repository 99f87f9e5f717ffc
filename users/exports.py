"""Columns of the team list's CSV/XLSX download (core.exports)."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column

TEAMS = [
    Column(_("Team"), "name"),
    Column(_("Supervisor"), "supervisor"),
    Column(_("Members"), "member_count"),
]
