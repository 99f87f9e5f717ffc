"""notify(): the one door through which the apps above tell people something.

Set-based: one INSERT for the in-app rows (ON CONFLICT on the occurrence's dedupe key, so an
event notifies each person at most once however often its job runs), one read of the readers'
preferences, quiet hours and robots, and one outbox INSERT for their e-mails and robot posts,
all in the caller's transaction.
"""

import json
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox, robots
from notifications import permissions
from notifications.messages import render, render_detail
from notifications.models import (
    Channel,
    Kind,
    Notification,
    Preference,
    QuietHours,
    Robot,
    Webhook,
    default_enabled,
    new_webhook_secret,
)

ROBOT_CHANNELS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)
OUTSIDE_CHANNELS = (Channel.EMAIL, *ROBOT_CHANNELS)

INSERT_SQL = """
INSERT INTO notifications_notification (recipient_id, kind, message_key, params, link, dedupe_key, created_at)
SELECT r.id, %(kind)s, %(key)s, r.params::jsonb, %(link)s, %(dedupe_key)s, %(now)s
FROM unnest(%(ids)s::bigint[], %(params)s::text[]) AS r(id, params)
ON CONFLICT ON CONSTRAINT notification_once_per_occurrence DO NOTHING
RETURNING recipient_id
"""


def notify(*, recipients, kind, key, dedupe_key, params=None, link="", in_app_only=False):
    """Tell each of `recipients` (users) about one occurrence, on the channels they chose
    (`in_app_only`: the bell only, for someone the page in front of them already tells).
    `params` are plain strings (or counts) for the message (`detail`: a longer text shown under
    it, such as a supervisor's reason). Returns the users newly told."""
    return notify_each(params_for={user: params for user in recipients}, kind=kind, key=key,
                       dedupe_key=dedupe_key, link=link, in_app_only=in_app_only)


def notify_each(*, params_for, kind, key, dedupe_key, link="", in_app_only=False):
    """notify() with each person's own parameters ({user: params}), in the same few statements
    however many people: the daily digest tells hundreds at once."""
    people = {user.pk: (user, _clean(params)) for user, params in params_for.items()
              if user is not None and user.is_active}
    if not people:
        return []
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, {"kind": Kind(kind).value, "key": key, "link": link, "dedupe_key": dedupe_key,
                                    "now": now, "ids": list(people),
                                    "params": [json.dumps(params) for _user, params in people.values()]})
        told = [people[row[0]] for row in cursor.fetchall()]
        if not in_app_only:
            outbox.outbox_queue(_outside_messages(told, kind, key, link, dedupe_key, now))
    return [user for user, _params in told]


def _clean(params):
    # Strings, or whole numbers (a count chooses a message's plural form when shown), or a text the
    # system wrote (core.written: a dict with its key), put into words when shown.
    return {name: value if isinstance(value, int | dict) else str(value) for name, value in (params or {}).items()}


def _outside_messages(told, kind, key, link, dedupe_key, now):
    users = [user for user, _params in told]
    if not users:
        return []
    wanted = enabled_channels(users, kind)
    if not any(wanted[user.pk] & set(OUTSIDE_CHANNELS) for user in users):
        return []
    quiet = {q.user_id: q for q in QuietHours.objects.filter(user__in=users)}
    robots_of = _robots(users, wanted)
    messages = []
    for user, params in told:
        hold = quiet_until(quiet.get(user.pk), now)
        with translation.override(user.language):
            text = render(key, params)
            if Channel.EMAIL in wanted[user.pk] and user.email:
                messages.append(outbox.email(to=user.email, subject=text, body=_email_body(text, key, params, link),
                                             dedupe_key=f"n:{dedupe_key}:{user.pk}:email", not_before=hold))
            for robot in robots_of(user):
                body = robots.message(robot.platform, title=text, text=_robot_text(user, key, params),
                                      link=settings.SITE_URL + link if link else "")
                # A team robot posts once per occurrence however many of the team want it.
                owner = f"team{robot.team_id}" if robot.team_id else f"user{robot.user_id}"
                messages.append(outbox.webhook(url=robot.url, platform=robot.platform, secret=robot.secret,
                                               body=body, dedupe_key=f"n:{dedupe_key}:{robot.platform}:{owner}",
                                               not_before=hold))
    return messages


