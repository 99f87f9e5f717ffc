from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from plans.models import AccountPlan
from visits.models import CustomerIssue, Visit


class CommentQuerySet(models.QuerySet):
    def on(self, target):
        """The thread of one account, visit, issue or plan, oldest first (a conversation reads down)."""
        field = Comment.FIELD_OF[type(target)]
        found = self.filter(**{field: target})
        if field == "account":
            found = found.filter(visit__isnull=True, issue__isnull=True, plan__isnull=True)
        return found.select_related("author", "reply_to__author").prefetch_related("mentioned").order_by(
            "created_at", "pk")


class Comment(models.Model):
    """A colleague's note or question on an account, or on one of its visits, issues or plans,
    with the colleagues it @mentions (X-05). Every comment names its account, so the scope of the
    account decides who reads it, and the timeline reads a whole account's comments by one index."""

    class On(models.TextChoices):
        ACCOUNT = "account", _("account")
        VISIT = "visit", _("visit")
        ISSUE = "issue", _("customer issue")
        PLAN = "plan", _("account plan")

    MAX_LENGTH = 5000

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="comments")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    issue = models.ForeignKey(CustomerIssue, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reply_to = models.ForeignKey("self", verbose_name=_("in reply to"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField(_("comment"), max_length=MAX_LENGTH)
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("mentioned"), blank=True,
                                       related_name="mentioned_in_comments")
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            # On the account itself, or on one of its visits, issues or plans: never two at once.
            models.CheckConstraint(
                name="comment_on_one_thing",
                condition=(Q(visit__isnull=True, issue__isnull=True) | Q(visit__isnull=True, plan__isnull=True)
                           | Q(issue__isnull=True, plan__isnull=True)),
            ),
            models.CheckConstraint(name="comment_not_empty", condition=~Q(body="")),
        ]
        indexes = [
            # hub.timeline: an account's comments, newest first, a window at a time.
            models.Index(fields=["account", "-created_at", "-id"], name="comment_account_time_idx"),
            models.Index(fields=["visit"], condition=Q(visit__isnull=False), name="comment_visit_idx"),
            models.Index(fields=["issue"], condition=Q(issue__isnull=False), name="comment_issue_idx"),
            models.Index(fields=["plan"], condition=Q(plan__isnull=False), name="comment_plan_idx"),
        ]

    FIELD_OF = {Account: "account", Visit: "visit", CustomerIssue: "issue", AccountPlan: "plan"}

    def __str__(self):
        return self.body[:40]

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("hub:comments", args=[self.on, self.target_id]) + f"#comment-{self.pk}"

    @property
    def on(self):
        for kind in (self.On.VISIT, self.On.ISSUE, self.On.PLAN):
            if getattr(self, f"{kind}_id"):
                return kind
        return self.On.ACCOUNT

    @property
    def target_id(self):
        return getattr(self, f"{self.on}_id")


class SavedViewQuerySet(models.QuerySet):
    def usable_by(self, user, list_name):
        """A person's own views of one list and those their team shares, their own first."""
        shared = Q(shared=True, owner__team_id=user.team_id) if user.team_id else Q(pk__in=[])
        return (self.filter(Q(owner=user) | shared, list_name=list_name).select_related("owner")
                .order_by("-is_default", "name", "pk"))


class SavedView(models.Model):
    """A list's filters saved by name (X-05): personal, or shared with the owner's team; one of a
    person's views of a list may be their default, opened when they come to the list bare."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    list_name = models.CharField(max_length=60)  # the list's URL name, e.g. "accounts:list" (hub.savedviews.LISTS)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    shared = models.BooleanField(_("shared with my team"), default=False)
    is_default = models.BooleanField(_("my default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "list_name", "name"], name="saved_view_name_unique"),
            # One default per person and list: hub.services.saved_view_make_default clears the old one first.
            models.UniqueConstraint(fields=["owner", "list_name"], condition=Q(is_default=True),
                                    name="saved_view_one_default"),
            models.CheckConstraint(name="saved_view_named", condition=~Q(name="")),
        ]

    def __str__(self):
        return self.name
