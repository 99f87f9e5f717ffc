from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every target; others their teams' and the targets for everyone."""
        if user.is_admin:
            return self
        from users.models import Team

        return self.filter(models.Q(team__in=Team.objects.visible_to(user)) | models.Q(team__isnull=True)
                           | models.Q(manager=user))


class Target(models.Model):
    """A monthly target (K-53: plan–do–check–act), for a team, a manager and/or a tier, or for everyone.
    `act` is the month's corrective action, written once the check shows where it fell short."""

    class Metric(models.TextChoices):
        VISITS = "visits", _("Visits")
        CONVERSIONS = "conversions", _("Touches followed by an order")
        REVENUE = "revenue", _("Revenue")

    month = models.DateField(_("month"))
    metric = models.CharField(_("measure"), max_length=20, choices=Metric.choices)
    team = models.ForeignKey("users.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="targets", help_text=_("Empty: every team."))
    tier = models.ForeignKey("tiering.Tier", verbose_name=_("tier"), on_delete=models.CASCADE, null=True,
                             blank=True, related_name="targets", help_text=_("Empty: every tier."))
    manager = models.ForeignKey("users.User", verbose_name=_("manager"), on_delete=models.CASCADE, null=True,
                                blank=True, related_name="targets", help_text=_("Empty: the whole team."))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    act = models.TextField(_("corrective action (act)"), blank=True,
                           help_text=_("What will be done differently, now that the month's progress is known."))
    act_by = models.ForeignKey("users.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    act_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey("users.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["month", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["month", "metric", "team", "manager", "tier"], nulls_distinct=False,
                                    name="target_once_per_scope"),
            models.CheckConstraint(name="target_month_first_day", condition=models.Q(month__day=1)),
            models.CheckConstraint(name="target_positive", condition=models.Q(value__gt=0)),
        ]

    def __str__(self):
        scope = [str(part) for part in (self.team, self.manager, self.tier and self.tier.code) if part]
        return " · ".join([f"{self.get_metric_display()} {self.month:%Y-%m}", *scope])


class QuarterlyAnalysisQuerySet(models.QuerySet):
    def visible_to(self, user):
        from users.models import Team

        return self if user.is_admin else self.filter(team__in=Team.objects.visible_to(user))


class QuarterlyAnalysis(models.Model):
    """The supervisor's written analysis of a team's quarter, for the visit report to leadership (K-23)."""

    team = models.ForeignKey("users.Team", verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="quarterly_analyses")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    text = models.TextField(_("analysis"), help_text=_(
        "What went well, what did not, why, and what the team will do next quarter."))
    written_by = models.ForeignKey("users.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuarterlyAnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarterly analysis")
        verbose_name_plural = _("quarterly analyses")
        constraints = [
            # reports.services.quarterly_analysis_save updates the one row of a team's quarter
            models.UniqueConstraint(fields=["team", "year", "quarter"], name="quarterly_analysis_once"),
            models.CheckConstraint(name="quarterly_analysis_quarter_1_to_4", condition=models.Q(quarter__range=(1, 4))),
        ]

    def __str__(self):
        return f"{self.team} {self.year}-Q{self.quarter}"


class RevenueFact(models.Model):
    """The read model's revenue (issue 19 item 4, reports/facts.py): the orders of one account signed
    in one calendar month in one currency, summed. Kept by a trigger on accounts_order; read by the
    value, concentration and operating reports for the whole months of their windows."""

    account = models.ForeignKey("accounts.Account", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                related_name="+")
    month = models.DateField(help_text="First day of the month of signing.")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=2)
    orders = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "month", "currency"], name="revenue_fact_key")]

    def __str__(self):
        return f"{self.account_id} {self.month:%Y-%m} {self.amount} {self.currency}"


