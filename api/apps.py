from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API under /api/ (Django REST framework) and personal access tokens. It sits on the
    top floor: it reads each app's scopes (`visible_to`) and calls its services, never the reverse."""

    name = "api"
    verbose_name = _("API")

    def ready(self):
        # A webhook event carries the row as the API shows it (notifications.webhooks).
        from api import serializers
        from notifications.webhooks import register_payload

        for label, serializer in serializers.WEBHOOK_PAYLOADS.items():
            register_payload(label, lambda row, serializer=serializer: dict(serializer(row).data))
