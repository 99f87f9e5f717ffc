from celery import shared_task

from imports import services


@shared_task
def import_check_task(job_id):
    with services.Progress(job_id) as progress:
        services.import_check_run(job_id=job_id, progress=progress)


@shared_task
def import_apply_task(job_id):
    # acks_late (config.settings.celery): a worker lost mid-import hands the job to
    # another; the status check in import_apply_run makes that re-run safe.
    with services.Progress(job_id) as progress:
        services.import_apply_run(job_id=job_id, progress=progress)
