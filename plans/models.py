"""Annual account plans (K-09), visit preparation (K-28) and customer satisfaction (K-56)."""

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from contacts.models import BuyerRole, Contact
from core.search import bigram_index
from visits.models import CustomerIssue, Visit


class SpinCategory(models.TextChoices):
    """SPIN selling's four kinds of question (K-28)."""

    SITUATION = "situation", _("Situation")
    PROBLEM = "problem", _("Problem")
    IMPLICATION = "implication", _("Implication")
    NEED_PAYOFF = "need_payoff", _("Need-payoff")


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the account's team, their supervisor and admins see a plan (issue 10):
        a plan is the account team's working document, not the whole sales team's."""
        return self.filter(account__in=Account.objects.editable_by(user))


class AccountPlan(models.Model):
    """The annual key-account plan (K-09): one per account and year, approved by a supervisor."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    vision = models.TextField(
        _("vision"), help_text=_("What we want from this account this year, in a sentence or two."),
    )
    strategy = models.TextField(
        _("products, solutions and strategy"), blank=True,
        help_text=_("What we offer and how we unlock the account's potential."),
    )
    risks = models.TextField(_("risks"), blank=True)
    satisfaction_actions = models.TextField(
        _("satisfaction actions"), blank=True, help_text=_("What we do so that the customer is satisfied."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        ordering = ["-year"]
        constraints = [
            # services.plan_create and plan_copy_to_next_year rely on it: one plan per account and year.
            models.UniqueConstraint(fields=["account", "year"], name="plan_once_per_account_year"),
            models.CheckConstraint(name="plan_year_sane", condition=Q(year__range=(2000, 2100))),
            models.CheckConstraint(name="plan_approved_has_approver",
                                   condition=~Q(status="approved") | Q(approved_by__isnull=False)),
        ]
        indexes = [
            # hub.search: a plan by any two characters of its vision (core/search.py); by its
            # account's name through account_name_bigram.
            bigram_index(models.F("vision"), name="plan_vision_bigram"),
        ]

    def __str__(self):
        return f"{self.account} {self.year}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("plans:detail", args=[self.pk])

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    def months(self):
        return [date(self.year, m, 1) for m in range(1, 13)]

    def covers(self, day):
        return day is not None and day.year == self.year


class PlanGoal(models.Model):
    """A measurable stage goal of the plan's vision (K-09). Each kind has its measure,
    so that the plan can set the figure beside it every month."""

    class Kind(models.TextChoices):
        REVENUE = "revenue", _("Revenue target")
        PRODUCT = "product", _("Product to introduce")
        RELATIONSHIP = "relationship", _("Relationship goal")
        COVERAGE = "coverage", _("Buyer roles covered")
        TIER = "tier", _("Tier to reach")
        OTHER = "other", _("Other goal")

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("goal"), max_length=200)
    due_on = models.DateField(_("reach by"), null=True, blank=True, help_text=_("A date in the plan's year."))
    target_amount = models.DecimalField(_("revenue target"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_count = models.PositiveSmallIntegerField(
        _("roles to cover"), null=True, blank=True,
        help_text=_("How many of the four buyer roles have a known holder."),
    )
    target_style = models.CharField(_("relationship to reach"), max_length=20,
                                    choices=Account.RelationshipStyle.choices, blank=True)
    target_tier = models.ForeignKey("tiering.Tier", verbose_name=_("tier to reach"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    target_text = models.CharField(
        _("measure"), max_length=200, blank=True,
        help_text=_("For a product: its name on the product map. For another goal: how we know it is reached."),
    )

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["due_on", "pk"]
        constraints = [
            # forms.GoalForm shows the same rule next to the field; this keeps every other path honest.
            # The isnull terms matter: a CHECK that evaluates to NULL passes.
            models.CheckConstraint(name="plan_goal_has_measure", condition=(
                Q(kind="revenue", target_amount__isnull=False, target_amount__gt=0)
                | Q(kind="coverage", target_count__isnull=False, target_count__range=(1, 4))
                | (Q(kind="relationship") & ~Q(target_style=""))
                | Q(kind="tier", target_tier__isnull=False)
                | (Q(kind__in=["product", "other"]) & ~Q(target_text=""))
            )),
        ]

    def __str__(self):
        return self.title


class PlanAction(models.Model):
    """An action of the plan with its owner and due date (K-09)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="plan_actions")
    due_on = models.DateField(_("due"))
    for_satisfaction = models.BooleanField(_("satisfaction action"), default=False)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_late(self):
        return self.done_on is None and self.due_on < timezone.localdate()


class PlanReview(models.Model):
    """The monthly check of plan against actual (plan–do–check–act)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="reviews")
    month = models.DateField(_("month"))
    note = models.TextField(_("review note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monthly plan review")
        verbose_name_plural = _("monthly plan reviews")
        ordering = ["month"]
        constraints = [
            # services.plan_review_note updates the month's note in place through this key.
            models.UniqueConstraint(fields=["plan", "month"], name="plan_review_once_per_month"),
            models.CheckConstraint(name="plan_review_month_is_first_day", condition=Q(month__day=1)),
        ]

    def __str__(self):
        return f"{self.plan} {self.month:%Y-%m}"


class PlannedVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(account__in=Account.objects.editable_by(user))

    def for_user(self, user, today=None):
        """The user's upcoming planned visits with a date, not yet held (for calendars)."""
        today = today or timezone.localdate()
        return (self.filter(owner=user, planned_on__gte=today, visit__isnull=True)
                .select_related("account").order_by("planned_on", "pk"))


class PlannedVisit(models.Model):
    """A visit planned in the account plan or ad hoc, with its preparation (K-28).
    Once held, it is linked to the logged visit, and the answers are noted per question."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="planned_visits")
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="planned_visits")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who visits"), on_delete=models.PROTECT,
                              related_name="planned_visits")
    month = models.DateField(_("month"))
    planned_on = models.DateField(_("date"), null=True, blank=True,
                                  help_text=_("Leave empty if only the month is known."))
    topics = models.TextField(_("main communication topics"))
    roles = ArrayField(models.CharField(max_length=20, choices=BuyerRole.Role.choices), default=list, blank=True,
                       verbose_name=_("buyer roles to meet"))
    # The preparation (K-28)
    objective = models.TextField(_("objective"), blank=True)
    contacts = models.ManyToManyField(Contact, verbose_name=_("contacts to meet"), related_name="planned_visits",
                                      blank=True)
    materials = models.TextField(_("materials to bring"), blank=True)
    gift = models.CharField(_("gift"), max_length=200, blank=True)
    self_check = models.JSONField(_("the self-questions"), default=dict, blank=True)
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)
    visit = models.OneToOneField(Visit, verbose_name=_("logged visit"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="preparation")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlannedVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["month", "planned_on", "pk"]
        constraints = [
            models.CheckConstraint(name="planned_visit_month_is_first_day", condition=Q(month__day=1)),
        ]
        indexes = [
            # PlannedVisitQuerySet.for_user: a person's upcoming dated visits.
            models.Index(fields=["owner", "planned_on"], condition=Q(visit__isnull=True),
                         name="planned_visit_upcoming_idx"),
            models.Index(fields=["account", "month"], name="planned_visit_account_idx"),
        ]

    def __str__(self):
        when = self.planned_on or self.month.strftime("%Y-%m")
        return f"{self.account} · {when}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("plans:planned-detail", args=[self.pk])

    def get_roles_display(self):
        labels = dict(BuyerRole.Role.choices)
        return [labels.get(role, role) for role in self.roles]

    @property
    def is_prepared(self):
        return self.prepared_at is not None


class BankQuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def in_spin_order(self):
        """Situation, problem, implication, need-payoff: the order a conversation takes."""
        order = models.Case(*(models.When(category=c, then=i) for i, c in enumerate(SpinCategory.values)))
        return self.order_by(order, "industry", "text")

    def for_industry(self, industry):
        """Questions for every industry, and the account's own industry's."""
        return self.active().filter(Q(industry="") | Q(industry__iexact=industry or ""))


class BankQuestion(models.Model):
    """A reusable question of the question bank (K-28), per SPIN category and industry."""

    category = models.CharField(_("category"), max_length=20, choices=SpinCategory.choices)
    industry = models.CharField(_("industry"), max_length=100, blank=True,
                                help_text=_("Leave empty for a question that suits every industry."))
    text = models.CharField(_("question"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = BankQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank question")
        verbose_name_plural = _("question bank")
        ordering = ["category", "industry", "text"]
        constraints = [
            # services.bank_question_add turns a duplicate into a message through this key.
            models.UniqueConstraint(fields=["industry", "text"], name="bank_question_unique"),
        ]

    def __str__(self):
        return self.text


class PreparationQuestion(models.Model):
    """One question of a visit's outline, and after the visit its answer."""

    planned = models.ForeignKey(PlannedVisit, on_delete=models.CASCADE, related_name="questions")
    category = models.CharField(_("category"), max_length=20, choices=SpinCategory.choices)
    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    answer = models.TextField(_("answer"), blank=True)
    source = models.ForeignKey(BankQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # services.outline_add inserts with ignore_conflicts on this key: a bank question appears once.
            models.UniqueConstraint(fields=["planned", "source"], condition=Q(source__isnull=False),
                                    name="outline_bank_question_once"),
        ]

    def __str__(self):
        return self.text


# --- Customer satisfaction (K-56) ----------------------------------------------------------------

class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(account__in=Account.objects.visible_to(user))


class SatisfactionSurvey(models.Model):
    """One survey answer from an account. Scale 1–5; 4 and 5 count as satisfied,
    1 and 2 are low and become a customer issue for the account's manager."""

    SCALE = range(1, 6)
    SATISFIED_FROM = 4
    LOW_UP_TO = 2

    class Score(models.IntegerChoices):
        VERY_DISSATISFIED = 1, _("1 – very dissatisfied")
        DISSATISFIED = 2, _("2 – dissatisfied")
        NEUTRAL = 3, _("3 – neither")
        SATISFIED = 4, _("4 – satisfied")
        VERY_SATISFIED = 5, _("5 – very satisfied")

    class Source(models.TextChoices):
        FORM = "form", _("Entered")
        IMPORT = "import", _("Imported")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="satisfaction_surveys")
    taken_on = models.DateField(_("date"))
    respondent = models.CharField(_("respondent"), max_length=200)
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    comments = models.TextField(_("comments"), blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    issue = models.OneToOneField(CustomerIssue, verbose_name=_("customer issue"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="survey")

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="survey_score_1_to_5", condition=Q(score__range=(1, 5))),
        ]
        indexes = [models.Index(fields=["account", "taken_on"], name="survey_account_date_idx")]

    def __str__(self):
        return f"{self.account} {self.taken_on} {self.score}"

    @property
    def is_satisfied(self):
        return self.score >= self.SATISFIED_FROM

    @property
    def is_low(self):
        return self.score <= self.LOW_UP_TO


class Referral(models.Model):
    """A referral asked of a satisfied customer (K-26, K-56), tracked to the account it brought."""

    class Status(models.TextChoices):
        ASKED = "asked", _("Asked")
        RECEIVED = "received", _("Received")
        DECLINED = "declined", _("Declined")

    account = models.ForeignKey(Account, verbose_name=_("referring account"), on_delete=models.PROTECT,
                                related_name="referrals_given")
    survey = models.ForeignKey(SatisfactionSurvey, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="referrals")
    asked_on = models.DateField(_("asked on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASKED)
    referred_name = models.CharField(_("who they referred"), max_length=200, blank=True)
    brought_account = models.ForeignKey(
        Account, verbose_name=_("account it brought"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="referred_by",
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-asked_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="referral_received_names_someone", condition=(
                ~Q(status="received") | ~Q(referred_name="") | Q(brought_account__isnull=False))),
            models.CheckConstraint(name="referral_not_self", condition=~Q(brought_account=models.F("account"))),
        ]

    def __str__(self):
        return f"{self.account} → {self.brought_account or self.referred_name or '?'}"
