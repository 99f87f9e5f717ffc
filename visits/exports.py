"""Columns of the visit lists' CSV/XLSX downloads (core.exports)."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.exports import Column
from visits.models import GreenChannelRequest, MonthlyLog, Visit


def _contacts(visit):
    # Prefetched by VisitQuerySet.with_list_columns (once per export chunk).
    return ", ".join(str(contact) for contact in visit.contacts.all())


VISITS = [
    Column(_("Date and time"), "occurred_at"),
    Column(_("Account"), "account"),
    Column(_("Channel"), "get_channel_display"),
    Column(_("Purpose"), "shown.purpose"),
    Column(_("Author"), "author"),
    Column(_("Contacts met"), _contacts),
    Column(_("What was discussed"), "shown.summary"),
    Column(_("The customer's opinions and suggestions"), "customer_feedback"),
    Column(_("Next steps"), "next_steps"),
    Column(_("Follow-up date"), "follow_up_on"),
]

ISSUES = [
    Column(_("Due"), "due_at"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Status"), "get_status_display"),
    Column(_("Account"), "account"),
    Column(_("What the customer raised"), "shown.description"),
    Column(_("Responsible department"), "department"),
    Column(_("Owner"), "owner"),
    Column(_("Logged"), "created_at"),
    Column(_("Resolution"), "resolution"),
    Column(_("Customer informed"), "informed_at"),
]

GREEN = [
    Column(_("Request"), "title"),
    Column(_("Account"), "account"),
    Column(_("Stage"), lambda green: GreenChannelRequest.Stage(green.stage).label),
    Column(_("Details"), "description"),
    Column(_("Requested"), "requested_at"),
    Column(_("Requested by"), "requested_by"),
    Column(_("Dispatched"), "dispatched_at"),
    Column(_("Dispatched by"), "dispatched_by"),
    Column(_("Dispatched to"), "department"),
    Column(_("Completed"), "completed_at"),
    Column(_("Completed by"), "completed_by"),
    Column(_("Completion report"), "completion_note"),
]


def month_log(comments):
    """A month's log as the supervisor reviews it (K-21): each visit and its comment."""
    def comment(visit):
        found = comments.get(visit.pk)
        return found.text if found else ""

    def issues(visit):
        return "\n".join(f"{issue.get_kind_display()}: {issue.shown.description} ({issue.get_status_display()})"
                         for issue in visit.issues.all())

    return [*VISITS[:4], VISITS[5], *VISITS[6:9],
            Column(_("Customer issues"), issues), Column(_("Supervisor's comment"), comment)]


@dataclass(frozen=True)
class SignOffRow:
    author: object
    month: date
    visits: int
    log: MonthlyLog | None


def sign_off_rows(user, my_months, others):
    """The sign-off page's rows (K-21): my months, then the logs waiting for me and my team's.
    `my_months`: (month, visit count, log or None); `others`: logs with their authors."""
    others = list({log.pk: log for log in others}.values())
    logs = [log for _month, _count, log in my_months if log] + others
    signers = get_user_model().objects.in_bulk({log.decided_by_id for log in logs if log.decided_by_id})
    for log in logs:  # one query for every log's signer, not one each
        log.signer = signers.get(log.decided_by_id)
    counts = dict(((author, month), n) for author, month, n in
                  Visit.objects.filter(author__in={log.author_id for log in others},
                                       log_month__in={log.month for log in others})
                  .values("author", "log_month").annotate(n=Count("pk")).values_list("author", "log_month", "n"))
    return ([SignOffRow(user, month, count, log) for month, count, log in my_months]
            + [SignOffRow(log.author, log.month, counts.get((log.author_id, log.month), 0), log) for log in others])


def _log(field):
    return lambda row: getattr(row.log, field) if row.log else None


SIGN_OFF = [
    Column(_("Manager"), "author"),
    Column(_("Month"), lambda row: f"{row.month:%Y-%m}"),
    Column(_("Visits"), "visits"),
    Column(_("Status"), lambda row: row.log.get_status_display() if row.log else MonthlyLog.Status.OPEN.label),
    Column(_("Submitted"), _log("submitted_at")),
    Column(_("Submitted late"), _log("is_late")),
    Column(_("Signed off by"), _log("signer")),
    Column(_("Decided"), _log("decided_at")),
    Column(_("Overall comment"), _log("overall_comment")),
]
