from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.messages import render, render_detail


class Kind(models.TextChoices):
    """What a notification is about; preferences are chosen per kind."""

    LOG_RETURNED = "log_returned", _("Visit log returned")
    LOG_APPROVED = "log_approved", _("Visit log approved")
    LOG_SUBMITTED = "log_submitted", _("Visit log to sign off")
    OVERLAP = "overlap", _("Colleague met your contact")
    TO_DECIDE = "to_decide", _("Tier proposals and prospect claims to decide")
    DECIDED = "decided", _("Decisions on your proposals and claims")
    ISSUE_DUE = "issue_due", _("Customer issue near its deadline")
    ISSUE_OVERDUE = "issue_overdue", _("Customer issue overdue")
    IMPORT = "import", _("Import finished or failed")
    DIGEST = "digest", _("Your day")
    MENTION = "mention", _("Colleague mentioned you or replied")
    HANDOVER = "handover", _("Accounts handed to you or to decide")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu")


# Sensible defaults: everything in the app; e-mail for what needs acting on soon; the chat
# robots only when a person turns them on (a group robot speaks to the whole team's chat).
EMAIL_BY_DEFAULT = {Kind.LOG_RETURNED, Kind.OVERLAP, Kind.ISSUE_OVERDUE, Kind.IMPORT, Kind.DIGEST, Kind.MENTION}


def default_enabled(kind, channel):
    if channel == Channel.IN_APP:
        return True
    return channel == Channel.EMAIL and kind in EMAIL_BY_DEFAULT


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing that happened, for one person. The text is a message key with parameters,
    rendered in the reader's language when shown (notifications.messages), never frozen."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    message_key = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500, blank=True)
    # One notification per occurrence: notify() inserts ON CONFLICT on (recipient, dedupe_key).
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_occurrence"),
            models.CheckConstraint(name="notification_kind_valid", condition=Q(kind__in=Kind.values)),
        ]
        indexes = [
            # The /notifications/ page: a person's newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The bell's COUNT on every page: only the unread rows are indexed.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.kind} {self.dedupe_key}"

    @property
    def text(self):
        return render(self.message_key, self.params)

    @property
    def detail(self):
        """A longer text: the event's own (a supervisor's reason) or the message's, shown under it."""
        return render_detail(self.message_key, self.params)


class Preference(models.Model):
    """A person's choice for one kind on one channel, where it differs from the default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.channel} {self.enabled}"


class QuietHours(models.Model):
    """Hours in which nothing is sent to a person's e-mail or chats; it goes out when they end.
    In-app notifications still arrive: they make no sound."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts = models.TimeField(_("quiet from"))
    ends = models.TimeField(_("quiet until"))

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")
        constraints = [
            models.CheckConstraint(name="quiet_hours_not_empty", condition=~Q(starts=models.F("ends"))),
        ]

    def __str__(self):
        return f"{self.user_id} {self.starts}-{self.ends}"


class RobotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own robots; an admin also every team's."""
        own = Q(user=user)
        return self.filter(own | Q(team__isnull=False)) if user.is_admin else self.filter(own)


class Robot(models.Model):
    """A chat group's robot webhook (WeCom, DingTalk or Feishu), set by an admin for a team or
    by a person for themself. People who turn a robot channel on are told through it."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk custom robot")
        FEISHU = "feishu", _("Feishu custom bot")

    team = models.ForeignKey("users.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True,
                             blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    # DingTalk's and Feishu's signing secret ("SEC…" on DingTalk); WeCom has none.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RobotQuerySet.as_manager()

    class Meta:
        verbose_name = _("chat robot")
        verbose_name_plural = _("chat robots")
        constraints = [
            models.CheckConstraint(name="robot_team_or_user",
                                   condition=Q(team__isnull=True) ^ Q(user__isnull=True)),
            models.UniqueConstraint(fields=["team", "platform"], name="robot_once_per_team_platform"),
            models.UniqueConstraint(fields=["user", "platform"], name="robot_once_per_user_platform"),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} {self.team_id or ''}{self.user_id or ''}"


class WebhookEvent(models.TextChoices):
    """What an outbound webhook subscribes to: each covers the kind's created, updated and
    removed events (`account.created`, `order.updated`, `tier.changed`…)."""

    ACCOUNT = "account", _("Accounts")
    CONTACT = "contact", _("Contacts and buyer roles")
    ORDER = "order", _("Orders")
    VISIT = "visit", _("Visits")
    ISSUE = "issue", _("Customer issues")
    TIER = "tier", _("Tier changes")


def new_webhook_secret():
    import secrets

    return secrets.token_hex(32)


class WebhookQuerySet(models.QuerySet):
    def listening_to(self, group):
        return self.filter(active=True, events__contains=[group])


class Webhook(models.Model):
    """An admin's subscription of another system (an ERP, a data warehouse) to changes here.
    Each event is an outbox row per webhook (core.outbox), signed with HMAC-SHA256 by the secret
    at send time (core.robots.SIGNED), retried with backoff, kept as a dead letter after the last try."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who receives it, e.g. ERP (SAP)."))
    url = models.URLField(_("address"), max_length=500, help_text=_("Each event is POSTed here as JSON."))
    # Shown to admins so that they can give it to the receiver; what it protects is the receiver's
    # trust in the sender, not data kept here, so it is kept as it is (like a robot's secret).
    secret = models.CharField(_("signing secret"), max_length=200, default=new_webhook_secret)
    events = ArrayField(models.CharField(max_length=20, choices=WebhookEvent.choices), verbose_name=_("events"))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(name="webhook_has_events", condition=Q(events__len__gt=0)),
            models.UniqueConstraint(fields=["name"], name="webhook_name_unique"),
        ]

    def __str__(self):
        return self.name

    def get_events_display(self):
        return ", ".join(str(WebhookEvent(e).label) for e in self.events if e in WebhookEvent.values)
