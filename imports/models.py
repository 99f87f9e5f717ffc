from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        # An import holds the whole file: only the person who uploaded it sees it.
        return self.filter(owner=user)


class ImportJob(models.Model):
    """One uploaded file on its way in: mapped, checked (the dry run), applied."""

    class Kind(models.TextChoices):
        ACCOUNTS = "accounts", _("Accounts")
        CONTACTS = "contacts", _("Contacts and buyer roles")
        ORDERS = "orders", _("Orders")
        VISITS = "visits", _("Historical visits")
        SURVEYS = "surveys", _("Satisfaction surveys")
        OPPORTUNITIES = "opportunities", _("Opportunities and tenders")

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Columns to map")
        CHECKING = "checking", _("Dry run in progress")
        CHECKED = "checked", _("Dry run done")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(_("what the file holds"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    # Kept in the database rather than on disk so a worker on another host can read it.
    data = models.BinaryField(editable=False)
    encoding = models.CharField(_("encoding"), max_length=20, default="auto")
    detected_encoding = models.CharField(max_length=20, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="column key → index of the file's header")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.MAPPING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("to create"), default=0)
    updated_count = models.PositiveIntegerField(_("to update"), default=0)
    skipped_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="import_owner_recent_idx")]  # the list page

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("imports:detail", args=[self.pk])

    @property
    def source_encoding(self):
        """How to read the file again: as detected at upload (detection reads the
        whole file, so it runs once), or as chosen."""
        return self.detected_encoding if self.detected_encoding not in ("", "xlsx") else self.encoding

    @property
    def is_running(self):
        return self.status in (self.Status.CHECKING, self.Status.APPLYING)

    @property
    def can_apply(self):
        return self.status == self.Status.CHECKED and self.error_count == 0 and self.total_rows > 0

    @property
    def percent(self):
        return min(100, round(100 * self.processed_rows / self.total_rows)) if self.total_rows else 0


class ImportRow(models.Model):
    """The dry run's verdict on one row of the file."""

    class Outcome(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        SKIP = "skip", _("Skip")
        ERROR = "error", _("Error")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    label = models.CharField(_("record"), max_length=300, blank=True)
    message = models.TextField(_("details"), blank=True)
    # After the import: where the record this row made or changed is shown.
    record_url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["line"]
        constraints = [models.UniqueConstraint(fields=["job", "line"], name="import_row_once")]
        # The dry-run page filters a job's rows by outcome, in file order.
        indexes = [models.Index(fields=["job", "outcome", "line"], name="import_row_outcome_idx")]

    def __str__(self):
        return f"{self.line}: {self.outcome}"


class ColumnMapping(models.Model):
    """The mapping last used for a set of headers: the same monthly export maps itself."""

    kind = models.CharField(max_length=20, choices=ImportJob.Kind.choices)
    signature = models.CharField(max_length=64)
    mapping = models.JSONField(help_text="column key → header text")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "signature"], name="column_mapping_once")]

    def __str__(self):
        return f"{self.kind} {self.signature[:8]}"


