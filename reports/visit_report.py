"""The quarterly visit report to leadership (K-23), computed with SQL aggregates:
visits by channel, by tier and by account kind, customer issues and how they
were handled, and the supervisors' comments, per manager of the chosen teams;
each issue raised with its handling and timing, the change from the previous
quarter, and each team supervisor's written analysis.

It lives in `reports` because it reads visits and tiering together. Visits count
under the account's current tier."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account
from core.batch import fetch_together
from reports.models import TouchFact
from users.models import User
from visits.models import CustomerIssue, MonthlyLog, Visit, VisitComment


def quarter_months(year, quarter):
    first = 3 * (quarter - 1) + 1
    return [date(year, first + i, 1) for i in range(3)]


def current_quarter(today):
    return today.year, (today.month - 1) // 3 + 1


def previous_quarter(year, quarter):
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def managers_in_scope(user, team=None):
    people = User.objects.staff()
    if user.is_admin:
        scoped = people
    elif user.is_supervisor:
        scoped = people.filter(Q(team__supervisor=user) | Q(pk=user.pk))
    else:
        scoped = people.filter(pk=user.pk)
    if team:
        scoped = scoped.filter(team=team)
    return scoped.select_related("team").order_by("team__name", "username")


@dataclass
class ManagerRow:
    manager: User
    by_channel: dict = field(default_factory=dict)
    by_kind: dict = field(default_factory=dict)
    by_tier: dict = field(default_factory=dict)
    visits: int = 0
    issues: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    comments: int = 0
    overall_comments: list = field(default_factory=list)


def quarterly_report(*, user, year, quarter, team=None):
    """One row per manager in scope: two statements (the managers, then every count in one,
    core.batch: issue 19)."""
    months = quarter_months(year, quarter)
    managers = list(managers_in_scope(user, team))
    rows = {m.pk: ManagerRow(m) for m in managers}
    read = fetch_together(
        # by channel, account kind and tier at once: the three breakdowns are sums of these cells
        visits=touch_cells(rows, months),
        issues=_issue_counts(CustomerIssue.objects.filter(owner__in=rows, visit__log_month__in=months)),
        comments=(VisitComment.objects.filter(log__author__in=rows, log__month__in=months)
                  .values("log__author").annotate(n=Count("pk")).order_by()),
        logs=(MonthlyLog.objects.filter(author__in=rows, month__in=months).exclude(overall_comment="")
              .select_related("decided_by").order_by("month")),
    )
    for cell in read["visits"]:
        target, n = rows[cell["author"]], cell["n"]
        for counts, key in ((target.by_channel, cell["channel"]), (target.by_kind, cell["account__kind"]),
                            (target.by_tier, cell["account__tier_state__tier__code"] or "")):
            counts[key] = counts.get(key, 0) + n
        target.visits += n
    for row in read["issues"]:
        target = rows[row["owner"]]
        target.issues, target.on_time, target.late, target.open = (
            row["total"], row["on_time"], row["late"], row["still_open"])
    for row in read["comments"]:
        rows[row["log__author"]].comments = row["n"]
    for log in read["logs"]:
        rows[log.author_id].overall_comments.append(log)
    return list(rows.values())


def touch_cells(authors, months):
    """Per author, channel, account kind and tier: the visits logged in the months, from the read
    model (reports/facts.py: the same count, every visit of the log month as this report counts
    them, a row per account and week instead of one per visit). Kind and tier are the account's
    current ones, joined here."""
    return (TouchFact.objects.filter(author__in=authors, month__in=months)
            .values("author", "channel", "account__kind", "account__tier_state__tier__code")
            .annotate(n=Sum("touches")).order_by())


def touch_channels(authors, months):
    """Per channel: the visits the authors logged in the months, from the read model."""
    return (TouchFact.objects.filter(author__in=authors, month__in=months).values("channel")
            .annotate(n=Sum("touches")).order_by())


def _issue_counts(issues):
    """Per owner: issues raised, informed on time, late, not yet."""
    return (issues.values("owner").order_by()
            .annotate(total=Count("pk"), on_time=Count("pk", filter=Q(informed_at__lte=F("due_at"))),
                      late=Count("pk", filter=Q(informed_at__gt=F("due_at"))),
                      still_open=Count("pk", filter=Q(informed_at__isnull=True))))


def quarter_totals(*, user, year, quarter, team=None):
    """The report's Total line alone, for comparing with another quarter: one statement, counted
    exactly as quarterly_report counts them per manager."""
    months = quarter_months(year, quarter)
    people = managers_in_scope(user, team).values("pk")
    read = fetch_together(
        channels=touch_channels(people, months),
        issues=_issue_counts(CustomerIssue.objects.filter(owner__in=people, visit__log_month__in=months)),
        comments=(VisitComment.objects.filter(log__author__in=people, log__month__in=months)
                  .values("log__author").annotate(n=Count("pk")).order_by()),
    )
    total = ManagerRow(manager=None)
    for row in read["channels"]:
        total.by_channel[row["channel"]] = row["n"]
        total.visits += row["n"]
    for row in read["issues"]:
        total.issues += row["total"]
        total.on_time += row["on_time"]
        total.late += row["late"]
        total.open += row["still_open"]
    total.comments = sum(row["n"] for row in read["comments"])
    return total


def totals(rows):
    total = ManagerRow(manager=None)
    for row in rows:
        for key, n in row.by_channel.items():
            total.by_channel[key] = total.by_channel.get(key, 0) + n
        for key, n in row.by_kind.items():
            total.by_kind[key] = total.by_kind.get(key, 0) + n
        for key, n in row.by_tier.items():
            total.by_tier[key] = total.by_tier.get(key, 0) + n
        for name in ("visits", "issues", "on_time", "late", "open", "comments"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def table(rows, tiers):
    """Header and rows for CSV/XLSX: one line per manager, then the total."""
    header = ([_("Manager"), _("Team"), _("Visits")] + [str(label) for _v, label in Visit.Channel.choices]
              + [str(tier) for tier in tiers]
              + [str(label) for _v, label in Account.Kind.choices]
              + [_("Issues"), _("Handled on time"), _("Handled late"), _("Still open"), _("Supervisor comments")])
    body = []
    for row in [*rows, totals(rows)]:
        who = [str(row.manager), str(row.manager.team or "")] if row.manager else [_("Total"), ""]
        body.append(who + [row.visits] + [row.by_channel.get(v, 0) for v in Visit.Channel.values]
                    + [row.by_tier.get(tier.code, 0) for tier in tiers]
                    + [row.by_kind.get(v, 0) for v in Account.Kind.values]
                    + [row.issues, row.on_time, row.late, row.open, row.comments])
    return header, body


def issues_raised(*, user, year, quarter, team=None):
    """Each customer issue raised in the quarter (by its visit's log month, like the counts above),
    with what is needed to show its handling and timing; oldest first, for a paginated list."""
    return (CustomerIssue.objects.filter(owner__in=managers_in_scope(user, team).values("pk"),
                                         visit__log_month__in=quarter_months(year, quarter))
            .select_related("account", "owner", "visit", "department").order_by("visit__occurred_at", "pk"))


COMPARED = [
    ("visits", gettext_lazy("Visits")),
    ("issues", gettext_lazy("Issues raised")),
    ("on_time", gettext_lazy("Handled on time")),
    ("late", gettext_lazy("Handled late")),
    ("open", gettext_lazy("Still open")),
    ("comments", gettext_lazy("Supervisor comments")),
]


@dataclass(frozen=True)
class Change:
    label: str
    now: int
    before: int

    @property
    def delta(self):
        return self.now - self.before

    @property
    def percent(self):
        """The change in % of the previous quarter; None when there was nothing to compare with."""
        return round(self.delta * 100 / self.before) if self.before else None


def compare(total, previous_total):
    """This quarter's totals beside the previous quarter's, measure by measure."""
    rows = [Change(label, getattr(total, name), getattr(previous_total, name)) for name, label in COMPARED]
    for value, label in Visit.Channel.choices:
        rows.append(Change(_("Visits: %(channel)s") % {"channel": label}, total.by_channel.get(value, 0),
                           previous_total.by_channel.get(value, 0)))
    return rows


def analyses(*, user, year, quarter, team=None):
    """The teams the report covers, each with its supervisor's analysis of the quarter (or None)."""
    from reports.models import QuarterlyAnalysis
    from users.models import Team

    teams = Team.objects.visible_to(user).select_related("supervisor").order_by("name")
    if team:
        teams = teams.filter(pk=team.pk)
    written = {a.team_id: a for a in QuarterlyAnalysis.objects.filter(team__in=teams, year=year, quarter=quarter)
               .select_related("written_by")}
    return [(t, written.get(t.pk)) for t in teams]
