from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every target; others their teams' and the targets for everyone."""
        if user.is_admin:
            return self
        from users.models import Team

        return self.filter(models.Q(team__in=Team.objects.visible_to(user)) | models.Q(team__isnull=True))


class Target(models.Model):
    """A monthly target (K-53: plan–do–check–act), for a team and/or a tier, or for everyone."""

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
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    set_by = models.ForeignKey("users.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["month", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["month", "metric", "team", "tier"], nulls_distinct=False,
                                    name="target_once_per_scope"),
            models.CheckConstraint(name="target_month_first_day", condition=models.Q(month__day=1)),
            models.CheckConstraint(name="target_positive", condition=models.Q(value__gt=0)),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.month:%Y-%m}"
