"""Columns of the team list's CSV/XLSX download (config.exports)."""

from django.utils.translation import gettext_lazy as _

from config.exports import Column

TEAMS = [
    Column(_("Team"), "name"),
    Column(_("Supervisor"), "supervisor"),
    Column(_("Members"), "member_count"),
]
