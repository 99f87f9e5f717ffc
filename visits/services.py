import calendar
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InternalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.services import account_site_set, account_touch
from attachments.services import attachments_delete_of
from contacts.models import TouchScale
from core import request_cache
from core.calendars import add_working_hours
from core.idempotency import creates_once
from core.models import JobMark
from core.written import in_english
from core.written import written as written_text
from notifications import webhooks
from notifications.models import Kind
from notifications.services import notify
from notifications.webhooks import announce
from visits import permissions
from visits.models import (
    AfterSalesStep,
    CustomerIssue,
    DeadlineRule,
    FieldSettings,
    GreenChannelRequest,
    IssueUpdate,
    MonthlyLog,
    OverlapAlert,
    SignOffEvent,
    Visit,
    VisitComment,
)

LOCK_MESSAGE = "month locked"  # how the triggers of migration 0002 begin their errors
VISIT_FIELDS = ["occurred_at", "channel", "purpose", "summary", "customer_feedback", "sentiment", "next_steps",
                "follow_up_on", "location", "customer_replied"]


def month_of(moment):
    return timezone.localdate(moment).replace(day=1)


def is_locked(author_id, month):
    return MonthlyLog.objects.filter(author_id=author_id, month=month, status=MonthlyLog.Status.APPROVED).exists()


def _refuse_if_locked(author_id, month):
    if is_locked(author_id, month):
        raise ValidationError(_("%(month)s is signed off and locked. Ask your supervisor to reopen it.")
                              % {"month": month.strftime("%Y-%m")})


class _DatabaseLock:
    """Turns the trigger's refusal into the same message the services give (naming the month,
    when the caller knows which one it is about)."""

    def __init__(self, month=None):
        self.month = month

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type and issubclass(exc_type, InternalError) and LOCK_MESSAGE in str(exc):
            if self.month:
                raise ValidationError(_("%(month)s is signed off and locked. Ask your supervisor to reopen it.")
                                      % {"month": self.month.strftime("%Y-%m")}) from exc
            raise ValidationError(_("This month is signed off and locked.")) from exc
        return False


# --- Visits -------------------------------------------------------------------------------

def _own_visit(pk, *, by, **_kwargs):
    return Visit.objects.filter(author=by, pk=pk).first()


@creates_once("visits.visit", find=_own_visit)
def visit_log(*, account, by, contacts=(), issues=(), **fields):
    """K-20: log a visit or touch, with the issues the customer raised (K-22); the issues are
    part of the visit, so the visit form's one-time key (`key=`) covers them too. Text the
    system writes (a survey's follow-up) comes as `written={"purpose": written(...), …}`
    (core.written): kept as keys, with the English words in the columns."""
    visit = Visit(account=account, author=by, **_words_of_written(fields))
    visit.log_month = month_of(visit.occurred_at)
    _check_contacts(account, contacts)
    # Account and author come as rows the caller has loaded, and log_month is the first of a month
    # by construction: asking the database again whether they exist and hold is five statements
    # per visit (issue 19); its foreign keys and CHECK still guard them. A signed-off month is
    # refused by the trigger of migration 0002 at the INSERT (its refusal, named like
    # _refuse_if_locked's, instead of a query more before every visit).
    visit.full_clean(exclude=["account", "author"], validate_constraints=False)
    with _DatabaseLock(month=visit.log_month):
        visit.save()
        visit.contacts.add(*contacts)  # a new visit has none: no need to read them first (as set() does)
    if issues:  # the deadlines and the webhooks it will ask for, in one statement
        request_cache.prime(**{DEADLINES_KEY: DeadlineRule.objects.all(),
                               webhooks.CACHE_KEY: webhooks.active_webhooks()})
    for issue in issues:
        issue_add(visit=visit, by=by, **issue)
    account_touch(account_id=account.pk)
    contacts_refresh_silence([c.pk for c in contacts])
    visit.new_overlaps = _record_overlaps(visit, contacts)
    announce("visit.created", visit)
    return visit


def _check_contacts(account, contacts):
    strangers = [c for c in contacts if c.account_id != account.pk]
    if strangers:
        raise ValidationError({"contacts": _("%(names)s work at another account.")
                               % {"names": ", ".join(str(c) for c in strangers)}})


@transaction.atomic
def visit_update(*, visit, by, version, contacts=None, issues=(), **fields):
    """Only the author edits, and only an unlocked month. `version` is what the
    editor loaded: a save over someone else's newer save is refused, not merged.
    `issues` the customer raised are added with the edit (K-22), in its transaction."""
    if not permissions.can_edit_visit(by, visit):
        raise PermissionDenied(_("Only the author edits a visit."))
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    contacts_before = set(current.contacts.values_list("pk", flat=True))
    if current.version != version:
        raise ValidationError(_(
            "Someone saved this visit after you opened it (at %(time)s). Reload it to see their changes; "
            "your text is still in the form below."
        ) % {"time": timezone.localtime(current.updated_at).strftime("%H:%M:%S")})
    _refuse_if_locked(current.author_id, current.log_month)
    for name in VISIT_FIELDS:
        if name in fields:
            if fields[name] != getattr(current, name):
                visit.written.pop(name, None)  # rewritten by a person: their words now, not the system's
            setattr(visit, name, fields[name])
    visit.log_month = month_of(visit.occurred_at)
    _refuse_if_locked(visit.author_id, visit.log_month)
    visit.version = current.version + 1
    visit.full_clean()
    with _DatabaseLock():
        visit.save()
        if contacts is not None:
            _check_contacts(visit.account, contacts)
            visit.contacts.set(contacts)
    for issue in issues:
        issue_add(visit=visit, by=by, note_key="visits.issue.raised_after", **issue)
    # A contact taken off the visit may leave (or enter) a silent period too.
    contacts_refresh_silence(contacts_before | {c.pk for c in (contacts if contacts is not None
                                                                else visit.contacts.all())})
    announce("visit.updated", visit)
    return visit


