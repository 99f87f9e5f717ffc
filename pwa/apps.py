from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PwaConfig(AppConfig):
    """The installable web app (issue 20): the manifest, the service worker at the site's root
    and the offline page. It holds no models and imports no app of ours but core."""

    name = "pwa"
    verbose_name = _("Installable app")
