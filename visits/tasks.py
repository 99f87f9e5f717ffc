from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(label=_("After-sales follow-ups for orders (K-26)"))
def after_sales_schedule():
    """K-26: follow-ups for new orders and running contracts; idempotent."""
    from visits.services import after_sales_schedule as schedule

    return schedule()


@shared_task(label=_("Customer issue deadlines (K-22)"))
def issue_deadlines_notify():
    """K-22: issues near their deadline tell the owner, overdue ones the supervisor; once each."""
    from visits.services import issue_deadlines_notify as notify_deadlines

    return notify_deadlines()


@shared_task(label=_("Degree of contact from the visits logged (K-13)"))
def contact_touch_levels_refresh():
    """K-13: the degree of contact computed from visits falls as time passes without a touch; only
    the contacts that can have changed since the last run are looked at (issue 19)."""
    from visits.services import contact_touch_levels_sweep

    return contact_touch_levels_sweep()
