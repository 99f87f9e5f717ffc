from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRunQuerySet(models.QuerySet):
    def latest_per_task(self):
        """The newest run of each task: the admin dashboard's job-health table."""
        return self.order_by("task", "-started_at").distinct("task")


class JobRun(models.Model):
    """One execution of a Celery task, recorded by core.jobs from Celery's signals."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    task = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.IntegerField(_("rows made"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved here from reports: the move was a
        # change of Django's state only (core/migrations/0001, reports/migrations/0003).
        db_table = "reports_jobrun"
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        constraints = [
            # A redelivered task (acks_late) updates its row instead of adding one.
            models.UniqueConstraint(fields=["task_id"], name="jobrun_task_id_unique"),
        ]
        indexes = [
            # latest_per_task() and core.jobs.last_heartbeat() (read by /healthz).
            models.Index(fields=["task", "-started_at"], name="jobrun_task_started_idx"),
        ]

    def __str__(self):
        return f"{self.task} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        if self.finished_at:
            return self.finished_at - self.started_at
        return None
