from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        # Photos and files on visits (issue 20): seen by whoever sees the visit, added and removed
        # by its author while the month is open.
        from attachments import registry
        from visits import permissions
        from visits.models import Visit

        registry.register(Visit, kind="visit", visible=lambda user: Visit.objects.visible_to(user),
                          can_change=permissions.can_attach_to_visit)