def _email_body(text, key, params, link):
    parts = [text]
    if detail := render_detail(key, params):
        parts.append(detail)
    if link:
        parts.append(settings.SITE_URL + link)
    parts.append(_("What you receive and when: %(url)s") % {"url": settings.SITE_URL + "/notifications/settings/"})
    return "\n\n".join(parts) + "\n"


def _robot_text(user, key, params):
    detail = render_detail(key, params)
    return f"@{user}" + (f": {detail}" if detail else "")


def _robots(users, wanted):
    """Which robots speak for each user: their own, else their team's, per chosen platform."""
    platforms = {c for user in users for c in wanted[user.pk] if c in ROBOT_CHANNELS}
    if not platforms:
        return lambda user: []
    teams = {user.team_id for user in users if user.team_id}
    rows = Robot.objects.filter(Q(user__in=users) | Q(team__in=teams), platform__in=platforms)
    own = {(r.user_id, r.platform): r for r in rows if r.user_id}
    team = {(r.team_id, r.platform): r for r in rows if r.team_id}

    def robots_for(user):
        return [robot for platform in ROBOT_CHANNELS if platform in wanted[user.pk]
                for robot in [own.get((user.pk, platform)) or team.get((user.team_id, platform))] if robot]
    return robots_for


def enabled_channels(users, kind):
    """{user id: set of channels} for one kind: the defaults, overridden by saved choices."""
    chosen = {user.pk: {c for c in Channel.values if default_enabled(kind, c)} for user in users}
    for user_id, channel, enabled in (Preference.objects.filter(user__in=users, kind=kind)
                                      .values_list("user_id", "channel", "enabled")):
        (chosen[user_id].add if enabled else chosen[user_id].discard)(channel)
    return chosen


def quiet_until(quiet, now):
    """When the quiet hours around `now` end (local time), or None outside them."""
    if quiet is None:
        return None
    local = timezone.localtime(now)
    t = local.time()
    overnight = quiet.starts > quiet.ends
    inside = (t >= quiet.starts or t < quiet.ends) if overnight else (quiet.starts <= t < quiet.ends)
    if not inside:
        return None
    end_day = local.date() + timedelta(days=1) if overnight and t >= quiet.starts else local.date()
    return timezone.make_aware(datetime.combine(end_day, quiet.ends), local.tzinfo)


# --- The reader's side -----------------------------------------------------------------------------