@transaction.atomic
def visit_delete(*, visit, by):
    if not permissions.can_edit_visit(by, visit):
        raise PermissionDenied(_("Only the author deletes a visit."))
    _refuse_if_locked(visit.author_id, visit.log_month)
    if visit.issues.exists():
        raise ValidationError(_("This visit has customer issues; they must be followed through, so it stays."))
    contact_ids = list(visit.contacts.values_list("pk", flat=True))
    gone = {"id": visit.pk, "account": visit.account_id, "author": visit.author_id}
    with _DatabaseLock():
        attachments_delete_of(record=visit)
        visit.delete()
    contacts_refresh_silence(contact_ids)
    announce("visit.deleted", visit, data=gone)


# --- On-site check-in and check-out (issue 20) ---------------------------------------------------

@transaction.atomic
def visit_check_out(*, visit, by, checkout_latitude, checkout_longitude, checkout_accuracy_m, checkout_at):
    """The author's check-out, once, after a check-in, while the month is open."""
    if not permissions.can_edit_visit(by, visit):
        raise PermissionDenied(_("Only the author checks out of a visit."))
    if not FieldSettings.current().geo_check_in:
        raise ValidationError(_("Check-ins are turned off."))
    _refuse_if_locked(visit.author_id, visit.log_month)
    if not visit.has_check_in:
        raise ValidationError(_("This visit has no check-in to check out of."))
    if checkout_at < visit.checkin_at:
        raise ValidationError(_("The check-out's time is before the check-in's: is the phone's clock right?"))
    with _DatabaseLock():
        updated = Visit.objects.filter(pk=visit.pk, checkout_at__isnull=True).update(
            checkout_latitude=checkout_latitude, checkout_longitude=checkout_longitude,
            checkout_accuracy_m=checkout_accuracy_m, checkout_at=checkout_at)
    if not updated:
        raise ValidationError(_("You checked out of this visit already."))
    visit.checkout_latitude, visit.checkout_longitude = checkout_latitude, checkout_longitude
    visit.checkout_accuracy_m, visit.checkout_at = checkout_accuracy_m, checkout_at
    return visit


def visit_site_from_check_in(*, visit, by):
    """The account had no site yet: its first check-in, confirmed by who made it, becomes the site."""
    if not permissions.can_set_site_from_check_in(by, visit):
        raise PermissionDenied(_("Only the visit's author confirms its check-in as the site."))
    return account_site_set(account=visit.account, by=by, latitude=visit.checkin_latitude,
                            longitude=visit.checkin_longitude, source=Account.SiteSource.CHECK_IN)


@transaction.atomic
def field_settings_save(*, by, geo_check_in):
    if not permissions.can_manage_field_settings(by):
        raise PermissionDenied(_("Only an admin changes the field-work settings."))
    FieldSettings.objects.update_or_create(pk=1, defaults={"geo_check_in": geo_check_in, "updated_by": by})


def recent_touches_by_others(*, contacts, by, now=None):
    """K-24 before saving: the latest touch of each of these contacts by another manager within the
    overlap window, newest first (one query; the visit form warns as soon as a contact is ticked)."""
    now = now or timezone.now()
    window = timedelta(days=settings.VISITS_OVERLAP_DAYS)
    rows = (Visit.contacts.through.objects
            .filter(contact__in=contacts, visit__occurred_at__range=(now - window, now + window))
            .exclude(visit__author=by)
            .select_related("contact", "visit__author")
            .order_by("contact_id", "visit__author_id", "-visit__occurred_at")
            .distinct("contact_id", "visit__author_id"))
    return sorted(rows, key=lambda row: row.visit.occurred_at, reverse=True)


# --- Silent period (K-25) and overlaps (K-24) ---------------------------------------------------

SILENCE_CTES = """
touches AS (
    SELECT vc.contact_id, v.occurred_at,
           -- a meeting in person, by video or at an event is an answer in itself
           CASE WHEN v.channel IN %(outbound)s THEN v.customer_replied ELSE TRUE END AS replied,
           row_number() OVER (PARTITION BY vc.contact_id ORDER BY v.occurred_at DESC, v.id DESC) AS n
    FROM visits_visit_contacts vc JOIN visits_visit v ON v.id = vc.visit_id
    WHERE vc.contact_id = ANY(%(ids)s)
      AND (v.channel NOT IN %(outbound)s OR v.customer_replied IS NOT NULL)
), last_two AS (
    SELECT contact_id, max(occurred_at) AS latest, count(*) AS touches, bool_or(replied) AS any_reply
    FROM touches WHERE n <= 2 GROUP BY contact_id
), silence AS (
    SELECT ids.id, CASE WHEN l.touches = 2 AND NOT l.any_reply THEN l.latest END AS silent_since
    FROM unnest(%(ids)s::bigint[]) AS ids(id) LEFT JOIN last_two l ON l.contact_id = ids.id
)"""


def contacts_refresh_silence(contact_ids):
    """Recompute the silent period and the degree of contact (K-25, K-13) of these contacts: one
    statement for both (it was two per visit logged), writing only the rows that change."""
    if not contact_ids:
        return
    sql = f"""
WITH {SILENCE_CTES}, {touch_level_ctes("c.id = ANY(%(ids)s)")}
UPDATE contacts_contact c
SET silent_since = s.silent_since, last_touched_at = l.last_at, recent_touches = l.recent, touch_level = l.level
FROM silence s JOIN levels l ON l.id = s.id
WHERE c.id = s.id
  AND (c.silent_since, c.last_touched_at, c.recent_touches, c.touch_level)
      IS DISTINCT FROM (s.silent_since, l.last_at, l.recent, l.level)
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, _touch_params(contact_ids=contact_ids))


# --- Degree of contact from the touches logged (K-13, contacts.models.TouchScale) ------------------

def touch_level_ctes(scope):
    """CTEs `t` and `levels` for the contacts in `scope` (an SQL condition on the contact `c`):
    each one's last touch, touches in the window and computed level."""
    level = TouchScale.level_sql("coalesce(t.last_at, '-infinity')", "coalesce(t.recent, 0)", "%(now)s")
    return f"""t AS (
    SELECT vc.contact_id, max(v.occurred_at) AS last_at,
           count(*) FILTER (WHERE v.occurred_at > %(now)s - %(window)s * interval '1 day') AS recent
    FROM visits_visit_contacts vc JOIN visits_visit v ON v.id = vc.visit_id
    JOIN contacts_contact c ON c.id = vc.contact_id
    WHERE {scope} AND v.occurred_at <= %(now)s
      -- an unanswered call, e-mail or message is no contact with the person
      AND NOT (v.channel IN %(outbound)s AND v.customer_replied IS FALSE)
    GROUP BY vc.contact_id
), levels AS (
    SELECT c.id, t.last_at, coalesce(t.recent, 0) AS recent, {level} AS level
    FROM contacts_contact c LEFT JOIN t ON t.contact_id = c.id
    WHERE {scope}
)"""


