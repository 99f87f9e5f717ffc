"""The care engine (K-40..K-44): jobs that generate tasks, and the task lifecycle.

Every job is one INSERT … SELECT … ON CONFLICT DO NOTHING on the task's unique
key (kind, account, contact, occasion), looking back over a window, so it is
idempotent, safe to run twice at once and safe to miss: a day it did not run is
caught up the next day. Each returns the number of rows it made.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Account
from care import permissions
from care.birthdays import BIRTHDAYS_SQL, window_params
from care.defaults import festival_period_of
from care.models import CareDigest, CareTask
from contacts.models import Contact
from contacts.services import role_plan_review_record
from core import outbox
from core.idempotency import creates_once
from core.outbox import outbox_queue
from core.sql import literals
from core.written import in_english, written
from tiering.cadence import dues_sql
from visits.models import AfterSalesStep
from visits.services import after_sales_done, visit_log

CATCH_UP_DAYS = 7  # how far back a job looks for occasions it may have missed
KEY_KINDS = list(Account.KEY_KINDS)
CUSTOMERS = literals(Account.CUSTOMER_STATUSES)

INSERT_TASKS = """
INSERT INTO care_caretask (kind, account_id, contact_id, occasion, occasion_names, title, message, owner_id,
                           due_on, channel, status, outcome, snooze_reason, created_at,
                           params, after_sales_step_id, buyer_role_id)
SELECT %(kind)s, s.account_id, s.contact_id, s.occasion, %(occasion_names)s::jsonb, '', coalesce(s.message, ''),
       s.owner_id, s.due_on, %(channel)s, 'open', '', '', now(), {links}
