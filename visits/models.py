from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import metrics
from accounts.models import Account
from contacts.models import Contact
from core.geo import distance_m
from core.search import bigram_index
from core.written import Written


def _point(prefix):
    """The condition of a whole check-in (or check-out): all four columns, in range, or none."""
    names = [f"{prefix}_{name}" for name in ("latitude", "longitude", "accuracy_m", "at")]
    return (Q(**{f"{name}__isnull": True for name in names})
            | Q(**{f"{names[0]}__range": (-90, 90), f"{names[1]}__range": (-180, 180),
                   f"{names[2]}__isnull": False, f"{names[3]}__isnull": False}))


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_admin:
            # Every account: `account_id IN (all accounts)` would make PostgreSQL join 3M visits
            # with them to count a page (issue 19: 7 s for an admin's visit list at 100k accounts).
            return self.all()
        return self.filter(account__in=Account.objects.visible_to(user))

    def in_month(self, author, month):
        return self.filter(author=author, log_month=month)

    def with_list_columns(self):
        return self.select_related("account", "author").prefetch_related("contacts")


class Visit(Written, models.Model):
    """One visit or touch (K-20). Its month is locked once signed off (K-21):
    the services refuse, and a trigger (migration 0002) refuses every other path."""

    class Channel(models.TextChoices):
        ON_SITE = "on_site", _("On-site visit")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video call")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")
        EVENT = "event", _("Event")

    # Touches we start and the customer may or may not answer (K-25).
    OUTBOUND = (Channel.PHONE, Channel.EMAIL, Channel.SMS, Channel.WECHAT)
    ONLINE = (Channel.PHONE, Channel.VIDEO, Channel.EMAIL, Channel.SMS, Channel.WECHAT)

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="visits")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="visits",
    )
    occurred_at = models.DateTimeField(_("date and time"), default=timezone.now)
    log_month = models.DateField(_("log month"), editable=False, help_text=_("First day of the visit's month."))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ON_SITE)
    contacts = models.ManyToManyField(Contact, verbose_name=_("contacts met"), related_name="visits", blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    summary = models.TextField(_("what was discussed"))
    customer_feedback = models.TextField(_("the customer's opinions and suggestions"), blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=20, choices=Sentiment.choices, blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    customer_replied = models.BooleanField(
        _("the customer replied"), null=True, blank=True,
        help_text=_("For calls, e-mails and messages: did they answer? Two unanswered touches start a silent period."),
    )
    # The on-site check-in (issue 20): taken only when the user taps "Check in" and the browser
    # allows it, never otherwise; where the phone was, how sure it was of it, and when.
    checkin_latitude = models.DecimalField(_("check-in latitude"), max_digits=9, decimal_places=6, null=True,
                                           blank=True)
    checkin_longitude = models.DecimalField(_("check-in longitude"), max_digits=9, decimal_places=6, null=True,
                                            blank=True)
    checkin_accuracy_m = models.PositiveIntegerField(_("check-in accuracy (m)"), null=True, blank=True)
    checkin_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checkout_latitude = models.DecimalField(_("check-out latitude"), max_digits=9, decimal_places=6, null=True,
                                            blank=True)
    checkout_longitude = models.DecimalField(_("check-out longitude"), max_digits=9, decimal_places=6, null=True,
                                             blank=True)
    checkout_accuracy_m = models.PositiveIntegerField(_("check-out accuracy (m)"), null=True, blank=True)
    checkout_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    # What the system wrote in the text columns above, as keys with parameters (core.written),
    # shown in the reader's language: {"purpose": {"key": …, "params": …}, …}.
    written = models.JSONField(default=dict, db_default={}, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])
    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="visit_log_month_is_first_day", condition=Q(log_month__day=1)),
            # A check-in is a whole point with its time, or nothing; a check-out only after a check-in.
            models.CheckConstraint(name="visit_checkin_whole", condition=_point("checkin")),
            models.CheckConstraint(name="visit_checkout_whole", condition=_point("checkout")),
            models.CheckConstraint(name="visit_checkout_after_checkin",
                                   condition=Q(checkout_at__isnull=True) | Q(checkin_at__isnull=False)),
        ]
        indexes = [
            # The visit list, sign-off and the quarterly report read by author and month.
            models.Index(fields=["author", "log_month"], name="visit_author_month_idx"),
            models.Index(fields=["account", "-occurred_at"], name="visit_account_time_idx"),
            # The visit list's order (newest first), read a page at a time.
            models.Index(fields=["-occurred_at", "-id"], name="visit_time_idx"),
            # hub.search: a visit by its purpose (core/search.py).
            bigram_index(models.F("purpose"), name="visit_purpose_bigram"),
        ]

    def __str__(self):
        return f"{self.account} · {self.occurred_at:%Y-%m-%d}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("visits:detail", args=[self.pk])

    @property
    def is_outbound(self):
        return self.channel in self.OUTBOUND

    @property
    def has_check_in(self):
        return self.checkin_at is not None

    @property
    def checkin_distance_m(self):
        """Metres from the account's site at check-in (None without either): computed when read,
        so a site set after the visit still answers for it. Needs `account` loaded."""
        if not self.has_check_in or not self.account.has_site:
            return None
        return distance_m(self.checkin_latitude, self.checkin_longitude,
                          self.account.site_latitude, self.account.site_longitude)

    @property
    def checkout_distance_m(self):
        if self.checkout_at is None or not self.account.has_site:
            return None
        return distance_m(self.checkout_latitude, self.checkout_longitude,
                          self.account.site_latitude, self.account.site_longitude)


class CustomerIssueQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=CustomerIssue.Status.INFORMED)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def due_soon(self, now=None, within=timedelta(hours=24)):
        now = now or timezone.now()
        return self.open().filter(due_at__gte=now, due_at__lt=now + within)

    def owned_or_supervised_by(self, user):
        if user.is_admin:
            return self
        return self.filter(Q(owner=user) | Q(owner__team__supervisor=user))

    def visible_to(self, user):
        """Issues `user` may see: department staff only what is routed to their department (X-02);
        everyone else the issues of the visits they see."""
        if user.is_admin:
            return self.all()
        if user.is_department_staff:
            return self.filter(department_id=user.department_id)
        return self.filter(account__in=Account.objects.visible_to(user))

    def in_queue(self, department):
        """A department's queue: what is routed to it and not yet resolved, due soonest first."""
        return (self.filter(department=department, status__in=CustomerIssue.QUEUE_STATUSES)
                .order_by("due_at", "pk"))

    def with_queue_columns(self):
        return self.select_related("account", "owner", "assignee", "department")


class CustomerIssue(Written, models.Model):
    """An issue the customer raised that could not be answered on the spot (K-22).
    Whoever visited follows it through until the customer is told the result."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        REQUEST = "request", _("Request")
        SUGGESTION = "suggestion", _("Suggestion")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        INFORMED = "informed", _("Customer informed")

    # The original record, locked with its visit's month:
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="issues")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="customer_issues")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REQUEST)
    description = models.TextField(_("what the customer raised"))
    # Routed to the department that resolves it, or none: the visitor answers it themselves.
    department = models.ForeignKey("users.Department", verbose_name=_("responsible department"),
                                   on_delete=models.PROTECT, null=True, blank=True, related_name="issues",
                                   help_text=_("Where the issue is routed: that department accepts and resolves it."))
    # What the system wrote in the text columns above, as keys with parameters (core.written),
    # shown in the reader's language: {"purpose": {"key": …, "params": …}, …}.
    written = models.JSONField(default=dict, db_default={}, blank=True, editable=False)
    due_at = models.DateTimeField(_("due"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="customer_issues")
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    # The follow-up, open to change after sign-off (each change is an IssueUpdate):
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="accepted_issues")
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    informed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("customer informed by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    informed_at = models.DateTimeField(_("customer informed"), null=True, blank=True)
    # Claims of the deadline job (visits.services.issue_deadlines_notify): set by one UPDATE over
    # every issue that needs telling, so each reminder and escalation goes out once.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CustomerIssueQuerySet.as_manager()

    # What a department still works on: routed and not yet resolved.
    QUEUE_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    class Meta:
        verbose_name = _("customer issue")
        verbose_name_plural = _("customer issues")
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(name="issue_informed_has_time",
                                   condition=~Q(status="informed") | Q(informed_at__isnull=False)),
            # One owner in the department, accepted at a known time, and only on a routed issue.
            models.CheckConstraint(name="issue_accepted_has_owner_and_time",
                                   condition=Q(assignee__isnull=True, accepted_at__isnull=True)
                                   | Q(assignee__isnull=False, accepted_at__isnull=False, department__isnull=False)),
            models.CheckConstraint(name="issue_routed_has_time",
                                   condition=Q(department__isnull=True) | Q(routed_at__isnull=False)),
        ]
        indexes = [
            # Due-soon and overdue lists of owners and supervisors.
            models.Index(fields=["owner", "due_at"], condition=~Q(status="informed"), name="issue_open_due_idx"),
            # A department's queue (CustomerIssueQuerySet.in_queue), due soonest first.
            models.Index(fields=["department", "due_at"], condition=Q(status__in=["open", "in_progress"]),
                         name="issue_queue_due_idx"),
            # The departmental performance report: a department's issues by month routed.
            models.Index(fields=["department", "routed_at"], condition=Q(department__isnull=False),
                         name="issue_department_routed_idx"),
            # hub.search: what the customer raised, found by any two characters of it (core/search.py).
            bigram_index(models.F("description"), name="issue_description_bigram"),
            # hub.search: the newest issues first, a bounded window of them (core.search.newest_matching).
            models.Index(fields=["-created_at", "-id"], name="issue_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:40]}"

    @property
    def is_overdue(self):
        return self.status != self.Status.INFORMED and self.due_at < timezone.now()

    @property
    def handled_on_time(self):
        return metrics.on_time(self.informed_at, self.due_at)  # accounts.metrics "on time"

    @property
    def resolved_on_time(self):
        """The department's measure: resolved by the deadline (the customer is told after)."""
        return metrics.on_time(self.resolved_at, self.due_at)

    @property
    def is_due_soon(self):
        now = timezone.now()
        return self.status != self.Status.INFORMED and now <= self.due_at < now + timedelta(hours=24)


