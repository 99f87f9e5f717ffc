from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        from attachments import registry
        from core.request_cache import forget_on_change
        from visits import permissions
        from visits.models import DeadlineRule, Visit
        from visits.services import DEADLINES_KEY

        forget_on_change(DeadlineRule, DEADLINES_KEY)  # an admin's new deadline holds in the same request
        # Photos and files on visits (issue 20): seen by whoever sees the visit, added and removed
        # by its author while the month is open.
        registry.register(Visit, kind="visit", visible=lambda user: Visit.objects.visible_to(user),
                          can_change=permissions.can_attach_to_visit)
