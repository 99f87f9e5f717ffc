"""What each person must do today (K-50): the dashboards' reads, each a fixed
number of queries whatever the size of the portfolio."""

from collections import Counter
from datetime import timedelta

from django.db.models import BooleanField, Case, Count, F, IntegerField, OuterRef, Subquery, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import metrics
from accounts.models import Account, Handover
from care.models import CareTask
from contacts.dangers import with_danger_score
from core.batch import fetch_together
from core.collation import name_order
from core.jobs import job_health
from core.models import OutboxMessage
from reports import analytics
from tiering import tally
from tiering.cadence import overdue_among
from tiering.models import AccountTier, RuleSet, Tier, TierProposal, TierTally
from users.models import User
from visits.models import CustomerIssue, GreenChannelRequest, MonthlyLog, Visit

LIMIT = 8
DEAD_SHOWN = 5


def _mine(user):
    return Account.objects.active().served_by(user)


def manager_dashboard(user):
    """Six statements whatever the portfolio: session, user, the portfolio's ids, its cadence
    (tiering.cadence), the bell, and every short list of the page in one (core.batch, issue 19)."""
    today = timezone.localdate()
    month = today.replace(day=1)
    tasks = CareTask.objects.filter(owner=user).open()
    mine = _mine(user)
    overdue_ids = overdue_among(list(mine.values_list("pk", flat=True)))
    shown = tasks.select_related("account", "contact")
    rows = fetch_together(
        # Today's first, then the overdue ones (most recent first: last week's call before last year's),
        # each list cut at LIMIT with the rest counted ("+N more" links to the care page).
        care_today=_counted(shown.filter(due_on=today).order_by("pk"))[:LIMIT],
        care_late=_counted(shown.filter(due_on__lt=today).order_by("-due_on", "pk"))[:LIMIT],
        cadence_overdue=(Account.objects.filter(pk__in=overdue_ids).select_related("tier_state__tier")
                         .order_by("tier_state__tier__rank", *name_order())[:LIMIT]),
        cadence_by_tier=(AccountTier.objects.filter(account_id__in=overdue_ids)
                         .values("tier__code").annotate(n=Count("pk")).order_by("tier__rank")),
        issues=_issues_near_deadline(CustomerIssue.objects.filter(owner=user)),
        green=_green_in_progress(GreenChannelRequest.objects.filter(requested_by=user)),
        dangers=(with_danger_score(Account.objects.filter(pk__in=mine.values("pk"))
                                   .exclude(status=Account.Status.PROSPECT))
                 .filter(danger_score__gt=0).order_by("-danger_score", "name")[:5]),
        reviews_due=(mine.filter(touches_since_review__gte=Account.PROFILE_REVIEW_EVERY)
                     .order_by("-touches_since_review")[:5]),
        logs=MonthlyLog.objects.filter(author=user, month__in=[month, _previous(month)]),
        # a visit logged ahead of its time is not held yet (accounts.metrics), as in the targets
        visits=_count_of(Visit.objects.filter(metrics.touches_counted(timezone.now()), author=user,
                                              log_month=month)),
    )
    logs = {log.month: log for log in rows["logs"]}
    care_today, care_late = rows["care_today"], rows["care_late"]
    overdue_care = _total(care_late)
    return {
        "care_today": care_today, "care_today_more": _total(care_today) - len(care_today),
        "care_late": care_late, "care_late_more": overdue_care - len(care_late),
        "care_overdue": overdue_care,
        "cadence_overdue": rows["cadence_overdue"], "cadence_overdue_more": max(len(overdue_ids) - LIMIT, 0),
        "cadence_by_tier": {row["tier__code"]: row["n"] for row in rows["cadence_by_tier"]},
        "cadence_overdue_count": len(overdue_ids),
        "issues": rows["issues"], "issues_more": _total(rows["issues"]) - len(rows["issues"]),
        "green": rows["green"][:LIMIT], "green_more": len(rows["green"]) > LIMIT,
        "dangers": rows["dangers"],
        "reviews_due": rows["reviews_due"],
        "this_month": logs.get(month), "last_month": logs.get(_previous(month)),
        # Highlighted at the top: a returned month waits for the manager (read with the two above).
        "returned_logs": [log for log in logs.values() if log.status == MonthlyLog.Status.RETURNED],
        "month": month, "previous_month": _previous(month),
        "visits_this_month": _count(rows["visits"]),
    }


def _counted(queryset):
    """Each row carries how many rows the whole queryset has (`total`), so that a list cut at LIMIT
    and its "+N more" are one read."""
    return queryset.annotate(total=Window(Count("pk")))


def _total(rows):
    return rows[0].total if rows else 0


def _count_of(queryset):
    """count() as a queryset of one row ({"total": n}, a plain aggregate: no GROUP BY), for fetch_together."""
    return (queryset.order_by().values(one=Value(1, output_field=IntegerField()))
            .annotate(total=Count("pk")).values("total"))


def _count(rows):
    return rows[0]["total"] if rows else 0


def _issues_near_deadline(issues):
    """Open issues due within 24 h, then the overdue ones (K-50): LIMIT of them, each row carrying
    how many there are (`total`). Those still answerable on time come first; an overdue one shows
    its lateness."""
    now = timezone.now()
    near = issues.open().filter(due_at__lt=now + timedelta(hours=24))
    return _counted(near.select_related("account", "owner")
                    .order_by(Case(When(due_at__lt=now, then=1), default=0), "due_at", "pk"))[:LIMIT]