def touch_levels_sql(scope):
    """UPDATE of contacts_contact in `scope`: written only where the last touch, the touches in
    the window or the level change."""
    return f"""
WITH {touch_level_ctes(scope)}
UPDATE contacts_contact c SET last_touched_at = l.last_at, recent_touches = l.recent, touch_level = l.level
FROM levels l
WHERE c.id = l.id
  AND (c.last_touched_at, c.recent_touches, c.touch_level) IS DISTINCT FROM (l.last_at, l.recent, l.level)
"""


def _touch_params(*, contact_ids=None, now=None, **extra):
    return {"now": now or timezone.now(), "window": TouchScale.WINDOW_DAYS, "outbound": tuple(Visit.OUTBOUND),
            "ids": list(contact_ids or []), **extra}


# The contacts whose level, last touch or touch count can have changed between %(since)s and
# %(now)s with nothing written meanwhile (writes refresh their contacts at once): a last touch that
# crossed a step of TouchScale, a touch that left the window or came due (dated ahead), and the
# ones never computed. Each branch is a range over an index (contact_last_touched_idx,
# visit_time_idx, contact_level_unknown_idx).
CHANGED_SINCE = """
SELECT id FROM contacts_contact WHERE touch_level IS NULL AND archived_at IS NULL
{crossings}
UNION
SELECT vc.contact_id FROM visits_visit v JOIN visits_visit_contacts vc ON vc.visit_id = v.id
WHERE (v.occurred_at > %(since)s - %(window)s * interval '1 day'
       AND v.occurred_at <= %(now)s - %(window)s * interval '1 day')
   OR (v.occurred_at > %(since)s AND v.occurred_at <= %(now)s)
"""
CROSSING = """UNION SELECT id FROM contacts_contact
    WHERE last_touched_at > %(since)s - interval '{days} days'
      AND last_touched_at <= %(now)s - interval '{days} days'"""


def contacts_changed_since(since, now):
    """The contacts whose level, last touch or touch count can have changed between `since` and
    `now` with nothing written meanwhile (a write refreshes its contacts at once): a last touch
    that crossed a step of TouchScale, a touch that left the window or came due (dated ahead),
    and the ones never computed. Each branch is a range over an index (contact_last_touched_idx,
    visit_time_idx, contact_level_unknown_idx). Its own statement: folded into the UPDATE as a
    CTE, the planner guessed millions of rows and hashed every contact (32 s instead of 1 s a
    day's worth at 1M contacts)."""
    crossings = "\n".join(CROSSING.format(days=days) for _level, days, _count in TouchScale.STEPS)
    with connection.cursor() as cursor:
        cursor.execute(CHANGED_SINCE.format(crossings=crossings), _touch_params(now=now, since=since))
        return [row[0] for row in cursor.fetchall()]


def contacts_refresh_touch_levels(*, contact_ids=None, now=None):
    """K-13: recompute the degree of contact of these contacts (every contact on file when None:
    the nightly job's first run, as levels fall with time). One statement; returns the contacts
    changed."""
    scope = "c.archived_at IS NULL" if contact_ids is None else "c.id = ANY(%(ids)s)"
    with connection.cursor() as cursor:
        cursor.execute(touch_levels_sql(scope), _touch_params(contact_ids=contact_ids, now=now))
        return cursor.rowcount


TOUCH_SWEEP = "visits.contact_touch_levels"
FULL_SWEEP_AFTER = timedelta(days=7)  # a mark older than this (a stopped beat) starts over from everything


@transaction.atomic
def contact_touch_levels_sweep(*, now=None):
    """The nightly K-13 job: levels fall as time passes. It looks only at the contacts that can have
    changed since its last run (core.JobMark); the first run, or one after a week without, looks
    at all. An immediate re-run looks at almost nothing and writes nothing."""
    now = now or timezone.now()
    mark = JobMark.objects.select_for_update().filter(name=TOUCH_SWEEP).first()
    since = mark.at if mark and timedelta(0) <= now - mark.at <= FULL_SWEEP_AFTER else None
    if since is None:
        changed = contacts_refresh_touch_levels(now=now)
    else:
        ids = contacts_changed_since(since, now)
        changed = contacts_refresh_touch_levels(contact_ids=ids, now=now) if ids else 0
    JobMark.objects.bulk_create([JobMark(name=TOUCH_SWEEP, at=now)], update_conflicts=True,
                                unique_fields=["name"], update_fields=["at"])
    return changed


OVERLAP_LOCK = 24  # pg_advisory_xact_lock's first key: the overlaps of one pair and contact (K-24)