class IssueUpdate(Written, models.Model):
    """One step of an issue's follow-up, kept beside the locked original: its trail
    (logged, routed, accepted, replies, resolved, customer informed — who and when)."""

    class Event(models.TextChoices):
        LOGGED = "logged", _("Logged")
        ROUTED = "routed", _("Routed")
        ACCEPTED = "accepted", _("Accepted")
        REPLY = "reply", _("Reply")
        RESOLVED = "resolved", _("Resolved")
        INFORMED = "informed", _("Customer informed")
        UPDATED = "updated", _("Updated")

    issue = models.ForeignKey(CustomerIssue, on_delete=models.CASCADE, related_name="updates")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    event = models.CharField(_("step"), max_length=20, choices=Event.choices, default=Event.UPDATED,
                             db_default=Event.UPDATED)
    # The department a "routed" step sent the issue to.
    department = models.ForeignKey("users.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=CustomerIssue.Status.choices)
    note = models.TextField(_("note"), blank=True)
    # What the system wrote in the text columns above, as keys with parameters (core.written),
    # shown in the reader's language: {"purpose": {"key": …, "params": …}, …}.
    written = models.JSONField(default=dict, db_default={}, blank=True, editable=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.issue_id} → {self.status}"


class MonthlyLogQuerySet(models.QuerySet):
    def pending_for(self, supervisor):
        logs = self.filter(status=MonthlyLog.Status.SUBMITTED).select_related("author")
        return logs if supervisor.is_admin else logs.filter(author__team__supervisor=supervisor)


class MonthlyLog(models.Model):
    """A manager's visit log for one month and its sign-off (K-21)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved and locked")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.PROTECT,
                               related_name="monthly_logs")
    month = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("submitted late"), default=False)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed off by"),
                                   on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = MonthlyLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly visit log")
        verbose_name_plural = _("monthly visit logs")
        ordering = ["-month", "author"]
        constraints = [
            models.UniqueConstraint(fields=["author", "month"], name="monthly_log_once_per_month"),
            models.CheckConstraint(name="monthly_log_month_is_first_day", condition=Q(month__day=1)),
        ]

    def __str__(self):
        return f"{self.author} {self.month:%Y-%m}"

    @property
    def is_locked(self):
        return self.status == self.Status.APPROVED


class SignOffEvent(models.Model):
    """The trail of a month's sign-off: submitted, returned, approved, reopened — with reasons."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        REOPENED = "reopened", _("Reopened")

    log = models.ForeignKey(MonthlyLog, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.log} {self.kind}"


class VisitComment(models.Model):
    """The supervisor's comment on one visit during sign-off."""

    log = models.ForeignKey(MonthlyLog, on_delete=models.CASCADE, related_name="comments")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="comments")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "visit"], name="visit_comment_once_per_log")]

    def __str__(self):
        return self.text[:40]