FROM ({select}) s
ON CONFLICT ON CONSTRAINT care_task_once_per_occasion DO NOTHING
"""
NO_LINKS = "'{}'::jsonb, NULL::bigint, NULL::bigint"
# A select that names what its task is about (a step, a buyer role) gives these three columns.
LINKS = "s.params, s.after_sales_step_id, s.buyer_role_id"


def _insert(select, params, *, kind, channel, occasion_names=None, links=NO_LINKS):
    with connection.cursor() as cursor:
        cursor.execute(INSERT_TASKS.format(select=select, links=links), {
            **params, "kind": kind, "channel": channel, "occasion_names": json.dumps(occasion_names or {})})
        return cursor.rowcount


def birthday_tasks_generate(*, today=None):
    """K-40, on the day: a one-to-one call for each birthday contact of a key account."""
    today = today or timezone.localdate()
    params = window_params(today - timedelta(days=CATCH_UP_DAYS), today)
    select = BIRTHDAYS_SQL + """
        SELECT b.account_id, b.contact_id, b.birthday_on::text AS occasion, NULL AS message,
               a.owner_id, b.birthday_on AS due_on
        FROM birthdays b JOIN accounts_account a ON a.id = b.account_id
        JOIN contacts_contact c ON c.id = b.contact_id
        -- K-25: proactive contact pauses in a silent period (the monthly e-mail stands in)
        WHERE a.kind = ANY(%(key_kinds)s) AND c.silent_since IS NULL"""
    made = _insert(select, {**params, "key_kinds": KEY_KINDS}, kind=CareTask.Kind.BIRTHDAY,
                   channel=CareTask.Channel.CALL)
    greetings_withdraw()
    return made


GREETING_KINDS = [CareTask.Kind.BIRTHDAY, CareTask.Kind.HOLIDAY]


def greetings_withdraw():
    """Open birthday calls and greetings to a contact who has since left, been archived or gone
    silent (K-17, K-25) are skipped, with the reason, in one statement per reason."""
    reasons = [("c.status <> 'active' OR c.archived_at IS NOT NULL", _("The contact has left the company.")),
               ("c.silent_since IS NOT NULL",
                _("Silent period: proactive contact is paused; the monthly e-mail stands in."))]
    withdrawn = 0
    with connection.cursor() as cursor:
        for condition, reason in reasons:
            cursor.execute(f"""
                UPDATE care_caretask t SET status = 'skipped', done_at = now(), outcome = %(reason)s
                FROM contacts_contact c
                WHERE t.contact_id = c.id AND t.status = 'open' AND t.kind = ANY(%(kinds)s) AND ({condition})""",
                           {"reason": reason, "kinds": [str(kind) for kind in GREETING_KINDS]})
            withdrawn += cursor.rowcount
    return withdrawn


DIGEST_SQL = """
, recipients AS (
    SELECT a.owner_id AS user_id, count(*) AS n FROM birthdays b JOIN accounts_account a ON a.id = b.account_id
    GROUP BY a.owner_id
    UNION ALL
    SELECT t.supervisor_id, count(*) FROM birthdays b
    JOIN accounts_account a ON a.id = b.account_id
    JOIN users_user u ON u.id = a.owner_id JOIN users_team t ON t.id = u.team_id
    GROUP BY t.supervisor_id
)
INSERT INTO care_caredigest (recipient_id, period, starts_on, birthdays, created_at)
SELECT user_id, %(period)s, %(start)s, sum(n), now() FROM recipients GROUP BY user_id
ON CONFLICT ON CONSTRAINT care_digest_once DO NOTHING
RETURNING id
"""


def birthday_digests_generate(*, period, today=None):
    """K-40: on the 1st the month's birthday list, on Monday the week's re-check, for each
    manager and supervisor with birthdays in it. Made once per period (a missed day is
    made up the next); e-mailed through the outbox. Returns the number of lists made."""
    today = today or timezone.localdate()
    if period == CareDigest.Period.MONTH:
        start = today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    else:
        start = today - timedelta(days=today.weekday())
        end = start + timedelta(days=6)
    params = {**window_params(start, end), "period": period}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BIRTHDAYS_SQL + DIGEST_SQL, params)
        made = [row[0] for row in cursor.fetchall()]
        # Each list's e-mail is an outbox row in the same transaction: a list is mailed exactly
        # when it is made, even if the broker is down at commit (core.outbox sweeps it).
        digests = list(CareDigest.objects.filter(pk__in=made).select_related("recipient"))
        from care.selectors import birthday_rows_for

        rows = birthday_rows_for([digest.recipient for digest in digests], start, end)
        lines = {}
        outbox_queue([_digest_email(digest, rows[digest.recipient_id], lines) for digest in digests])
    return len(made)


def _digest_line(row):
    """One birthday of the lists' e-mail. Written once per contact and language, not once per list
    in the template: a contact is in its manager's, its supervisor's and every admin's list, and a
    month's lists hold every contact born in it (docs/PERFORMANCE.md, the birthday lists)."""
    contact, gift = row.contact, row.last_gift
    parts = [f"- {row.birthday_on:%m-%d} {contact.name} ({contact.account_name})"]
    if contact.birthday_calendar == Contact.Calendar.LUNAR:
        parts.append(contact.birthday_display)
    if gift:
        label = _("last gift")  # outside the f-string, where makemessages finds it
        parts.append(f"{label}: {gift.gift} ({gift.given_on:%Y-%m-%d})")
    return " · ".join(parts)


def _digest_email(digest, rows, lines):
    """The list's e-mail, in its recipient's language; `lines` keeps the lines already written
    ({(language, contact id): line}) for the next list."""
    user = digest.recipient
    with translation.override(user.language):
        language = translation.get_language()
        subject = _("Birthdays this month") if digest.period == CareDigest.Period.MONTH else _("Birthdays this week")
        written = []
        for row in rows:
            key = (language, row.contact.pk)
            if key not in lines:
                lines[key] = _digest_line(row)
            written.append(lines[key])
        body = render_to_string("care/email/birthdays.txt", {"user": user, "lines": "\n".join(written),
                                                             "digest": digest, "site_url": settings.SITE_URL})
    return outbox.email(to=user.email, subject=subject, body=body, dedupe_key=f"care-digest:{digest.pk}")


# --- Task lifecycle ------------------------------------------------------------------------

TOUCH_CHANNELS = {"call": "phone", "visit": "on_site", "sms": "sms", "email": "email", "wechat": "wechat"}


def _same_task(pk, *, task, **_kwargs):
    return task if task.pk == pk else None


