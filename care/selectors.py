from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone, translation

from care.birthdays import birthdays_between
from care.models import Gift
from care.services import holidays_between
from contacts.models import Contact
from users.models import User


@dataclass
class BirthdayRow:
    contact: Contact
    birthday_on: date

    @property
    def last_gift(self):
        gifts = self.contact.recent_gifts
        return gifts[0] if gifts else None


def people_served_by(user):
    """Whose accounts' birthdays a person sees: their own, their team's (supervisors), or all (admins)."""
    if user.is_admin:
        return None
    if user.is_supervisor:
        return list(User.objects.filter(team__supervisor=user)) + [user]
    return [user]


def _with_gifts(contact_ids):
    contacts = Contact.objects.select_related("account__owner").prefetch_related(
        Prefetch("gifts", queryset=Gift.objects.order_by("-given_on"), to_attr="recent_gifts"))
    return contacts.in_bulk(contact_ids)


def birthday_rows(user, start, end):
    """The birthday list (K-40) for a period: contacts, their solar birthday and their last gift (K-43)."""
    found = birthdays_between(start, end, owners=people_served_by(user))
    by_id = _with_gifts([contact_id for contact_id, _owner, _day in found])
    return [BirthdayRow(by_id[contact_id], day) for contact_id, _owner, day in found if contact_id in by_id]


def birthday_rows_for(users, start, end):
    """{user pk: birthday_rows(user, start, end)} for many recipients in a fixed number of queries:
    one pass over the period's birthdays, one fetch of their contacts. The monthly lists' job asked
    birthday_rows once per recipient, each a pass over every contact's birthday (451 lists, over
    7 min at 100k accounts: docs/PERFORMANCE.md)."""
    if not users:
        return {}
    found = birthdays_between(start, end)
    by_id = _with_gifts({contact_id for contact_id, _owner, _day in found})
    teams = {}
    for member, supervisor in User.objects.filter(team__supervisor__in=users).values_list("pk", "team__supervisor"):
        teams.setdefault(supervisor, set()).add(member)
    everyone, by_owner = [], {}
    for contact_id, owner, day in found:  # in the list's order: by birthday, then contact
        if contact_id in by_id:
            row = (day, contact_id, BirthdayRow(by_id[contact_id], day))
            everyone.append(row)
            by_owner.setdefault(owner, []).append(row)
    rows = {}
    for user in users:
        if user.is_admin:
            mine = everyone
        else:
            served = {user.pk} | (teams.get(user.pk, set()) if user.is_supervisor else set())
            mine = sorted(row for owner in served for row in by_owner.get(owner, []))
        rows[user.pk] = [row for _day, _contact, row in mine]
    return rows


@dataclass(frozen=True)
class HolidayDay:
    """One holiday of a calendar's year, as the care settings page lists it (K-41)."""

    day: date
    name: str
    due_on: date  # when its greeting tasks fall due: `days_ahead` before the day

    @property
    def is_past(self):
        return self.day < timezone.localdate()


def holiday_year(holiday_calendar, year=None):
    """The holidays a calendar will greet in a year, each named in the reader's language: what
    holiday_tasks_generate turns into tasks. None when the holidays package has no such calendar."""
    year = year or timezone.localdate().year
    try:
        days = holidays_between(holiday_calendar, date(year, 1, 1), date(year, 12, 31))
    except (NotImplementedError, KeyError):
        return None
    language = translation.get_language()
    return [HolidayDay(day, names.get(language) or names.get("en", ""),
                       day - timedelta(days=holiday_calendar.days_ahead)) for day, names in days]
