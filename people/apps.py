from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """In-app administration of users and teams for admins (issue 24 item 7), without Django's
    admin site. Above accounts: deactivating someone shows the accounts still in their name."""

    name = "people"
    verbose_name = _("People")