def _green_in_progress(requests):
    """K-27 on the dashboard: green-channel requests not yet completed, the stage due soonest first
    (the dispatch's deadline, then the completion's), LIMIT + 1 of them (one more tells whether
    there are more)."""
    stage_due = Case(When(dispatched_at__isnull=True, then=F("dispatch_due_at")), default=F("completion_due_at"))
    return (requests.filter(completed_at__isnull=True).select_related("account", "department")
            .annotate(stage_due=stage_due).order_by(F("stage_due").asc(nulls_last=True), "pk")[:LIMIT + 1])


def _previous(month):
    return (month - timedelta(days=1)).replace(day=1)


def supervisor_dashboard(user):
    today = timezone.localdate()
    month = today.replace(day=1)
    team = User.objects.filter(team__supervisor=user, is_active=True).order_by("username")
    team_accounts = Account.objects.active().filter(owner__team__supervisor=user)
    visits = dict(Visit.objects.filter(metrics.touches_counted(timezone.now()), author__in=team, log_month=month)
                  .values("author")
                  .annotate(n=Count("pk")).values_list("author", "n"))
    owners = dict(team_accounts.values_list("pk", "owner"))
    overdue = Counter(owners[pk] for pk in overdue_among(list(owners)))
    # The month's care as the monthly evaluation counts it (accounts.metrics "due" and "on time"):
    # a task still open on its day is not counted yet.
    now = timezone.now()
    care = (CareTask.objects.filter(owner__in=team)
            .filter(_sql_condition(analytics.care_due_sql(metrics.month_of(today), now=now)))
            .aggregate(due=Count("pk"), on_time=Count("pk", filter=_sql_condition(analytics.care_on_time_sql()))))
    rows = fetch_together(  # the short lists and counts in one statement (core.batch, issue 19)
        sign_off_queue=MonthlyLog.objects.pending_for(user)[:LIMIT],
        # Near their deadline as well as overdue (K-50): the supervisor can still help in time.
        issues=_issues_near_deadline(CustomerIssue.objects.filter(owner__in=team)),
        green=_green_in_progress(GreenChannelRequest.objects.filter(account__owner__team__supervisor=user)),
        pending_proposals=_count_of(TierProposal.objects.filter(status=TierProposal.Status.PENDING,
                                                                account__owner__team__supervisor=user)),
        pending_handovers=_count_of(Handover.objects.pending_for(user)),
        dangers=(with_danger_score(team_accounts.exclude(status=Account.Status.PROSPECT).select_related("owner"))
                 .filter(danger_score__gt=0).order_by("-danger_score", "name")[:LIMIT]),
    )
    return {
        "sign_off_queue": rows["sign_off_queue"],
        "people": [(person, visits.get(person.pk, 0), overdue.get(person.pk, 0)) for person in team],
        "issues": rows["issues"], "issues_more": _total(rows["issues"]) - len(rows["issues"]),
        "green": rows["green"][:LIMIT], "green_more": len(rows["green"]) > LIMIT,
        "pending_proposals": _count(rows["pending_proposals"]),
        "pending_handovers": _count(rows["pending_handovers"]),
        "dangers": rows["dangers"],
        "care": care, "month": month,
    }


def _sql_condition(sql):
    return RawSQL(sql, [], output_field=BooleanField())


def _tally(kind, tier_id=0):
    return TierTally.objects.filter(kind=kind, tier_id=tier_id).values("accounts")


def _tallied(kind):
    """A count of the tally as _count_of gives one ({"total": n}; no row read as 0)."""
    return _tally(kind).values(total=F("accounts"))


def admin_dashboard():
    """The tiers, the rules, the jobs (core.jobs: two queries) and what the system could not send,
    each count through its own index, the rest in one statement (core.batch, issue 19)."""
    rows = fetch_together(
        # The counts from their read model (tiering.tally, kept by triggers): a few rows, not a count
        # of 100k tier rows and an anti-join of every account per request (docs/PERFORMANCE.md).
        tiers=Tier.objects.annotate(n=Coalesce(Subquery(_tally(tally.TIER, tier_id=OuterRef("pk"))), 0))
        .order_by("rank"),
        untiered=_tallied(tally.UNTIERED),
        rules=RuleSet.objects.filter(is_active=True).select_related("created_by")[:1],  # the newest version
        # What the system could not send: each through its own partial index, never the whole outbox.
        unsent=_count_of(OutboxMessage.objects.unsent()),
        dead_count=_count_of(OutboxMessage.objects.dead_letters()),
        dead=OutboxMessage.objects.dead_letters().order_by("-created_at")[:DEAD_SHOWN],
        overrides=_tallied(tally.OVERRIDE),
    )
    return {
        "tiers": rows["tiers"],
        "untiered": _count(rows["untiered"]),
        "rules": rows["rules"][0] if rows["rules"] else None,
        "jobs": job_health(),
        "outbox": {"unsent": _count(rows["unsent"]), "dead_count": _count(rows["dead_count"]),
                   "dead": rows["dead"]},
        "overrides": _count(rows["overrides"]),
    }
