from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    """The account 360 and working together (issue 23, X-05): one timeline per account and contact,
    comments with @mentions, global search, saved views, portfolio handover and merging duplicates.
    It sits on the top floor beside reports: it reads every app below and nothing imports it."""

    name = "hub"
    verbose_name = _("Account 360")
