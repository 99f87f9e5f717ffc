"""Columns of the visit lists' CSV/XLSX downloads (config.exports)."""

from django.utils.translation import gettext_lazy as _

from config.exports import Column
from visits.models import GreenChannelRequest


def _contacts(visit):
    # Prefetched by VisitQuerySet.with_list_columns (once per export chunk).
    return ", ".join(str(contact) for contact in visit.contacts.all())


VISITS = [
    Column(_("Date and time"), "occurred_at"),
    Column(_("Account"), "account"),
    Column(_("Channel"), "get_channel_display"),
    Column(_("Purpose"), "purpose"),
    Column(_("Author"), "author"),
    Column(_("Contacts met"), _contacts),
    Column(_("What was discussed"), "summary"),
    Column(_("The customer's opinions and suggestions"), "customer_feedback"),
    Column(_("Next steps"), "next_steps"),
    Column(_("Follow-up date"), "follow_up_on"),
]

ISSUES = [
    Column(_("Due"), "due_at"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Status"), "get_status_display"),
    Column(_("Account"), "account"),
    Column(_("What the customer raised"), "description"),
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
    Column(_("Dispatched to"), "dispatched_to"),
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
        return "\n".join(f"{issue.get_kind_display()}: {issue.description} ({issue.get_status_display()})"
                         for issue in visit.issues.all())

    return [*VISITS[:4], VISITS[5], *VISITS[6:9],
            Column(_("Customer issues"), issues), Column(_("Supervisor's comment"), comment)]
