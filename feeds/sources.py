"""What a person's calendar feed lists: one function per source.

A source takes the feed's owner and returns FeedItems, in one query whatever
the number of rows (the feed's query count is pinned by a test). Adding a
source is one function appended to SOURCES. Summaries
are built while the owner's language is active (feeds.views.feed)."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from care.models import CareTask
from opportunities.models import Opportunity
from plans.models import PlannedVisit
from visits.models import AfterSalesStep, CustomerIssue


@dataclass(frozen=True)
class FeedItem:
    uid: str  # stable across fetches, so a calendar app updates the event instead of duplicating it
    day: date  # an all-day event: these are due dates, not appointments
    summary: str
    path: str  # where the item is worked on, relative to the site
    description: str = ""


def care_tasks(user):
    """My open care tasks (K-44), each on its due day."""
    tasks = CareTask.objects.open().filter(owner=user).select_related("account", "contact")
    return [FeedItem(uid=f"care-task-{task.pk}", day=task.due_on, summary=task.display_title,
                     path=f"{reverse('care:home')}#task-{task.pk}", description=task.message)
            for task in tasks.order_by("due_on", "pk")]


def customer_issues(user):
    """The customer issues I follow through (K-22), on the day of their deadline."""
    issues = CustomerIssue.objects.open().filter(owner=user).select_related("account")
    return [FeedItem(uid=f"customer-issue-{issue.pk}", day=timezone.localdate(issue.due_at),
                     summary=_("Reply due: %(kind)s from %(account)s") % {
                         "kind": issue.get_kind_display(), "account": issue.account},
                     path=f"{reverse('visits:detail', args=[issue.visit_id])}#issue-{issue.pk}",
                     description=_("Due %(when)s. %(what)s") % {
                         "when": date_format(timezone.localtime(issue.due_at), "DATETIME_FORMAT"),
                         "what": issue.shown.description})
            for issue in issues.order_by("due_at", "pk")]


def after_sales_steps(user):
    """The after-sales follow-ups due on the accounts I am responsible for (K-26), named like the
    care task each becomes the day before; one that is a task already is listed once, as the task."""
    steps = (AfterSalesStep.objects.filter(done_at__isnull=True, account__owner=user, care_tasks__isnull=True)
             .select_related("account", "order"))
    return [FeedItem(uid=f"after-sales-{step.pk}", day=timezone.localdate(step.due_at),
                     summary=_("%(step)s, %(product)s: %(who)s") % {
                         "step": step.get_kind_display(), "who": step.account,
                         "product": f"{step.order.product} ({step.order.reference})" if step.order.reference
                         else step.order.product},
                     path=step.account.get_absolute_url())
            for step in steps.order_by("due_at", "pk")]


def planned_visits(user):
    """The visits I planned with a date (K-09, K-28) and have not yet logged."""
    return [FeedItem(uid=f"planned-visit-{planned.pk}", day=planned.planned_on,
                     summary=_("Visit: %(account)s") % {"account": planned.account},
                     path=planned.get_absolute_url(),
                     description="\n".join(filter(None, [planned.topics, planned.objective])))
            for planned in PlannedVisit.objects.for_user(user)]


def opportunity_dates(user):
    """My open opportunities' bid deadlines and expected closes (X-03): one query, two items at most each."""
    items = []
    opportunities = (Opportunity.objects.open().filter(owner=user).select_related("account")
                     .exclude(bid_deadline__isnull=True, expected_close__isnull=True).order_by("pk"))
    for o in opportunities:
        names = {"name": o.name, "account": o.account}
        if o.bid_deadline and not o.bid_submitted_on:
            items.append(FeedItem(uid=f"opportunity-{o.pk}-bid", day=o.bid_deadline, path=o.get_absolute_url(),
                                  summary=_("Bid deadline: %(name)s, %(account)s") % names,
                                  description=o.tender_agency))
        if o.expected_close:
            items.append(FeedItem(uid=f"opportunity-{o.pk}-close", day=o.expected_close, path=o.get_absolute_url(),
                                  summary=_("Expected close: %(name)s, %(account)s") % names))
    return items


SOURCES = [care_tasks, customer_issues, after_sales_steps, planned_visits, opportunity_dates]


def feed_items(user, sources=SOURCES):
    return [item for source in sources for item in source(user)]