class OverlapAlert(models.Model):
    """K-24: two managers touched one contact within 30 days; both are told."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="overlaps")
    other_visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    # The two managers, the lower id first: one alert per pair and contact within the overlap window
    # (visits.services._record_overlaps), however many visits each of them made in it.
    manager_low = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                                    related_name="+")
    manager_high = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                                     related_name="+")
    # The other manager's e-mail is a core outbox row written with the alert (key "overlap:…").
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "other_visit", "contact"], name="overlap_alert_unique"),
            # One alert per visit, contact and colleague: a visit overlapping four of a colleague's is one alert.
            models.UniqueConstraint(fields=["visit", "contact", "manager_low", "manager_high"],
                                    name="overlap_alert_once_per_pair"),
            models.CheckConstraint(name="overlap_alert_pair_ordered",
                                   condition=Q(manager_low__lt=models.F("manager_high"))
                                   | Q(manager_low__isnull=True)),
        ]
        indexes = [
            # _record_overlaps: has this pair been told about this contact within the window?
            models.Index(fields=["contact", "manager_low", "manager_high"], name="overlap_alert_pair_idx"),
        ]

    def __str__(self):
        return f"{self.contact}: {self.visit_id} / {self.other_visit_id}"


class GreenChannelRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Department staff see the requests dispatched to their department; others their accounts'."""
        if user.is_admin:
            return self.all()
        if user.is_department_staff:
            return self.filter(department_id=user.department_id)
        return self.filter(account__in=Account.objects.visible_to(user))

    def in_queue(self, department):
        return (self.filter(department=department, completed_at__isnull=True)
                .order_by("completion_due_at", "pk"))


