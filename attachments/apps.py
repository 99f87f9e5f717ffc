from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Photos and files on any record (issue 20): a visit today, an account, contact or plan
    tomorrow. The app knows no model of ours; each owner registers who may see and change its
    files (attachments.registry), and the files are served only through a view that asks."""

    name = "attachments"
    verbose_name = _("Attachments")
