from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Account plans")

    def ready(self):
        # Files on an annual plan (issue 23): the plan's readers are its account team and their
        # supervisor (PlanQuerySet.visible_to), and those are the people who write the plan.
        from attachments import registry
        from plans import permissions
        from plans.models import AccountPlan

        registry.register(AccountPlan, kind="plan",
                          visible=lambda user: AccountPlan.objects.visible_to(user).select_related("account"),
                          can_change=lambda user, plan: permissions.can_plan(user, plan.account))
