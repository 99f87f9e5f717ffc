"""One timeline per account and per contact (issue 23 item 1, X-05): what happened, newest first.

Each kind of event lives in its own table, so the page is a merge: every kind is read by one
query for the window after the cursor (`LIMIT size + 1`, on its account index), the windows are
merged by (time, kind, id) and the first `size` entries are the page; the last one's key is the
next page's cursor. The page therefore costs one query per kind shown, whatever the account's
age (no OFFSET, no UNION over ever-growing tables, no per-row queries: every row comes with
what it shows through select_related). Profile edits read one row more, the record each edit is
compared with, so their diffs need no extra query either.
"""

import heapq
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import DateTimeField, F, Q, prefetch_related_objects
from django.db.models.functions import Cast
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions as account_permissions
from accounts.models import Account, Order
from attachments.models import Attachment
from care.models import CareTask, Gift
from contacts.models import Contact, PersonnelChange, RolePlanReview
from core.batch import fetch_together
from core.history import reason_text, record_changes, related_names
from core.written import shown
from hub.models import Comment
from opportunities import history as opportunity_history
from opportunities.models import Opportunity
from plans.models import PlanReview, SatisfactionSurvey
from tiering.models import TierChange
from visits.models import CustomerIssue, IssueUpdate, Visit

PAGE_SIZE = 20

# The kinds, in the order they break a tie of time (a visit logged with its issue reads first).
KINDS = {
    "visit": gettext_lazy("Visits"),
    "order": gettext_lazy("Orders"),
    "issue": gettext_lazy("Customer issues"),
    "care": gettext_lazy("Care done"),
    "gift": gettext_lazy("Gifts"),
    "tier": gettext_lazy("Tier changes"),
    "personnel": gettext_lazy("Personnel changes"),
    "plan_review": gettext_lazy("Plan reviews"),
    "survey": gettext_lazy("Satisfaction surveys"),
    "profile": gettext_lazy("Profile edits"),
    "comment": gettext_lazy("Comments"),
    "opportunity": gettext_lazy("Opportunities"),  # issue 22: each step and edit of the account's pipeline
    "file": gettext_lazy("Files"),  # on the account, its contacts, visits and plans
}
CONTACT_KINDS = ("visit", "care", "gift", "personnel", "plan_review", "profile", "file")


@dataclass
class Entry:
    kind: str
    at: datetime
    rank: int
    pk: int
    title: str
    actor: object = None
    text: str = ""
    link: str = ""
    changes: list = field(default_factory=list)
    comment: object = None
    attachment: object = None

    @property
    def key(self):
        return (self.at, self.rank, self.pk)

    @property
    def kind_label(self):
        return KINDS[self.kind.split(":")[0]]


@dataclass
class Cursor:
    """Where a page ends: the key of its last entry, written into the next page's link."""

    at: datetime
    rank: int
    pk: int

    def __str__(self):
        return f"{self.at.isoformat()}~{self.rank}~{self.pk}"

    @classmethod
    def parse(cls, text):
        """None for anything that is not a cursor this module wrote (a bookmark, a hand)."""
        try:
            at, rank, pk = (text or "").split("~")
            at, rank, pk = parse_datetime(at), int(rank), int(pk)
        except (TypeError, ValueError):
            return None
        if at is None or timezone.is_naive(at) or not (0 <= rank < 100 and 0 < pk < 2**63):
            return None
        return cls(at, rank, pk)


def _after(cursor, rank, at="tl_at", pk="pk"):
    """Rows of the kind ranked `rank` that come after the cursor in the order (time, rank, id) desc."""
    if cursor is None:
        return Q()
    if rank < cursor.rank:
        return Q(**{f"{at}__lte": cursor.at})
    if rank > cursor.rank:
        return Q(**{f"{at}__lt": cursor.at})
    return Q(**{f"{at}__lt": cursor.at}) | Q(**{at: cursor.at, f"{pk}__lt": cursor.pk})


def _as_time(name):
    """A date column as a time to sort by (midnight), a time column as itself."""
    return Cast(F(name), DateTimeField())


