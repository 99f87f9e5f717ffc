from celery import shared_task
from django.utils.translation import gettext_lazy as _

from audit.services import audit_prune


@shared_task(label=_("Remove audit entries past their retention"))
def audit_prune_task():
    return audit_prune()
