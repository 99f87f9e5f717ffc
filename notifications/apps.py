from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The notification centre: what happened for whom, read in the app, by e-mail or in a chat
    robot. It imports only core and users; the apps above call notifications.services.notify."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core.request_cache import forget_on_change
        from notifications.models import Webhook
        from notifications.webhooks import CACHE_KEY

        forget_on_change(Webhook, CACHE_KEY)
