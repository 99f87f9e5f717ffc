from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(label=_("Remove stored files that no attachment names"))
def attachment_orphans_sweep():
    """Nightly: the files a rolled-back upload left in this or last month's folder
    (attachments.services.orphans_sweep); the count removed, 0 on a re-run."""
    from attachments.services import orphans_sweep

    return len(orphans_sweep())