# Closing a task is claim-then-act already; the key turns a resent "done" (its answer lost) into
# "already saved" instead of "already closed", and it covers the touch the task logs as a visit.
@creates_once("care.task_done", find=_same_task)
def care_task_done(*, task, by, outcome, channel=None):
    """Done, with what happened. A call, visit or message also counts as a touch (K-44)."""
    if not permissions.can_work_on_task(by, task):
        raise PermissionDenied(_("Only the task's owner or their supervisor works on it."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Write what happened: the outcome is the point of the task.")})
    channel = channel or task.channel
    claimed = CareTask.objects.filter(pk=task.pk, status=CareTask.Status.OPEN).update(
        status=CareTask.Status.DONE, outcome=outcome, channel=channel, done_at=timezone.now(), done_by=by)
    if not claimed:
        raise ValidationError(_("This task is already closed."))
    task.refresh_from_db()
    if task.kind == CareTask.Kind.AFTER_SALES and task.after_sales_step_id:
        after_sales_done(step=AfterSalesStep(pk=task.after_sales_step_id), by=by)
    if task.kind == CareTask.Kind.ROLE_PLAN_REVIEW and task.buyer_role_id:
        # Done from the care list is a review too (K-14): recorded, the next one a month on.
        role_plan_review_record(role=task.buyer_role, by=by, reviewed_on=timezone.localdate(), outcome=outcome,
                                check_permission=False)
    if channel in TOUCH_CHANNELS:
        # A generated title is kept as its key, so the touch reads in each reader's language too.
        title = {"purpose": task.title[:200]} if task.title else {"written": {"purpose": task.title_written()}}
        visit_log(account=task.account, by=by, contacts=[task.contact] if task.contact else [],
                  channel=TOUCH_CHANNELS[channel], summary=outcome, **title,
                  customer_replied=True if channel in ("call", "visit") else None)
    return task


@transaction.atomic
def care_task_skip(*, task, by, reason):
    if not permissions.can_work_on_task(by, task):
        raise PermissionDenied(_("Only the task's owner or their supervisor works on it."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task is skipped.")})
    claimed = CareTask.objects.filter(pk=task.pk, status=CareTask.Status.OPEN).update(
        status=CareTask.Status.SKIPPED, outcome=reason, done_at=timezone.now(), done_by=by)
    if not claimed:
        raise ValidationError(_("This task is already closed."))
    task.refresh_from_db()
    return task


@transaction.atomic
def care_task_snooze(*, task, by, until, reason):
    if not permissions.can_work_on_task(by, task):
        raise PermissionDenied(_("Only the task's owner or their supervisor works on it."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the task moves.")})
    if until <= timezone.localdate():
        raise ValidationError({"until": _("Move it to a day after today.")})
    moved = CareTask.objects.filter(pk=task.pk, status=CareTask.Status.OPEN).update(
        due_on=until, snooze_reason=reason)
    if not moved:
        raise ValidationError(_("This task is already closed."))
    task.refresh_from_db()
    return task


# --- Holidays and occasions (K-41) -----------------------------------------------------------------

HOLIDAY_LANGUAGES = {"en": "en_US", "zh-hans": "zh_CN", "zh-hant": "zh_TW"}


def holidays_between(holiday_calendar, start, end):
    """[(date, {language: name})] of a calendar's holidays, the first day of each, without days off."""
    import holidays as holiday_lib

    names = {}
    for language, code in HOLIDAY_LANGUAGES.items():
        try:
            found = holiday_lib.country_holidays(holiday_calendar.country,
                                                 subdiv=holiday_calendar.subdivision or None,
                                                 years=range(start.year, end.year + 1), language=code,
                                                 observed=False)
        except (NotImplementedError, KeyError):
            found = holiday_lib.country_holidays(holiday_calendar.country,
                                                 subdiv=holiday_calendar.subdivision or None,
                                                 years=range(start.year, end.year + 1), observed=False)
        for day, name in sorted(found.items()):
            names.setdefault(day, {})[language] = name
    first_days, seen = [], set()
    for day, by_language in sorted(names.items()):
        english = by_language.get("en", "")
        if english.startswith("Day off") or (english, day.year) in seen:
            continue
        seen.add((english, day.year))
        if start <= day <= end:
            first_days.append((day, by_language))
    return first_days


GREETING_SQL = """
SELECT c.account_id, c.id AS contact_id, %(occasion)s AS occasion, a.owner_id, %(due_on)s::date AS due_on,
       replace(replace(replace(
           CASE lang.code WHEN 'zh-hans' THEN t.body_zh_hans WHEN 'zh-hant' THEN t.body_zh_hant ELSE t.body_en END,
           '{name}', c.name),
           '{occasion}', CASE lang.code WHEN 'zh-hans' THEN %(name_hans)s WHEN 'zh-hant' THEN %(name_hant)s
                                        ELSE %(name_en)s END),
           '{sender}', coalesce(nullif(u.display_name, ''), u.username)) AS message
FROM contacts_contact c
JOIN accounts_account a ON a.id = c.account_id
JOIN users_user u ON u.id = a.owner_id
-- The draft is for the customer: in the contact's language, else the account's, else the owner's.
CROSS JOIN LATERAL (SELECT coalesce(nullif(c.language, ''), nullif(a.language, ''), u.language) AS code) lang
JOIN care_messagetemplate t ON t.id = %(template)s
-- K-25: a contact in a silent period gets no greeting; the monthly e-mail stands in for it.
WHERE c.status = 'active' AND c.archived_at IS NULL AND c.silent_since IS NULL
  AND a.archived_at IS NULL AND a.status IN """ + CUSTOMERS + """ AND a.kind = ANY(%(key_kinds)s)
  -- A calendar or occasion chosen for some teams greets only their customers (NULL: every team).
  AND (%(team_ids)s::bigint[] IS NULL OR u.team_id = ANY(%(team_ids)s::bigint[]))
"""


def _greetings(*, day, names, template, days_ahead, today, channel, team_ids=None):
    due_on = day - timedelta(days=days_ahead)
    if not (today - timedelta(days=CATCH_UP_DAYS) <= due_on <= today and day >= today):
        return 0
    occasion = f"{day.isoformat()}|{names.get('en', '')}"
    if period := festival_period_of(names.get("en", "")):
        # One greeting for the period, whichever of its days the job meets first (the unique key):
        # 除夕 and 春节 one day apart, or two calendars that both keep the festival, are one task.
        occasion, names = f"{day.year}:{period['key']}|{period['names']['en']}", period["names"]
    params = {"occasion": occasion, "due_on": due_on, "template": template.pk,
              "name_en": names.get("en", ""), "name_hans": names.get("zh-hans", names.get("en", "")),
              "name_hant": names.get("zh-hant", names.get("en", "")), "key_kinds": KEY_KINDS,
              "team_ids": team_ids or None}
    return _insert(GREETING_SQL, params, kind=CareTask.Kind.HOLIDAY, channel=channel,
                   occasion_names={"en": params["name_en"], "zh-hans": params["name_hans"],
                                   "zh-hant": params["name_hant"]})


def holiday_tasks_generate(*, today=None):
    """K-41: N days before each holiday (lunar festivals on their solar day), a greeting task per
    key-account contact, with the calendar's message in the customer's language (contact, account, else owner)."""
    from care.models import HolidayCalendar, Occasion

    today = today or timezone.localdate()
    made = 0
    calendars = HolidayCalendar.objects.filter(is_active=True).select_related("template").prefetch_related("teams")
    for holiday_calendar in calendars:
        horizon = today + timedelta(days=holiday_calendar.days_ahead)
        for day, names in holidays_between(holiday_calendar, today, horizon):
            made += _greetings(day=day, names=names, template=holiday_calendar.template,
                               days_ahead=holiday_calendar.days_ahead, today=today,
                               channel=holiday_calendar.template.channel,
                               team_ids=[team.pk for team in holiday_calendar.teams.all()])
    occasions = Occasion.objects.filter(is_active=True).select_related("template").prefetch_related("teams")
    for occasion in occasions:
        # Next year's too: an occasion on Jan 2 (or 腊八 in January) is greeted from December.
        for day in [*occasion.days_in(today.year), *occasion.days_in(today.year + 1)]:
            made += _greetings(day=day, names=occasion.names, template=occasion.template,
                               days_ahead=occasion.days_ahead, today=today, channel=occasion.template.channel,
                               team_ids=[team.pk for team in occasion.teams.all()])
    greetings_withdraw()
    return made


# --- Anniversaries, events, personnel changes (K-42, K-17) --------------------------------------------

ANNIVERSARY_SELECT = """
SELECT a.id AS account_id, NULL::bigint AS contact_id, d.day::text AS occasion, NULL AS message, a.owner_id,
       d.day AS due_on
FROM accounts_account a
CROSS JOIN LATERAL (SELECT care_day_in_year(%(year)s, extract(month FROM a.founded_on)::int,
                                           extract(day FROM a.founded_on)::int) AS day) d
WHERE a.founded_on IS NOT NULL AND extract(year FROM a.founded_on) < %(year)s
  AND a.owner_id IS NOT NULL AND a.archived_at IS NULL AND a.status IN """ + CUSTOMERS + """
  AND a.kind = ANY(%(key_kinds)s) AND d.day BETWEEN %(start)s AND %(end)s
"""

EVENT_SELECT = """
SELECT coalesce(e.account_id, c.account_id) AS account_id, e.contact_id,
       'event:' || e.id || '|' || e.title AS occasion, NULL AS message, a.owner_id, e.date AS due_on,
       e.kind AS event_kind
FROM care_event e
LEFT JOIN contacts_contact c ON c.id = e.contact_id
JOIN accounts_account a ON a.id = coalesce(e.account_id, c.account_id)
WHERE e.kind <> 'regional_event' AND e.date BETWEEN %(start)s AND %(end)s AND a.owner_id IS NOT NULL
  AND a.archived_at IS NULL AND a.status IN """ + CUSTOMERS + """
UNION ALL
SELECT c.account_id, c.id, 'event:' || e.id || '|' || e.title, NULL, a.owner_id, greatest(e.date, %(today)s),
       e.kind
FROM care_event e
-- the region is matched as plain text, not as a LIKE pattern
JOIN accounts_account a ON strpos(lower(a.region), lower(e.region)) > 0
JOIN contacts_contact c ON c.account_id = a.id AND c.status = 'active' AND c.archived_at IS NULL
WHERE e.kind = 'regional_event' AND e.date BETWEEN %(start)s AND %(end)s
  AND a.owner_id IS NOT NULL AND a.archived_at IS NULL AND a.status IN """ + CUSTOMERS + """
"""

PERSONNEL_SELECT = """
SELECT p.account_id, p.contact_id, 'change:' || p.id || '|' || p.kind AS occasion, NULL AS message, a.owner_id,
       (p.recorded_at AT TIME ZONE %(tz)s)::date + 1 AS due_on
FROM contacts_personnelchange p JOIN accounts_account a ON a.id = p.account_id
WHERE p.handled_at IS NULL AND p.recorded_at >= %(since)s AND a.owner_id IS NOT NULL AND a.archived_at IS NULL
"""


def anniversary_tasks_generate(*, today=None, days_ahead=7):
    """K-42: each key account's founding anniversary, a week ahead."""
    today = today or timezone.localdate()
    window = {"start": today - timedelta(days=CATCH_UP_DAYS), "end": today + timedelta(days=days_ahead),
              "key_kinds": KEY_KINDS}
    # This year's and next year's: a Jan 3 anniversary is prepared in late December.
    return sum(_insert(ANNIVERSARY_SELECT, {**window, "year": year}, kind=CareTask.Kind.ANNIVERSARY,
                       channel=CareTask.Channel.CALL) for year in (today.year, today.year + 1))


def event_tasks_generate(*, today=None, days_ahead=7):
    """K-42: major and personal events for their owner; a regional event a check-in call for every
    contact of the accounts in that region."""
    today = today or timezone.localdate()
    params = {"start": today - timedelta(days=CATCH_UP_DAYS), "end": today + timedelta(days=days_ahead),
              "today": today}
    made = 0
    for kind in (CareTask.Kind.MAJOR_EVENT, CareTask.Kind.PERSONAL_EVENT, CareTask.Kind.REGIONAL_EVENT):
        select = f"SELECT * FROM ({EVENT_SELECT}) s WHERE s.event_kind = %(event_kind)s"
        made += _insert(select, {**params, "event_kind": kind.value}, kind=kind, channel=CareTask.Channel.CALL)
    return made


def personnel_change_tasks_generate(*, today=None):
    """K-17: a personnel change asks the owner to find the role's new holder."""
    from django.conf import settings

    since = timezone.now() - timedelta(days=30)
    return _insert(PERSONNEL_SELECT, {"since": since, "tz": settings.TIME_ZONE},
                   kind=CareTask.Kind.PERSONNEL_CHANGE, channel=CareTask.Channel.CALL)


@transaction.atomic
def event_record(*, by, account=None, contact=None, kind, title, date, region=""):
    from care.models import Event

    event = Event(kind=kind, title=title, date=date, region=region, account=account if not contact else None,
                  contact=contact, created_by=by)
    event.full_clean()
    event.save()
    # Its tasks at once rather than at the nightly run; robust, because the event is committed by
    # then and a failure here must not answer "error" for it (the user would add it again): the
    # nightly care-event-tasks job makes the tasks anyway.
    transaction.on_commit(lambda: event_tasks_generate(), robust=True)
    return event


# --- Settings: message templates, holiday calendars, occasions (K-41) -------------------------------

@transaction.atomic
def care_setting_save(*, setting, by, teams=None):
    """A message template, holiday calendar or occasion, as edited by an admin; `teams`, when
    given, are the teams a calendar or occasion greets (none: every team)."""
    if not permissions.can_change_care_settings(by):
        raise PermissionDenied(_("Only admins change the care settings."))
    setting.full_clean()
    setting.save()
    if teams is not None:
        setting.teams.set(teams)
    return setting


# --- Gifts (K-43) ---------------------------------------------------------------------------------

@transaction.atomic
def gift_record(*, contact, by, given_on, occasion, gift, value=None, story=""):
    from care.models import Gift

    if not permissions.can_record_gift(by, contact):
        raise PermissionDenied(_("Only the account team and their supervisor record gifts."))
    record = Gift(contact=contact, given_by=by, given_on=given_on, occasion=occasion, gift=gift, value=value,
                  story=story)
    record.full_clean()
    record.save()
    return record


# --- Cadence reminders and after-sales follow-ups (tiering, K-26) --------------------------------------

def cadence_tasks_generate(*, today=None):
    """Overdue cadence (tiering) becomes a reminder; a reminder closes itself once a
    qualifying touch has been logged. Returns the reminders made."""
    from django.conf import settings

    today = today or timezone.localdate()
    select = dues_sql() + """
        SELECT d.account_id, NULL::bigint AS contact_id, min(d.due_on)::text AS occasion, NULL AS message,
               a.owner_id, %(today)s::date AS due_on
        FROM dues d JOIN accounts_account a ON a.id = d.account_id
        WHERE d.due_on < %(today)s AND a.owner_id IS NOT NULL GROUP BY d.account_id, a.owner_id"""
    made = _insert(select, {"tz": settings.TIME_ZONE, "today": today}, kind=CareTask.Kind.CADENCE,
                   channel=CareTask.Channel.CALL)
    with connection.cursor() as cursor:
        cursor.execute(dues_sql() + """
            UPDATE care_caretask t SET status = 'done', done_at = now(), outcome = %(outcome)s,
                   written = t.written || %(written)s::jsonb
            WHERE t.kind = 'cadence' AND t.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM dues d WHERE d.account_id = t.account_id AND d.due_on < %(today)s)""",
                       {"tz": settings.TIME_ZONE, "today": today, **_outcome("care.outcome.cadence_closed")})
    return made


def after_sales_tasks_generate(*, today=None):
    """K-26: each open after-sales step due by tomorrow becomes a task naming its step and product
    (put into words when shown); done steps close theirs. A step made for history is never made
    (visits.services.after_sales_schedule), so no task for an old order either."""
    from django.conf import settings

    today = today or timezone.localdate()
    select = """
        SELECT s.account_id, NULL::bigint AS contact_id, 'step:' || s.id || '|' || s.kind AS occasion,
               NULL AS message, a.owner_id, (s.due_at AT TIME ZONE %(tz)s)::date AS due_on,
               jsonb_build_object('step', s.kind, 'product', o.product, 'reference', o.reference) AS params,
               s.id AS after_sales_step_id, NULL::bigint AS buyer_role_id
        FROM visits_aftersalesstep s JOIN accounts_account a ON a.id = s.account_id
        JOIN accounts_order o ON o.id = s.order_id
        WHERE s.done_at IS NULL AND s.due_at < %(horizon)s AND a.owner_id IS NOT NULL AND a.archived_at IS NULL"""
    made = _insert(select, {"tz": settings.TIME_ZONE, "horizon": today + timedelta(days=2)},
                   kind=CareTask.Kind.AFTER_SALES, channel=CareTask.Channel.EMAIL, links=LINKS)
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE care_caretask t SET status = 'done', done_at = s.done_at, done_by_id = s.done_by_id,
                   outcome = %(outcome)s, written = t.written || %(written)s::jsonb
            FROM visits_aftersalesstep s
            WHERE t.kind = 'after_sales' AND t.status = 'open' AND s.done_at IS NOT NULL
              AND t.after_sales_step_id = s.id""",
                       _outcome("care.outcome.after_sales_closed"))
    return made


# --- Opportunities' bid deadlines and expected closes (X-03, issue 22) ----------------------------

OPPORTUNITY_REMINDER_DAYS = 7  # a deadline becomes a task this many days ahead

# One row per date to remind of: the bid deadline of a bid not yet submitted, the expected close of an
# open opportunity. The occasion names the opportunity, what and the date: a date moved is a new task.
OPPORTUNITY_DATES = """
SELECT o.account_id, NULL::bigint AS contact_id, d.what || ':' || o.id || '|' || d.day AS occasion, NULL AS message,
       o.owner_id, d.day AS due_on,
       jsonb_build_object('what', d.what, 'name', o.name, 'date', to_char(d.day, 'YYYY-MM-DD')) AS params,
       NULL::bigint AS after_sales_step_id, NULL::bigint AS buyer_role_id
FROM opportunities_opportunity o JOIN opportunities_stage st ON st.id = o.stage_id
JOIN accounts_account a ON a.id = o.account_id
CROSS JOIN LATERAL (VALUES ('bid', CASE WHEN o.bid_submitted_on IS NULL THEN o.bid_deadline END),
                           ('close', o.expected_close)) d(what, day)
WHERE st.kind NOT IN ('won', 'lost') AND a.archived_at IS NULL AND d.day IS NOT NULL"""


def opportunity_tasks_generate(*, today=None):
    """X-03: a bid deadline or an expected close in the next week becomes its owner's task, once;
    a task whose date no longer stands (bid submitted, date moved, opportunity closed) closes itself."""
    today = today or timezone.localdate()
    made = _insert(OPPORTUNITY_DATES + " AND d.day BETWEEN %(today)s AND %(horizon)s",
                   {"today": today, "horizon": today + timedelta(days=OPPORTUNITY_REMINDER_DAYS)},
                   kind=CareTask.Kind.OPPORTUNITY, channel=CareTask.Channel.CALL, links=LINKS)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE care_caretask t SET status = 'done', done_at = now(), outcome = %(outcome)s,
                   written = t.written || %(written)s::jsonb
            WHERE t.kind = 'opportunity' AND t.status = 'open'
              -- the task's own opportunity, by its key in the occasion (what:id|date): the dates of
              -- every opportunity, computed for each task, took over 8 min at 100k accounts
              AND NOT EXISTS (SELECT 1 FROM ({OPPORTUNITY_DATES}
                                             AND o.id = split_part(split_part(t.occasion, ':', 2), '|', 1)::bigint) s
                              WHERE s.occasion = t.occasion)""",
                       _outcome("care.outcome.opportunity_closed"))
    return made


# --- The silent period's monthly e-mail (K-25) ------------------------------------------------------

SILENT_EMAIL_SELECT = """
SELECT c.account_id, c.id AS contact_id, to_char(d.due_on, 'YYYY-MM') AS occasion, NULL AS message,
       a.owner_id, d.due_on
FROM contacts_contact c
JOIN accounts_account a ON a.id = c.account_id
-- a month after the last unanswered touch, then once in each calendar month
CROSS JOIN LATERAL (SELECT greatest(%(month_start)s::date,
                                    (c.silent_since AT TIME ZONE %(tz)s)::date + 30) AS due_on) d
WHERE c.silent_since IS NOT NULL AND c.status = 'active' AND c.archived_at IS NULL
  AND a.owner_id IS NOT NULL AND a.archived_at IS NULL AND a.status IN """ + CUSTOMERS + """
  AND a.kind = ANY(%(key_kinds)s) AND d.due_on <= %(horizon)s
  AND NOT EXISTS (SELECT 1 FROM visits_visit_contacts vc JOIN visits_visit v ON v.id = vc.visit_id
                  WHERE vc.contact_id = c.id AND v.channel = 'email'
                    AND v.occurred_at >= (date_trunc('month', d.due_on) AT TIME ZONE %(tz)s))
"""


def silent_email_tasks_generate(*, today=None, days_ahead=7):
    """K-25: a contact in a silent period gets one e-mail a month instead of proactive care: a
    task a week ahead, unless this month's e-mail was logged already; a reply (the silent period
    ends) or the e-mail logged closes it."""
    from django.conf import settings

    today = today or timezone.localdate()
    params = {"month_start": today.replace(day=1), "horizon": today + timedelta(days=days_ahead),
              "tz": settings.TIME_ZONE, "key_kinds": KEY_KINDS}
    made = _insert(SILENT_EMAIL_SELECT, params, kind=CareTask.Kind.SILENT_EMAIL, channel=CareTask.Channel.EMAIL)
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE care_caretask t SET status = 'done', done_at = now(), outcome = %(outcome)s,
                   written = t.written || %(written)s::jsonb
            FROM contacts_contact c
            WHERE t.kind = 'silent_email' AND t.status = 'open' AND c.id = t.contact_id
              AND (c.silent_since IS NULL OR c.status <> 'active' OR EXISTS (
                   SELECT 1 FROM visits_visit_contacts vc JOIN visits_visit v ON v.id = vc.visit_id
                   WHERE vc.contact_id = c.id AND v.channel = 'email'
                     AND v.occurred_at >= (date_trunc('month', t.due_on) AT TIME ZONE %(tz)s)))""",
                       {"tz": settings.TIME_ZONE, **_outcome("care.outcome.silent_email_closed")})
    return made


# --- Role service-plan reviews (K-14) ------------------------------------------------------------------

ROLE_REVIEW_SELECT = """
SELECT r.account_id, r.contact_id, 'role:' || r.id || '|' || r.plan_next_review_on AS occasion, NULL AS message,
       a.owner_id, r.plan_next_review_on AS due_on, jsonb_build_object('role', r.role) AS params,
       NULL::bigint AS after_sales_step_id, r.id AS buyer_role_id
FROM contacts_buyerrole r
JOIN contacts_contact c ON c.id = r.contact_id
JOIN accounts_account a ON a.id = r.account_id
WHERE r.plan_next_review_on <= %(horizon)s AND c.status = 'active' AND c.archived_at IS NULL
  AND a.owner_id IS NOT NULL AND a.archived_at IS NULL
"""


def role_review_tasks_generate(*, today=None, days_ahead=3):
    """K-14: a role service plan due for review becomes a task for the account's manager a few days
    ahead; recording the review (contacts.services.role_plan_review_record) moves the next review
    date, and the task for the old date closes on the next run (or at once, from the task)."""
    today = today or timezone.localdate()
    made = _insert(ROLE_REVIEW_SELECT, {"horizon": today + timedelta(days=days_ahead)},
                   kind=CareTask.Kind.ROLE_PLAN_REVIEW, channel=CareTask.Channel.CALL, links=LINKS)
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE care_caretask t SET status = 'done', done_at = now(), outcome = %(outcome)s,
                   written = t.written || %(written)s::jsonb
            FROM contacts_buyerrole r
            WHERE t.kind = 'role_plan_review' AND t.status = 'open' AND r.id = t.buyer_role_id
              AND t.occasion <> 'role:' || r.id || '|' || coalesce(r.plan_next_review_on::text, '')""",
                       _outcome("care.outcome.role_review_closed"))
    return made


def _outcome(key):
    """A self-closed task's outcome (core.written): the key for the reader, English words in the column."""
    entry = written(key)
    return {"outcome": in_english(entry), "written": json.dumps({"outcome": entry})}
