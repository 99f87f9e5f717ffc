from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from imports import services
from imports.models import ImportJob


def _owner_language(job_id):
    """The worker writes each row's message for the uploader: in their language, not the worker's."""
    return ImportJob.objects.filter(pk=job_id).values_list("owner__language", flat=True).first() or "en"


@shared_task(label=_("Check an import (dry run)"))
def import_check_task(job_id):
    with translation.override(_owner_language(job_id)), services.Progress(job_id) as progress:
        services.import_check_run(job_id=job_id, progress=progress)


@shared_task(label=_("Apply an import"))
def import_apply_task(job_id):
    # acks_late (config.settings.celery): a worker lost mid-import hands the job to
    # another; the status check in import_apply_run makes that re-run safe.
    with translation.override(_owner_language(job_id)), services.Progress(job_id) as progress:
        services.import_apply_run(job_id=job_id, progress=progress)