class GreenChannelRequest(models.Model):
    """A key account's service request on the green channel (K-27):
    request → dispatch → completion, each stage with its time and person."""

    class Stage(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DISPATCHED = "dispatched", _("Dispatched")
        COMPLETED = "completed", _("Completed")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="green_requests")
    title = models.CharField(_("request"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    dispatch_due_at = models.DateTimeField(_("dispatch due"), null=True, blank=True)
    department = models.ForeignKey("users.Department", verbose_name=_("dispatched to"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="green_requests",
                                   help_text=_("The department that does the work."))
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dispatched by"),
                                      on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    completion_due_at = models.DateTimeField(_("completion due"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completion_note = models.TextField(_("completion report"), blank=True)
    # Claims of the deadline job: the stage last reminded of and escalated (one message per stage).
    reminded_stage = models.CharField(max_length=20, blank=True, default="", db_default="", editable=False)
    escalated_stage = models.CharField(max_length=20, blank=True, default="", db_default="", editable=False)

    objects = GreenChannelRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("green-channel request")
        verbose_name_plural = _("green-channel requests")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(name="green_dispatch_complete",
                                   condition=Q(dispatched_at__isnull=False) | Q(dispatched_by__isnull=True)),
            models.CheckConstraint(name="green_complete_after_dispatch",
                                   condition=Q(completed_at__isnull=True) | Q(dispatched_at__isnull=False)),
        ]
        indexes = [
            # A department's green-channel work still to complete (the queue and its home page).
            models.Index(fields=["department", "completion_due_at"], condition=Q(completed_at__isnull=True),
                         name="green_department_open_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def stage(self):
        if self.completed_at:
            return self.Stage.COMPLETED
        return self.Stage.DISPATCHED if self.dispatched_at else self.Stage.REQUESTED

    def get_stage_display(self):
        return self.Stage(self.stage).label

    @property
    def stage_due_at(self):
        """The deadline of the stage it waits in: its dispatch, then its completion."""
        if self.completed_at:
            return None
        return self.completion_due_at if self.dispatched_at else self.dispatch_due_at

    @property
    def is_overdue(self):
        due = self.stage_due_at
        return due is not None and due < timezone.now()

    @property
    def completed_on_time(self):
        return metrics.on_time(self.completed_at, self.completion_due_at)


class AfterSalesStep(models.Model):
    """K-26, after a deal: a service-start letter within 24 h, usage guidance
    within 72 h, and a value review every month of a running contract. Made by
    the after_sales_schedule job; the care engine turns open ones into tasks."""

    class Kind(models.TextChoices):
        START_LETTER = "start_letter", _("Service-start letter")
        USAGE_GUIDANCE = "usage_guidance", _("Usage guidance")
        VALUE_REVIEW = "value_review", _("Monthly value review")

    order = models.ForeignKey("accounts.Order", on_delete=models.CASCADE, related_name="after_sales")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="after_sales")
    kind = models.CharField(_("follow-up"), max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")

    class Meta:
        verbose_name = _("after-sales follow-up")
        verbose_name_plural = _("after-sales follow-ups")
        ordering = ["due_at"]
        constraints = [
            # The schedule job inserts with ON CONFLICT DO NOTHING on this key: re-runs make nothing new.
            models.UniqueConstraint(fields=["order", "kind", "due_at"], name="after_sales_step_unique"),
        ]
        indexes = [models.Index(fields=["account", "due_at"], condition=Q(done_at__isnull=True),
                                name="after_sales_open_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.order}"

    @property
    def is_overdue(self):
        return self.done_at is None and self.due_at < timezone.now()


class DeadlineRule(models.Model):
    """How long each kind of follow-through may take (K-22, K-27, X-02), set by admins: a complaint's
    reply within 24 h, a green-channel dispatch and completion. On working time, the hours count
    on working days only (core.calendars.add_working_hours: weekends and holidays do not, 调休
    make-up workdays do). Without a row, the defaults of settings VISITS_ISSUE_DUE_HOURS hold."""

    class Subject(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        REQUEST = "request", _("Request")
        SUGGESTION = "suggestion", _("Suggestion")
        GREEN_DISPATCH = "green_dispatch", _("Green channel: dispatch")
        GREEN_COMPLETION = "green_completion", _("Green channel: completion")

    subject = models.CharField(_("for"), max_length=20, choices=Subject.choices)
    hours = models.PositiveIntegerField(_("hours"), validators=[MinValueValidator(1), MaxValueValidator(24 * 90)])
    working_time = models.BooleanField(
        _("on working time"), default=False,
        help_text=_("Count only working days: weekends and public holidays stop the clock, make-up workdays do not."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["subject"]
        constraints = [
            models.UniqueConstraint(fields=["subject"], name="deadline_rule_once_per_subject"),
            models.CheckConstraint(name="deadline_rule_subject_valid", condition=Q(subject__in=[
                "complaint", "request", "suggestion", "green_dispatch", "green_completion"])),
        ]

    def __str__(self):
        return f"{self.get_subject_display()}: {self.hours} h"


class FieldSettings(models.Model):
    """Company-wide switches of field work, turned on and off by an admin (issue 20). One row."""

    geo_check_in = models.BooleanField(
        _("on-site check-in with the phone's location"), default=True,
        help_text=_("Managers may check in on site visits; each check-in still asks the person first."),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("field-work settings")
        verbose_name_plural = _("field-work settings")
        constraints = [models.CheckConstraint(name="field_settings_one_row", condition=Q(pk=1))]

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls):
        """The settings in force (the defaults until an admin first saves them)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
