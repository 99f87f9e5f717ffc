from urllib.parse import urlsplit

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.robots import PLATFORM_NAMES


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


class OutboxQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True, dead=False)

    def dead_letters(self):
        return self.filter(dead=True, sent_at__isnull=True)

    def in_state(self, state):
        """The admin's filter: waiting (never tried), retrying (failed, will try again), dead, sent."""
        return {
            OutboxMessage.State.WAITING: lambda: self.unsent().filter(attempts=0),
            OutboxMessage.State.RETRYING: lambda: self.unsent().filter(attempts__gt=0),
            OutboxMessage.State.DEAD: self.dead_letters,
            OutboxMessage.State.SENT: lambda: self.filter(sent_at__isnull=False),
        }[state]()

    def due(self, now, *, stale_before, fresh_after):
        """What the sweep sends: unsent, due for a try, not held by a live claim, and not so
        fresh that the task queued with it is still on its way."""
        return (self.unsent().filter(next_attempt_at__lte=now, created_at__lt=fresh_after)
                .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_before)))


class OutboxMessage(models.Model):
    """One message the system sends (an e-mail or a webhook call), written in the transaction of
    the change it reports and sent after commit by core.outbox. The dedupe key makes an event
    queue at most once; the claim makes a row go out at most once however many workers try."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        RETRYING = "retrying", _("failed, will retry")
        DEAD = "dead", _("gave up (dead letter)")
        SENT = "sent", _("sent")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # An e-mail address, or a webhook's URL.
    recipient = models.CharField(_("recipient"), max_length=500)
    # E-mail: subject and body, already in the reader's language. Webhook: the JSON to post, and
    # the platform whose signature core.robots adds at send time (a signature carries a timestamp).
    payload = models.JSONField(_("payload"))
    dedupe_key = models.CharField(_("dedupe key"), max_length=200)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    dead = models.BooleanField(_("dead letter"), default=False)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        constraints = [
            # core.outbox.outbox_queue inserts ON CONFLICT on this: one message per event.
            models.UniqueConstraint(fields=["dedupe_key"], name="outbox_dedupe_key_unique"),
            models.CheckConstraint(name="outbox_sent_was_claimed",
                                   condition=Q(sent_at__isnull=True) | Q(claimed_at__isnull=False)),
        ]
        indexes = [
            # outbox_sweep: the few rows not sent yet, by when they are due.
            models.Index(fields=["next_attempt_at"], condition=Q(sent_at__isnull=True, dead=False),
                         name="outbox_unsent_due_idx"),
            # The admin's dead letters, newest first.
            models.Index(fields=["-created_at"], condition=Q(dead=True), name="outbox_dead_idx"),
            # The admin's list of everything sent, newest first, a page at a time.
            models.Index(fields=["-created_at", "-id"], name="outbox_created_idx"),
        ]

    def __str__(self):
        return f"{self.channel} {self.recipient} {self.dedupe_key}"

    @property
    def state(self):
        if self.sent_at:
            return self.State.SENT
        if self.dead:
            return self.State.DEAD
        return self.State.RETRYING if self.attempts else self.State.WAITING

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def summary(self):
        """What the message is, for the admin: an e-mail's subject, a webhook's platform."""
        if self.channel == self.Channel.EMAIL:
            return self.payload.get("subject", "")
        platform = self.payload.get("platform", "")
        return PLATFORM_NAMES.get(platform, platform)

    @property
    def shown_recipient(self):
        """An e-mail address, or only a webhook's host: its path and query hold the robot's key."""
        if self.channel == self.Channel.EMAIL:
            return self.recipient
        return urlsplit(self.recipient).hostname or "?"


class CreateKey(models.Model):
    """The one-time key a create form carries (core.idempotency): the first request with it
    makes the row, a retry or a double submit finds `object_id` and shows that row instead.

    One small table for every kind rather than a key column on each model: the rows it
    guards stay as they are (no column on the largest tables, no migration in five apps),
    and one claim, written and tested once, serves visits, orders, contacts and care alike."""

    kind = models.CharField(_("kind"), max_length=50)  # the model label, e.g. "visits.visit"
    key = models.UUIDField(_("key"))
    # NULL only inside the claiming transaction: it is set before that transaction commits.
    object_id = models.BigIntegerField(_("object"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("create key")
        constraints = [
            # The claim of core.idempotency is an INSERT … ON CONFLICT on this key: two requests
            # with one key, even in two concurrent transactions, make one row.
            models.UniqueConstraint(fields=["kind", "key"], name="core_create_key_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"


class JobMark(models.Model):
    """How far a set-based job has got: the moment its last run computed things "as of". The next
    run looks only at what can have changed since (visits.services.contact_touch_levels_sweep):
    a nightly job that costs what changed in a day, not what the database holds."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    at = models.DateTimeField(_("as of"))

    class Meta:
        verbose_name = _("job mark")

    def __str__(self):
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M}"
