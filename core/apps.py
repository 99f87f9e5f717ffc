from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: exports, form and view helpers, the record of job runs.
    It imports no app of ours."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from core import collation, jobs  # noqa: F401  (connect Celery's signals; learn the ICU collations)

        # Each app's written texts (core.written): a row one app wrote renders on any page.
        autodiscover_modules("texts")
