from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who did what that matters for security: sign-ins, exports, role and permission changes,
    API token use. It sits just above core, so every app may call audit.services.record; it
    learns of sign-ins and exports from signals (Django's, axes', core.exports')."""

    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from audit import receivers  # noqa: F401  (connects the signal receivers)