class Source:
    """One kind's rows: a queryset over the subject, its time column and how a row reads."""

    def __init__(self, kind, rank, rows, at, entry, *, date_column=False):
        self.kind, self.rank, self.rows, self.entry = kind, rank, rows, entry
        self.at = _as_time(at) if date_column else F(at)

    def after(self, cursor, size):
        """The rows to read: up to size + 1 after the cursor."""
        return (self.rows.annotate(tl_at=self.at).filter(_after(cursor, self.rank))
                .order_by("-tl_at", "-pk")[:size + 1])

    def window(self, cursor, size, rows=None):
        """(entries, limit): up to size + 1 entries after the cursor, and the key below which this
        kind may have rows not read (None when it has no more). `rows` when already read."""
        rows = self.after(cursor, size) if rows is None else rows
        entries = [self.entry(row, Entry(self.kind.split(":")[0], row.tl_at, self.rank, row.pk, "")) for row in rows]
        return entries, entries[-1].key if len(entries) > size else None


class HistorySource:
    """Profile edits: the subject's history records, each compared with the one before it."""

    kind, rank = "profile", 9

    def __init__(self, history, model, link):
        self.history, self.model, self.link = history, model, link

    def after(self, cursor, size):
        records = self.history.select_related("history_user", *related_names(self.history.model))
        return (records.filter(_after(cursor, self.rank, at="history_date", pk="history_id"))
                .order_by("-history_date", "-history_id")[:size + 2])

    def window(self, cursor, size, rows=None):
        records = list(self.after(cursor, size) if rows is None else rows)
        entries = []
        # A save that changed nothing shown is skipped, so the kind's limit is the last record read.
        limit = (records[size].history_date, self.rank, records[size].history_id) if len(records) > size + 1 else None
        for index, record in enumerate(records[:size + 1]):
            previous = records[index + 1] if index + 1 < len(records) else None
            changes = record_changes(record, previous, self.model)
            if record.history_type == "~" and previous is not None and not changes:
                continue  # a save that changed nothing shown (a touch count): nothing to read
            title = {"+": _("Created"), "-": _("Deleted")}.get(record.history_type, _("Profile edited"))
            entries.append(Entry("profile", record.history_date, self.rank, record.history_id, title,
                                 actor=record.history_user, changes=changes, link=self.link,
                                 text=reason_text(record.history_change_reason)))
        return entries, limit


# --- How each kind reads ----------------------------------------------------------------------

def _visit(row, e):
    e.title, e.actor, e.link = shown(row, "purpose"), row.author, row.get_absolute_url()
    e.text = f"{row.get_channel_display()} · {shown(row, 'summary')}"
    return e


def _order(row, e):
    e.title = _("Order: %(order)s") % {"order": row}
    e.text = row.reference
    e.link = reverse("accounts:detail", args=[row.account_id])
    return e


def _issue(row, e):
    e.title = _("%(kind)s raised: %(text)s") % {"kind": row.get_kind_display(), "text": shown(row, "description")}
    e.actor, e.link = row.owner, row.visit.get_absolute_url()
    due = timezone.localtime(row.due_at).strftime("%Y-%m-%d %H:%M")
    if row.department_id:
        e.text = _("Routed to %(department)s, due %(due)s") % {"department": row.department, "due": due}
    else:  # not routed: the visitor follows it up
        e.text = _("Not routed, due %(due)s") % {"due": due}
    return e


def _issue_update(row, e):
    e.title = _("Issue now %(status)s: %(text)s") % {"status": row.get_status_display(),
                                                    "text": shown(row.issue, "description")}
    e.actor, e.text, e.link = row.by, shown(row, "note"), row.issue.visit.get_absolute_url()
    return e


def _care(row, e):
    e.title = _("%(task)s: %(status)s") % {"task": row.display_title, "status": row.get_status_display()}
    e.actor, e.text = row.done_by, shown(row, "outcome")
    return e


def _gift(row, e):
    e.title = _("Gift to %(contact)s: %(gift)s") % {"contact": row.contact, "gift": row.gift}
    e.actor, e.text, e.link = row.given_by, row.story or row.occasion, row.contact.get_absolute_url()
    return e