def _record_overlaps(visit, contacts):
    """K-24: one alert per pair of managers and contact within the window (the other visit is the
    colleague's nearest one), not one per earlier visit: four visits of a colleague are one warning.
    A sliding window is no unique key, so the pairs are locked (transaction advisory locks, in a fixed
    order) before "was this pair told lately?" is asked; the unique keys hold per visit."""
    if not contacts:
        return []
    window = timedelta(days=settings.VISITS_OVERLAP_DAYS)
    span = (visit.occurred_at - window, visit.occurred_at + window)
    others = (
        Visit.contacts.through.objects
        .filter(contact__in=contacts, visit__occurred_at__range=span)
        .exclude(visit__author=visit.author_id)
        .values_list("contact_id", "visit__author_id", "visit_id", "visit__occurred_at")
    )
    nearest = {}
    for contact_id, author_id, other_id, occurred_at in others:
        key = (contact_id, *sorted((author_id, visit.author_id)))
        distance = abs(occurred_at - visit.occurred_at)
        if key not in nearest or distance < nearest[key][0]:
            nearest[key] = (distance, other_id)
    if not nearest:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(k)) FROM unnest(%s::text[]) k ORDER BY k",
                       [OVERLAP_LOCK, sorted(":".join(map(str, key)) for key in nearest)])
    told = set(OverlapAlert.objects.filter(contact_id__in={key[0] for key in nearest},
                                           visit__occurred_at__range=span)
               .values_list("contact_id", "manager_low_id", "manager_high_id"))
    alerts = [OverlapAlert(visit=visit, other_visit_id=other_id, contact_id=key[0], manager_low_id=key[1],
                           manager_high_id=key[2])
              for key, (_distance, other_id) in sorted(nearest.items()) if key not in told]
    if not alerts:
        return []
    OverlapAlert.objects.bulk_create(alerts, ignore_conflicts=True)
    # Read now what the page's warning names: after the commit a failing database would turn
    # the answer for a saved visit into an error (one query here instead of three per alert).
    # (bulk_create with ignore_conflicts sets no ids: read the visit's alerts back.)
    created = list(OverlapAlert.objects.filter(visit=visit)
                   .select_related("contact", "visit__author", "other_visit__author"))
    for alert in created:
        _tell_overlap(alert)
    return created


def _tell_overlap(alert):
    """K-24: both managers are told. The other one by their channels (e-mail by default; its outbox
    row is written with the alert, so the outbox sweep sends it if the broker was down at commit);
    the one logging only in the app: the page they are on already warns them."""
    key = f"overlap:{alert.visit_id}:{alert.other_visit_id}:{alert.contact_id}"
    params = {"colleague": alert.visit.author, "contact": alert.contact,
              "date": timezone.localdate(alert.visit.occurred_at).isoformat(),
              "yours": timezone.localdate(alert.other_visit.occurred_at).isoformat()}
    link = reverse("visits:detail", args=[alert.visit_id])
    notify(recipients=[alert.other_visit.author], kind=Kind.OVERLAP, key="overlap.other", dedupe_key=key,
           params=params, link=link)
    notify(recipients=[alert.visit.author], kind=Kind.OVERLAP, key="overlap.mine", dedupe_key=key,
           params={**params, "colleague": alert.other_visit.author, "date": params["yours"],
                   "yours": params["date"]},
           link=reverse("visits:detail", args=[alert.other_visit_id]), in_app_only=True)


# --- Customer issues (K-22) --------------------------------------------------------------------

def _raised_on(pk, *, visit, **_kwargs):
    return visit if visit.pk == pk else None


@creates_once("visits.issue_raise", find=_raised_on)
def visit_issues_raise(*, visit, by, issues):
    """K-22: issues the customer raised, added to a saved visit by its author while the month is
    open (a signed-off month's visits are locked). The form's one-time key covers them all."""
    if not permissions.can_edit_visit(by, visit):
        raise PermissionDenied(_("Only the author raises issues on a visit."))
    if not issues:
        raise ValidationError(_("Describe at least one issue."))
    _refuse_if_locked(visit.author_id, visit.log_month)
    for issue in issues:
        issue_add(visit=visit, by=by, note_key="visits.issue.raised_after", **issue)
    return visit


def issue_add(*, visit, by, kind, description="", department=None, written=None,
              note_key="visits.issue.logged"):
    """K-22: an issue the customer raised, owned by the visitor, due by its kind's deadline
    (DeadlineRule); with a `department` it is routed there at once (X-02)."""
    now = timezone.now()
    words = _words_of_written({"description": description, "written": written or {}})
    issue = CustomerIssue(visit=visit, account_id=visit.account_id, kind=kind, owner_id=visit.author_id,
                          due_at=deadline_after(kind, now), **words)
    # Visit, account and owner are the visit's own rows, the department one read by the caller, and a
    # new issue is open: the database's keys and CHECKs hold them without more statements per issue
    # logged (issue 19).
    issue.full_clean(exclude=["visit", "account", "owner", "department"], validate_constraints=False)
    with _DatabaseLock():
        issue.save()
    logged = written_text(note_key)
    IssueUpdate.objects.create(issue=issue, by=by, status=issue.status, event=IssueUpdate.Event.LOGGED,
                               note=in_english(logged), written={"note": logged})
    announce("issue.created", issue)
    if department is not None:
        _route(issue, by, department, now)
    return issue


# --- Deadlines (K-22, K-27, X-02) ----------------------------------------------------------------

DEADLINES_KEY = "visits.deadline_rules"  # the five rules, read once per request (core.request_cache)


def deadline_after(subject, start):
    """When work of `subject` (an issue kind, or a green-channel stage) started at `start` is due:
    the admins' DeadlineRule, else the settings' default hours, on working time if the rule says
    so (weekends and holidays stop the clock, China's make-up workdays run it: core.calendars)."""
    rule = next((r for r in request_cache.cached(DEADLINES_KEY, DeadlineRule.objects.all()) if r.subject == subject),
                None)
    hours = rule.hours if rule else settings.VISITS_ISSUE_DUE_HOURS[subject]
    if rule and rule.working_time:
        return add_working_hours(start, hours, country=settings.VISITS_WORKING_CALENDAR)
    return start + timedelta(hours=hours)


@transaction.atomic
def deadline_rules_save(*, by, rules):
    """Admins set each deadline: `rules` is {subject: (hours, working_time)}."""
    if not permissions.can_configure_deadlines(by):
        raise PermissionDenied(_("Only admins set the deadlines."))
    for subject, (hours, working_time) in rules.items():
        rule = DeadlineRule.objects.filter(subject=subject).first() or DeadlineRule(subject=subject)
        rule.hours, rule.working_time = hours, working_time
        rule.full_clean()
        rule.save()


def deadline_rules(subjects=None):
    """Every subject's rule as shown to admins: saved ones, and the defaults for the others."""
    saved = {rule.subject: rule for rule in DeadlineRule.objects.all()}
    return [saved.get(subject) or DeadlineRule(subject=subject, hours=settings.VISITS_ISSUE_DUE_HOURS[subject])
            for subject in subjects or DeadlineRule.Subject.values]


