from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The notification centre: what happened for whom, read in the app, by e-mail or in a chat
    robot. It imports only core and users; the apps above call notifications.services.notify."""

    name = "notifications"
    verbose_name = _("Notifications")