def _tier(row, e):
    e.title = _("Tier %(old)s → %(new)s") % {"old": row.from_tier or "—", "new": row.to_tier}
    e.actor, e.text = row.by, row.reason_display
    return e


def _personnel(row, e):
    e.title = _("%(contact)s: %(change)s") % {"contact": row.contact, "change": row.get_kind_display()}
    e.actor, e.link = row.recorded_by, row.contact.get_absolute_url()
    e.text = " → ".join(part for part in (row.before, row.after) if part)
    return e


def _plan_review(row, e):
    e.kind = "plan_review"
    e.title = _("Plan review %(month)s") % {"month": row.month.strftime("%Y-%m")}
    e.actor, e.text, e.link = row.by, row.note, row.plan.get_absolute_url()
    return e


def _role_review(row, e):
    e.kind = "plan_review"
    e.title = _("Service-plan review: %(role)s") % {"role": row.role}
    e.actor, e.text = row.reviewed_by, row.outcome
    e.link = reverse("contacts:role-reviews", args=[row.role_id])
    return e


def _survey(row, e):
    e.title = _("Satisfaction survey: %(score)s") % {"score": row.get_score_display()}
    e.text = " · ".join(part for part in (row.respondent, row.comments) if part)
    e.link = reverse("plans:satisfaction", args=[row.account_id])
    return e


def _comment(row, e):
    on = {"visit": _("on a visit"), "issue": _("on a customer issue"), "plan": _("on the account plan")}
    e.title = _("%(by)s commented %(on)s") % {"by": row.author, "on": on.get(row.on, "")} if row.on != "account" \
        else _("%(by)s commented") % {"by": row.author}
    e.actor, e.text, e.link, e.comment = row.author, row.body, row.get_absolute_url(), row
    return e


def _opportunity(row, e):
    """A record of an opportunity's history (opportunities.history): opened, moved, any field edited."""
    e.title, e.changes = opportunity_history.title(row), opportunity_history.changes(row)
    e.text = opportunity_history.reason(row)
    e.actor, e.link = row.history_user, reverse("opportunities:detail", args=[row.id])
    return e


FILE_ON = {"account": gettext_lazy("on the account"), "contact": gettext_lazy("on a contact"),
           "visit": gettext_lazy("on a visit"), "accountplan": gettext_lazy("on the account plan")}


def _file(row, e):
    e.title = _("File added: %(name)s") % {"name": row.original_name}
    e.actor, e.attachment, e.link = row.uploaded_by, row, reverse("attachments:file", args=[row.pk])
    e.text = " · ".join(filter(None, [str(FILE_ON.get(row.content_type.model, "")), filesizeformat(row.size)]))
    return e


# --- The subjects ------------------------------------------------------------------------------

def account_sources(account, user):
    """Every kind of an account's timeline. Plans are the account team's working document
    (plans.PlanQuerySet.visible_to): a colleague who only sees the account reads no plan review
    and no comment on a plan."""
    sees_plans = account_permissions.can_edit_account(user, account)
    comments = Comment.objects.filter(account=account).select_related("author").prefetch_related("mentioned")
    files = Attachment.objects.of_account(account.pk).select_related("uploaded_by", "content_type")
    if not sees_plans:
        comments = comments.filter(plan__isnull=True)
        files = files.exclude(content_type__app_label="plans", content_type__model="accountplan")
    sources = [
        Source("visit", 0, Visit.objects.filter(account=account).select_related("author"), "occurred_at", _visit),
        Source("order", 1, Order.objects.filter(account=account), "signed_on", _order, date_column=True),
        Source("issue", 2, CustomerIssue.objects.filter(account=account).select_related("owner", "visit",
                                                                                         "department"),
               "created_at", _issue),
        Source("issue:update", 3, IssueUpdate.objects.filter(issue__account=account)
               .select_related("by", "issue__visit"), "at", _issue_update),
        Source("care", 4, CareTask.objects.filter(account=account, done_at__isnull=False)
               .select_related("done_by", "contact", "account"), "done_at", _care),
        Source("gift", 5, Gift.objects.filter(contact__account=account).select_related("given_by", "contact"),
               "given_on", _gift, date_column=True),
        Source("tier", 6, TierChange.objects.filter(account=account).select_related("by", "from_tier", "to_tier"),
               "at", _tier),
        Source("personnel", 7, PersonnelChange.objects.filter(account=account)
               .select_related("contact", "recorded_by"), "recorded_at", _personnel),
        Source("survey", 10, SatisfactionSurvey.objects.filter(account=account), "taken_on", _survey,
               date_column=True),
        HistorySource(account.history.all(), Account, reverse("accounts:history", args=[account.pk])),
        Source("comment", 12, comments, "created_at", _comment),
        Source("opportunity", 13, opportunity_history.with_previous(Opportunity.history.filter(account_id=account.pk)),
               "history_date", _opportunity),
        Source("file", 14, files, "uploaded_at", _file),
    ]
    if sees_plans:
        sources.append(Source("plan_review", 8, PlanReview.objects.filter(plan__account=account)
                              .select_related("by", "plan__account"), "at", _plan_review))
    return sources