# --- Routed issues: the department's queue (K-22, X-02) -----------------------------------------

def _step(issue, by, event, note="", **extra):
    return IssueUpdate.objects.create(issue=issue, by=by, status=issue.status, event=event, note=note, **extra)


def _route(issue, by, department, now):
    issue.department, issue.routed_at = department, now
    issue.save(update_fields=["department", "routed_at"])
    _routed_news(issue, by, department)


def _routed_news(issue, by, department):
    """The step on the trail, and the department's staff told that it landed in their queue."""
    step = _step(issue, by, IssueUpdate.Event.ROUTED, department=department)
    notify(recipients=list(department.members.filter(is_active=True)), kind=Kind.ISSUE_ROUTED,
           key="issue.routed", dedupe_key=f"issue:{issue.pk}:routed:{step.pk}",
           params={"account": issue.account.name, "by": by,
                   "detail": issue.written.get("description") or issue.description},
           link=_issue_link(issue))


@transaction.atomic
def issue_route(*, issue, by, department):
    """The visitor sends an issue to the department that resolves it, or to another one while
    nobody there has accepted it yet. Its deadline stays: the customer's clock does not restart."""
    if not permissions.can_route_issue(by, issue):
        raise PermissionDenied(_("Only the issue's owner or their supervisor routes it."))
    if not department.active:
        raise ValidationError({"department": _("%(department)s takes no new work.") % {"department": department}})
    moved = CustomerIssue.objects.filter(pk=issue.pk, assignee__isnull=True, status=CustomerIssue.Status.OPEN)
    if not moved.exclude(department=department).update(department=department, routed_at=timezone.now()):
        raise ValidationError(_("This issue is already accepted in its department, or routed there."))
    issue.refresh_from_db()
    _routed_news(issue, by, department)
    return issue


@transaction.atomic
def issue_accept(*, issue, by):
    """One owner in the department: the first to accept takes it (claim-then-act)."""
    if not permissions.can_work_issue(by, issue):
        raise PermissionDenied(_("Only the department's staff accept its issues."))
    now = timezone.now()
    taken = CustomerIssue.objects.filter(pk=issue.pk, department=by.department_id, assignee__isnull=True,
                                         status=CustomerIssue.Status.OPEN)
    if not taken.update(assignee=by, accepted_at=now, status=CustomerIssue.Status.IN_PROGRESS):
        raise ValidationError(_("Someone in the department has already accepted this issue."))
    issue.refresh_from_db()
    _step(issue, by, IssueUpdate.Event.ACCEPTED)
    notify(recipients=[issue.owner], kind=Kind.ISSUE_PROGRESS, key="issue.accepted",
           dedupe_key=f"issue:{issue.pk}:accepted", params={"account": issue.account.name, "by": by},
           link=_issue_link(issue), in_app_only=True)
    return issue


@transaction.atomic
def issue_reply(*, issue, by, note):
    """The department's owner writes to the account manager (a question, an interim answer)."""
    if not permissions.can_act_as_assignee(by, issue):
        raise PermissionDenied(_("Only the person who accepted the issue replies on it."))
    if not note.strip():
        raise ValidationError({"note": _("Write the reply to the account manager.")})
    if issue.status != CustomerIssue.Status.IN_PROGRESS:
        raise ValidationError(_("Replies are written while the issue is being worked on."))
    update = _step(issue, by, IssueUpdate.Event.REPLY, note=note.strip())
    notify(recipients=[issue.owner], kind=Kind.ISSUE_PROGRESS, key="issue.reply",
           dedupe_key=f"issue:{issue.pk}:reply:{update.pk}",
           params={"account": issue.account.name, "by": by, "detail": note.strip()}, link=_issue_link(issue))
    return update


