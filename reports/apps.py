from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        post_migrate.connect(_keep_fact_triggers, sender=self)


def _keep_fact_triggers(sender, using, **kwargs):
    """A changed DJANGO_TIME_ZONE moves the read model's triggers at the next migrate."""
    from reports.facts import keep_triggers_current

    keep_triggers_current(using=using)