def contact_sources(contact):
    return [
        Source("visit", 0, Visit.objects.filter(contacts=contact).select_related("author"), "occurred_at", _visit),
        Source("care", 4, CareTask.objects.filter(contact=contact, done_at__isnull=False)
               .select_related("done_by", "contact", "account"), "done_at", _care),
        Source("gift", 5, Gift.objects.filter(contact=contact).select_related("given_by", "contact"),
               "given_on", _gift, date_column=True),
        Source("personnel", 7, PersonnelChange.objects.filter(contact=contact)
               .select_related("contact", "recorded_by"), "recorded_at", _personnel),
        Source("plan_review:role", 11, RolePlanReview.objects.filter(role__contact=contact)
               .select_related("reviewed_by", "role__contact"), "reviewed_on", _role_review, date_column=True),
        HistorySource(contact.history.all(), Contact, reverse("contacts:history", args=[contact.pk])),
        Source("file", 14, Attachment.objects.of(contact).select_related("uploaded_by", "content_type"),
               "uploaded_at", _file),
    ]


@dataclass
class Page:
    entries: list
    next_cursor: Cursor | None
    kinds: list  # the kinds shown (the filter's choice, or all)


def timeline_page(sources, *, kinds=(), cursor=None, size=PAGE_SIZE):
    """The page of the merged timeline after `cursor`, only `kinds` if given: every kind's window
    read in one statement (core.batch, issue 19), plus one for what a kind prefetches (a comment's
    mentions) when it has rows."""
    chosen = [s for s in sources if not kinds or s.kind.split(":")[0] in kinds]
    queries = {f"k{i}": source.after(cursor, size) for i, source in enumerate(chosen)}
    prefetch = {name: query._prefetch_related_lookups for name, query in queries.items()}
    read = fetch_together(**{name: query.prefetch_related(None) for name, query in queries.items()})
    for name, lookups in prefetch.items():
        if lookups and read[name]:
            prefetch_related_objects(read[name], *lookups)
    windows, limits = zip(*(source.window(cursor, size, read[f"k{i}"]) for i, source in enumerate(chosen)),
                          strict=True) if chosen else ((), ())
    merged = list(heapq.merge(*windows, key=lambda e: e.key, reverse=True))
    # Below the highest limit some kind may have rows it did not read: the page stops there.
    floor = max((limit for limit in limits if limit is not None), default=None)
    page = [e for e in merged if floor is None or e.key >= floor][:size]
    more = len(merged) > len(page)
    last = page[-1].key if page else floor  # a window of skipped edits alone moves on past them
    return Page(page, Cursor(*last) if more and last else None,
                sorted({s.kind.split(":")[0] for s in chosen}, key=list(KINDS).index))


def kinds_of(sources):
    present = {s.kind.split(":")[0] for s in sources}
    return [(code, label) for code, label in KINDS.items() if code in present]


def account_in_scope(user, pk):
    return Account.objects.visible_to(user).with_edit_flag(user).select_related("owner__team").filter(pk=pk).first()