@transaction.atomic
def notification_read(*, notification, by):
    if notification.recipient_id != by.pk:
        raise ValidationError(_("This notification is someone else's."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notifications_read_all(*, by):
    return Notification.objects.for_user(by).unread().update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_save(*, user, choices, quiet_starts=None, quiet_ends=None):
    """Keep only the choices that differ from the defaults; quiet hours both or neither."""
    if (quiet_starts is None) != (quiet_ends is None):
        raise ValidationError({"quiet_ends": _("Give both ends of the quiet hours, or neither.")})
    if quiet_starts is not None and quiet_starts == quiet_ends:
        raise ValidationError({"quiet_ends": _("Quiet hours need an end different from their start.")})
    Preference.objects.filter(user=user).delete()
    Preference.objects.bulk_create([
        Preference(user=user, kind=kind, channel=channel, enabled=enabled)
        for (kind, channel), enabled in choices.items() if enabled != default_enabled(kind, channel)])
    if quiet_starts is None:
        QuietHours.objects.filter(user=user).delete()
    else:
        QuietHours.objects.update_or_create(user=user, defaults={"starts": quiet_starts, "ends": quiet_ends})


# --- Chat robots -------------------------------------------------------------------------------------

@transaction.atomic
def robot_save(*, by, platform, url, secret="", team=None):
    """An admin sets a team's robot, anyone their own; one per platform each (a new one replaces)."""
    if team is not None and not by.is_admin:
        raise ValidationError({"team": _("Only an admin sets a team's robot.")})
    if platform == Robot.Platform.WECOM and "key=" not in url:
        raise ValidationError({"url": _("A WeCom group robot's address ends in ?key=… — copy it whole from the "
                                        "robot's settings.")})
    owner = {"team": team} if team is not None else {"user": by}
    robot, _created = Robot.objects.update_or_create(platform=platform, **owner,
                                                     defaults={"url": url, "secret": secret})
    return robot


@transaction.atomic
def robot_delete(*, robot, by):
    if not permissions.can_manage_robot(by, robot):
        raise ValidationError(_("Only an admin changes a team's robot."))
    robot.delete()


def robot_test(*, robot, by):
    """Post a test message now and say what the platform answered: the one send made in a
    request, so that a wrong key or URL shows next to the button (with a short timeout)."""
    if not permissions.can_manage_robot(by, robot):
        raise ValidationError(_("Only an admin changes a team's robot."))
    with translation.override(by.language):
        title = render("test.robot", {})
        body = robots.message(robot.platform, title=title, text=_("Sent by %(user)s.") % {"user": by},
                              link=settings.SITE_URL)
    try:
        robots.post(robot.url, {"platform": robot.platform, "json": body, "secret": robot.secret},
                    timeout=robots.TEST_TIMEOUT)
    except robots.RobotError as error:
        raise ValidationError(_("The robot did not take the message: %(error)s. Check the address and the "
                                "signing secret.") % {"error": error}) from None


# --- What the system sends -------------------------------------------------------------------------

def outbox_message_retry(*, message, by):
    """An admin sends a dead letter again, its attempts starting over."""
    if not permissions.can_see_outbox(by):
        raise PermissionDenied
    if not message.dead:
        raise ValidationError(_("Only a message that gave up can be retried; this one is %(state)s.")
                              % {"state": message.get_state_display()})
    outbox.outbox_retry(message=message, by=by)


def outbox_retry_dead(*, by):
    """Every dead letter again, after the receiver is mended. Returns how many."""
    if not permissions.can_see_outbox(by):
        raise PermissionDenied
    return outbox.outbox_retry_dead(by=by)


# --- Outbound webhooks (notifications.webhooks) ------------------------------------------------------

def _require_webhook_admin(by):
    if not permissions.can_manage_webhooks(by):
        raise PermissionDenied


@transaction.atomic
def webhook_save(*, by, webhook=None, **fields):
    """Add a webhook or change one; a `new_secret` makes the receiver's old secret stop verifying."""
    _require_webhook_admin(by)
    new_secret = fields.pop("new_secret", False)
    webhook = webhook or Webhook(created_by=by)
    for name, value in fields.items():
        setattr(webhook, name, value)
    if new_secret:
        webhook.secret = new_webhook_secret()
    webhook.full_clean()
    webhook.save()
    return webhook


@transaction.atomic
def webhook_delete(*, by, webhook):
    """Events already queued for it are still delivered (they are outbox rows of their own)."""
    _require_webhook_admin(by)
    webhook.delete()


@transaction.atomic
def webhook_ping(*, by, webhook):
    """A `ping` event through the outbox, like any event: it shows on the outgoing-messages page
    as sent, retrying or given up, with the receiver's answer."""
    _require_webhook_admin(by)
    body = {"id": str(uuid.uuid4()), "event": "ping", "occurred_at": timezone.now().isoformat(),
            "data": {"webhook": webhook.pk, "by": by.pk}}
    return outbox.outbox_queue([outbox.webhook(url=webhook.url, platform=robots.SIGNED, secret=webhook.secret,
                                               body=body, dedupe_key=f"hook:{webhook.pk}:{body['id']}")])