@transaction.atomic
def issue_resolve(*, issue, by, resolution):
    """The department's owner resolves it; the account manager then tells the customer (K-22)."""
    if not permissions.can_act_as_assignee(by, issue):
        raise PermissionDenied(_("Only the person who accepted the issue resolves it."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the issue was resolved.")})
    done = CustomerIssue.objects.filter(pk=issue.pk, assignee=by, status=CustomerIssue.Status.IN_PROGRESS)
    if not done.update(status=CustomerIssue.Status.RESOLVED, resolution=resolution.strip(), resolved_by=by,
                       resolved_at=timezone.now()):
        raise ValidationError(_("Only an issue being worked on can be resolved."))
    issue.refresh_from_db()
    _step(issue, by, IssueUpdate.Event.RESOLVED, note=issue.resolution)
    notify(recipients=[issue.owner], kind=Kind.ISSUE_PROGRESS, key="issue.resolved",
           dedupe_key=f"issue:{issue.pk}:resolved", params={"account": issue.account.name, "by": by,
                                                            "detail": issue.resolution},
           link=_issue_link(issue))
    return issue


@transaction.atomic
def issue_inform(*, issue, by, note=""):
    """K-22: the visitor reported the result back to the customer."""
    if not permissions.can_follow_up_issue(by, issue):
        raise PermissionDenied(_("Only the issue's owner or their supervisor tells the customer."))
    told = CustomerIssue.objects.filter(pk=issue.pk, status=CustomerIssue.Status.RESOLVED)
    if not told.update(status=CustomerIssue.Status.INFORMED, informed_by=by, informed_at=timezone.now()):
        raise ValidationError(_("The customer is told once the issue is resolved."))
    issue.refresh_from_db()
    _step(issue, by, IssueUpdate.Event.INFORMED, note=note.strip())
    return issue


def _words_of_written(fields):
    """The English words of each written entry into its column (search, exports of old readers);
    the entries themselves stay in `written`, for the reader's language."""
    fields = dict(fields)
    for name, entry in (fields.get("written") or {}).items():
        if not fields.get(name):
            fields[name] = in_english(entry)[:{"purpose": 200}.get(name)]  # their max_length
    return fields


STATUS_ORDER = list(CustomerIssue.Status.values)


def _same_issue(pk, *, issue, **_kwargs):
    return issue if issue.pk == pk else None


@creates_once("visits.issue_follow_up", find=_same_issue)
def issue_follow_up(*, issue, by, status, note="", resolution=""):
    """Move an issue the visitor handles themselves forward. Allowed after sign-off: it changes
    only the follow-up. A routed issue is worked in its department's queue (issue_accept …)."""
    if not permissions.can_follow_up_issue(by, issue):
        raise PermissionDenied(_("Only the issue's owner or their supervisor follows it up."))
    if issue.department_id and status != CustomerIssue.Status.INFORMED:
        raise ValidationError({"status": _("This issue is routed to %(department)s: they accept and resolve it.")
                               % {"department": issue.department}})
    if STATUS_ORDER.index(status) < STATUS_ORDER.index(issue.status):
        raise ValidationError({"status": _("An issue moves forward only: it is already %(status)s.")
                               % {"status": issue.get_status_display()}})
    now = timezone.now()
    if status in (CustomerIssue.Status.RESOLVED, CustomerIssue.Status.INFORMED):
        if not (resolution or issue.resolution):
            raise ValidationError({"resolution": _("Say how the issue was resolved.")})
        issue.resolved_at = issue.resolved_at or now
    if status == CustomerIssue.Status.INFORMED:
        issue.informed_at = issue.informed_at or now  # the first time they were told is what counts
    issue.status = status
    issue.resolution = resolution or issue.resolution
    if status == CustomerIssue.Status.INFORMED:
        issue.informed_by = issue.informed_by or by
    issue.save(update_fields=["status", "resolution", "resolved_at", "informed_at", "informed_by"])
    event = {CustomerIssue.Status.RESOLVED: IssueUpdate.Event.RESOLVED,
             CustomerIssue.Status.INFORMED: IssueUpdate.Event.INFORMED}.get(status, IssueUpdate.Event.UPDATED)
    IssueUpdate.objects.create(issue=issue, by=by, status=status, event=event, note=note)
    announce("issue.updated", issue)
    return issue


# --- Monthly sign-off (K-21) -------------------------------------------------------------------

def submission_deadline(month):
    last_day = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    return last_day + timedelta(days=settings.VISITS_SIGNOFF_GRACE_DAYS)


def _event(log, kind, by, reason=""):
    # The database pairs every status move with exactly one event (migration 0006): a move whose
    # event is missing fails at commit, an event without its move fails here.
    event = SignOffEvent.objects.create(log=log, kind=kind, by=by, reason=reason)
    _tell(log, event)
    return event


# Who hears of each sign-off step: the supervisor of a submitted log, the manager of a decided one.
SIGN_OFF_NEWS = {
    SignOffEvent.Kind.SUBMITTED: (Kind.LOG_SUBMITTED, "log.submitted"),
    SignOffEvent.Kind.RETURNED: (Kind.LOG_RETURNED, "log.returned"),
    SignOffEvent.Kind.APPROVED: (Kind.LOG_APPROVED, "log.approved"),
}


def _tell(log, event):
    if event.kind not in SIGN_OFF_NEWS:
        return
    kind, key = SIGN_OFF_NEWS[event.kind]
    if event.kind == SignOffEvent.Kind.SUBMITTED:
        team = log.author.team
        recipients = [team.supervisor] if team and team.supervisor_id else []
    else:
        recipients = [log.author]
    notify(recipients=recipients, kind=kind, key=key, dedupe_key=f"signoff:{event.pk}",
           params={"by": event.by, "author": log.author, "month": log.month.strftime("%Y-%m"),
                   "detail": event.reason},
           link=reverse("visits:sign-off-review", args=[log.pk]))


@transaction.atomic
def monthly_log_submit(*, author, month, by):
    if by.pk != author.pk:
        raise PermissionDenied(_("Managers submit their own log."))
    today = timezone.localdate()
    if month > today.replace(day=1):
        raise ValidationError(_("A month can be submitted once it has begun, not before."))
    log, _created = MonthlyLog.objects.select_for_update().get_or_create(author=author, month=month)
    if log.status not in (MonthlyLog.Status.OPEN, MonthlyLog.Status.RETURNED):
        raise ValidationError(_("This month is already %(status)s.") % {"status": log.get_status_display()})
    log.status = MonthlyLog.Status.SUBMITTED
    log.submitted_at = timezone.now()
    log.is_late = today > submission_deadline(month)
    log.save()
    _event(log, SignOffEvent.Kind.SUBMITTED, by)
    return log


def _decide(log, by, expected, new_status, **fields):
    """One UPDATE per move: once approved, the log's row is frozen by the database (migration 0006),
    so what the decision writes (the overall comment) goes with the status change."""
    if not permissions.can_sign_off(by, log.author):
        raise PermissionDenied(_("Only the manager's supervisor signs off this log."))
    changed = MonthlyLog.objects.filter(pk=log.pk, status=expected).update(
        status=new_status, decided_by=by, decided_at=timezone.now(), **fields)
    if not changed:
        raise ValidationError(_("This log is no longer %(status)s; reload the page.")
                              % {"status": MonthlyLog.Status(expected).label})
    log.refresh_from_db()


@transaction.atomic
def monthly_log_comment(*, log, visit, by, text):
    if not permissions.can_sign_off(by, log.author):
        raise PermissionDenied(_("Only the manager's supervisor comments during sign-off."))
    if visit.author_id != log.author_id or visit.log_month != log.month:
        raise ValidationError(_("That visit is not part of this log."))
    if log.status != MonthlyLog.Status.SUBMITTED:
        raise ValidationError(_("Comments are written while the log waits for sign-off."))
    comment, _created = VisitComment.objects.update_or_create(log=log, visit=visit,
                                                              defaults={"by": by, "text": text})
    return comment


@transaction.atomic
def monthly_log_approve(*, log, by, overall_comment=""):
    _decide(log, by, MonthlyLog.Status.SUBMITTED, MonthlyLog.Status.APPROVED, overall_comment=overall_comment)
    _event(log, SignOffEvent.Kind.APPROVED, by, overall_comment)
    return log


@transaction.atomic
def monthly_log_return(*, log, by, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Say what needs fixing before it comes back.")})
    _decide(log, by, MonthlyLog.Status.SUBMITTED, MonthlyLog.Status.RETURNED)
    _event(log, SignOffEvent.Kind.RETURNED, by, reason)
    return log


@transaction.atomic
def monthly_log_reopen(*, log, by, reason):
    """Unlock a signed-off month; the reason stays on the log's trail."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the month is reopened; the reason is kept.")})
    _decide(log, by, MonthlyLog.Status.APPROVED, MonthlyLog.Status.OPEN)
    _event(log, SignOffEvent.Kind.REOPENED, by, reason)
    return log


# --- Green channel (K-27) ----------------------------------------------------------------------

@transaction.atomic
def green_request_create(*, account, by, title, description=""):
    if not account.is_key_account:
        raise ValidationError(_("The green channel serves key accounts; %(account)s is a %(kind)s.")
                              % {"account": account, "kind": account.get_kind_display()})
    request = GreenChannelRequest(account=account, requested_by=by, title=title, description=description,
                                  dispatch_due_at=deadline_after(DeadlineRule.Subject.GREEN_DISPATCH, timezone.now()))
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def green_request_dispatch(*, request, by, department):
    """K-27: the account team dispatches the request to a department (X-02); its completion is
    due by the completion deadline from now."""
    if not department.active:
        raise ValidationError({"department": _("%(department)s takes no new work.") % {"department": department}})
    now = timezone.now()
    # Claim-then-act: only an undispatched request moves, so two clicks dispatch once.
    moved = GreenChannelRequest.objects.filter(pk=request.pk, dispatched_at__isnull=True).update(
        department=department, dispatched_by=by, dispatched_at=now,
        completion_due_at=deadline_after(DeadlineRule.Subject.GREEN_COMPLETION, now))
    if not moved:
        raise ValidationError(_("This request was already dispatched."))
    request.refresh_from_db()
    notify(recipients=list(department.members.filter(is_active=True)), kind=Kind.ISSUE_ROUTED,
           key="green.dispatched", dedupe_key=f"green:{request.pk}:dispatched",
           params={"account": request.account.name, "by": by, "title": request.title},
           link=reverse("departments:queue", args=[department.pk]))
    return request


@transaction.atomic
def green_request_complete(*, request, by, note):
    """The department's member reports the work done (竣工单)."""
    if not permissions.can_complete_green(by, request):
        raise PermissionDenied(_("Only the staff of the department it was dispatched to complete a request."))
    if not note.strip():
        raise ValidationError(_("Write what was done: the completion report goes to the account team."))
    moved = GreenChannelRequest.objects.filter(
        pk=request.pk, dispatched_at__isnull=False, completed_at__isnull=True,
    ).update(completed_by=by, completed_at=timezone.now(), completion_note=note)
    if not moved:
        raise ValidationError(_("Only a dispatched, unfinished request can be completed."))
    request.refresh_from_db()
    notify(recipients=[request.requested_by], kind=Kind.ISSUE_PROGRESS, key="green.completed",
           dedupe_key=f"green:{request.pk}:completed",
           params={"account": request.account.name, "by": by, "title": request.title, "detail": note},
           link=reverse("visits:green"))
    return request


# --- After-sales follow-ups (K-26) -----------------------------------------------------------------

# Each step falls due at the end of the working day its window closes on, counted from the signing
# date (what the customer signed, not when the row was typed in): a letter the next day, guidance
# on the third day, a value review on the signing day of each month the contract runs. A step whose
# due time has passed when the job first sees it is history (an imported or late-entered order),
# not work: it is never made. Orders dated in the future wait for their date.
AFTER_SALES_SQL = """
WITH recent AS (
    -- served by order_signed_idx; the window is the longest step's (3 days)
    SELECT id, account_id, signed_on FROM accounts_order
    WHERE signed_on BETWEEN %(since)s AND %(today)s
), running AS (
    -- contracts still running this month, and their review day (the signing day, or the month's end)
    SELECT id, account_id,
           make_date(%(year)s, %(month)s, least(extract(day FROM signed_on)::int, %(last_day)s)) AS review_on
    FROM accounts_order
    WHERE contract_months IS NOT NULL
      AND signed_on < %(month_start)s
      AND signed_on + make_interval(months => contract_months) > %(month_start)s
), steps AS (
    SELECT id, account_id, 'start_letter' AS kind,
           ((signed_on + 1) + %(end_of_day)s::time) AT TIME ZONE %(tz)s AS due_at
    FROM recent
    UNION ALL
    SELECT id, account_id, 'usage_guidance', ((signed_on + 3) + %(end_of_day)s::time) AT TIME ZONE %(tz)s FROM recent
    UNION ALL
    SELECT id, account_id, 'value_review', (review_on + %(end_of_day)s::time) AT TIME ZONE %(tz)s FROM running
)
INSERT INTO visits_aftersalesstep (order_id, account_id, kind, due_at)
SELECT id, account_id, kind, due_at FROM steps WHERE due_at >= %(now)s
ON CONFLICT (order_id, kind, due_at) DO NOTHING
"""
AFTER_SALES_END_OF_DAY = "18:00"


def after_sales_schedule(*, today=None):
    """Make the follow-ups due for recent orders and running contracts, in one
    INSERT … SELECT. Safe to run any number of times; returns the rows made."""
    now = timezone.now()
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(AFTER_SALES_SQL, {
            "since": today - timedelta(days=3), "today": today, "now": now, "year": today.year,
            "month": today.month, "last_day": calendar.monthrange(today.year, today.month)[1],
            "month_start": month_start, "tz": settings.TIME_ZONE, "end_of_day": AFTER_SALES_END_OF_DAY,
        })
        return cursor.rowcount


def after_sales_done(*, step, by):
    AfterSalesStep.objects.filter(pk=step.pk, done_at__isnull=True).update(done_at=timezone.now(), done_by=by)


# --- Deadlines told and escalated (K-22, K-27, X-02) ---------------------------------------------

ISSUE_DUE_WARNING = timedelta(hours=4)

CLAIM_REMINDERS_SQL = """
UPDATE visits_customerissue SET reminded_at = %(now)s
WHERE reminded_at IS NULL AND status IN ('open', 'in_progress', 'resolved')
  AND due_at >= %(now)s AND due_at < %(soon)s
RETURNING id
"""
# Only issues that became overdue lately: an old one was escalated when it did (or before this job).
CLAIM_ESCALATIONS_SQL = """
UPDATE visits_customerissue SET escalated_at = %(now)s
WHERE escalated_at IS NULL AND status IN ('open', 'in_progress', 'resolved')
  AND due_at < %(now)s AND due_at >= %(now)s - interval '7 days'
RETURNING id
"""


def _claim(sql, now):
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "soon": now + ISSUE_DUE_WARNING})
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def issue_deadlines_notify(*, now=None):
    """Near its deadline an open issue reminds its owner: the department member who accepted it,
    the department's head while nobody has, the visitor for an issue they handle themselves or
    must still report back. Past it, the department's head and the account's supervisor are told
    (K-22, X-02). One UPDATE claims every issue that needs telling (claim-then-act, in the same
    transaction as the notices), and each notice has its dedupe key: told once however often the
    job runs, and two jobs running at once tell nobody twice."""
    now = now or timezone.now()
    issues = CustomerIssue.objects.select_related("account__owner__team__supervisor", "owner__team__supervisor",
                                                  "assignee", "department__head")
    told = 0
    for issue in issues.filter(pk__in=_claim(CLAIM_REMINDERS_SQL, now)):
        told += len(notify(recipients=[_issue_owner_now(issue)], kind=Kind.ISSUE_DUE, key="issue.due",
                           dedupe_key=f"issue:{issue.pk}:due", link=_issue_link(issue),
                           params={"account": issue.account.name,
                                   "due": timezone.localtime(issue.due_at).strftime("%Y-%m-%d %H:%M"),
                                   "detail": issue.written.get("description") or issue.description}))
    for issue in issues.filter(pk__in=_claim(CLAIM_ESCALATIONS_SQL, now)):
        head = issue.department.head if issue.department_id and issue.status != CustomerIssue.Status.RESOLVED else None
        told += len(notify(recipients=_distinct([head, _account_supervisor(issue.account, issue.owner)]),
                           kind=Kind.ISSUE_OVERDUE, key="issue.overdue", dedupe_key=f"issue:{issue.pk}:overdue",
                           params={"account": issue.account.name, "owner": _issue_owner_now(issue),
                                   "detail": issue.written.get("description") or issue.description},
                           link=_issue_link(issue)))
    return told + green_deadlines_notify(now=now)


def _issue_owner_now(issue):
    """Who holds the issue now: the visitor once it is resolved (they tell the customer) or when it
    is not routed; else whoever accepted it in the department, or its head until someone does."""
    if not issue.department_id or issue.status == CustomerIssue.Status.RESOLVED:
        return issue.owner
    return issue.assignee or issue.department.head or issue.owner


def _account_supervisor(account, fallback_owner=None):
    manager = account.owner or fallback_owner
    team = manager.team if manager else None
    return team.supervisor if team and team.supervisor_id else None


def _distinct(people):
    seen = {}
    for person in people:
        if person is not None:
            seen.setdefault(person.pk, person)
    return list(seen.values())


# The stage a green-channel request waits in, and its deadline, in SQL.
GREEN_STAGE_SQL = "CASE WHEN dispatched_at IS NULL THEN 'requested' ELSE 'dispatched' END"
GREEN_DUE_SQL = "CASE WHEN dispatched_at IS NULL THEN dispatch_due_at ELSE completion_due_at END"
CLAIM_GREEN_SQL = f"""
UPDATE visits_greenchannelrequest SET {{column}} = {GREEN_STAGE_SQL}
WHERE completed_at IS NULL AND {{column}} IS DISTINCT FROM {GREEN_STAGE_SQL} AND {{window}}
RETURNING id
"""
GREEN_WINDOWS = {
    "reminded_stage": f"{GREEN_DUE_SQL} >= %(now)s AND {GREEN_DUE_SQL} < %(soon)s",
    "escalated_stage": f"{GREEN_DUE_SQL} < %(now)s AND {GREEN_DUE_SQL} >= %(now)s - interval '7 days'",
}


def _claim_green(column, now):
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_GREEN_SQL.format(column=column, window=GREEN_WINDOWS[column]),
                       {"now": now, "soon": now + ISSUE_DUE_WARNING})
        return [row[0] for row in cursor.fetchall()]