class AccountWindow(models.Model):
    """Each account's orders to date, in the last 12 months and in the 12 before, in each currency,
    as of `WindowMark.as_of` (issue 19 item 4, reports/facts.py): the value, concentration and
    operating reports' default windows read one row per account instead of its orders. Kept by a
    trigger on accounts_order; moved on to the new day by the nightly refresh."""

    account = models.ForeignKey("accounts.Account", on_delete=models.DO_NOTHING, db_constraint=False,
                                db_index=False, related_name="+")
    currency = models.CharField(max_length=3)
    to_date = models.DecimalField(max_digits=20, decimal_places=2)
    last12 = models.DecimalField(max_digits=20, decimal_places=2)
    prev12 = models.DecimalField(max_digits=20, decimal_places=2)
    orders = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "currency"], name="account_window_key")]

    def __str__(self):
        return f"{self.account_id} {self.currency}"


class WindowMark(models.Model):
    """The day AccountWindow is as of, and its windows' bounds (accounts.metrics, computed in Python
    by the refresh): one row. Before the first refresh, or until the day's refresh has run, the
    reports read the monthly facts instead."""

    as_of = models.DateField()
    last12_start = models.DateField()
    prev12_start = models.DateField()
    prev12_end = models.DateField()

    def __str__(self):
        return f"{self.as_of}"


class TouchFact(models.Model):
    """The read model's touches (issue 19 item 4, reports/facts.py): the visits of one account in one
    log month by one author, in one week of the month and one channel, counted — future-dated ones
    too; the readers take off those after now (accounts.metrics.touch_counted_sql). Kept by a trigger
    on visits_visit; read by the quarterly visit report and the visit targets. The account's kind and
    tier are joined when read, so a change of either needs no rebuild."""

    account = models.ForeignKey("accounts.Account", on_delete=models.DO_NOTHING, db_constraint=False,
                                db_index=False, related_name="+")
    month = models.DateField(help_text="The visits' log month (first day).")
    author = models.ForeignKey("users.User", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    week = models.PositiveSmallIntegerField(help_text="Week of the month: 1 for days 1–7 … 5 for days 29–31.")
    channel = models.CharField(max_length=20)
    touches = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "month", "author", "week", "channel"],
                                               name="touch_fact_key")]
        # The key serves a scope of accounts (a manager's targets); this one the quarterly report,
        # by author and month, and an admin's month.
        indexes = [models.Index(fields=["month", "author"], name="touch_fact_month_author_idx")]

    def __str__(self):
        return f"{self.account_id} {self.month:%Y-%m} w{self.week} {self.channel}: {self.touches}"


class IssueFact(models.Model):
    """The read model's customer issues (issue 19 item 4, reports/facts.py): the issues of one account
    and owner whose deadline falls in one calendar month, and how many of them the customer was
    told of by the deadline. Kept by a trigger on visits_customerissue; read by the monthly
    evaluation, which takes off live the issues still open whose deadline is yet to come."""

    account = models.ForeignKey("accounts.Account", on_delete=models.DO_NOTHING, db_constraint=False,
                                db_index=False, related_name="+")
    owner = models.ForeignKey("users.User", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                              related_name="+")
    month = models.DateField(help_text="First day of the month of the deadline.")
    issues = models.IntegerField()
    on_time = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "owner", "month"], name="issue_fact_key")]
        indexes = [models.Index(fields=["month", "owner"], name="issue_fact_month_owner_idx")]

    def __str__(self):
        return f"{self.account_id} {self.owner_id} {self.month:%Y-%m}: {self.on_time}/{self.issues}"


class CareFact(models.Model):
    """The read model's care tasks (issue 19 item 4, reports/facts.py): the tasks of one account and
    owner whose day falls in one calendar month, and how many were done on it or before. Kept by a
    trigger on care_caretask; read by the monthly evaluation, which takes off live the month's
    tasks still open whose day is not over."""

    account = models.ForeignKey("accounts.Account", on_delete=models.DO_NOTHING, db_constraint=False,
                                db_index=False, related_name="+")
    owner = models.ForeignKey("users.User", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                              related_name="+")
    month = models.DateField(help_text="First day of the month of the task's day.")
    tasks = models.IntegerField()
    on_time = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "owner", "month"], name="care_fact_key")]
        indexes = [models.Index(fields=["month", "owner"], name="care_fact_month_owner_idx")]

    def __str__(self):
        return f"{self.account_id} {self.owner_id} {self.month:%Y-%m}: {self.on_time}/{self.tasks}"