def green_deadlines_notify(*, now):
    """K-27: each stage's deadline. A dispatch due soon reminds the requester, a completion the
    department's head; past due, the account's supervisor (and the head, for a completion) hear."""
    requests = GreenChannelRequest.objects.select_related("account__owner__team__supervisor", "requested_by",
                                                          "department__head")
    told = 0
    for green in requests.filter(pk__in=_claim_green("reminded_stage", now)):
        who = green.department.head if green.dispatched_at else green.requested_by
        told += len(notify(recipients=_distinct([who]), kind=Kind.ISSUE_DUE, key=f"green.due.{green.stage}",
                           dedupe_key=f"green:{green.pk}:{green.stage}:due", link=_green_link(green),
                           params={"account": green.account.name, "title": green.title,
                                   "due": timezone.localtime(green.stage_due_at).strftime("%Y-%m-%d %H:%M")}))
    for green in requests.filter(pk__in=_claim_green("escalated_stage", now)):
        head = green.department.head if green.dispatched_at else None
        told += len(notify(recipients=_distinct([head, _account_supervisor(green.account, green.requested_by)]),
                           kind=Kind.ISSUE_OVERDUE, key=f"green.overdue.{green.stage}",
                           dedupe_key=f"green:{green.pk}:{green.stage}:overdue", link=_green_link(green),
                           params={"account": green.account.name, "title": green.title}))
    return told


def _issue_link(issue):
    return reverse("departments:issue", args=[issue.pk])


def _green_link(green):
    return reverse("departments:green", args=[green.pk])
