from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone, translation

from care.birthdays import birthdays_between
from care.models import Gift
from care.services import holidays_between
from contacts.models import Contact
from users.models import User


@dataclass
class BirthdayRow:
    contact: "Contact | ListedContact"
    birthday_on: date
    last_gift: Gift | None = None


def people_served_by(user):
    """Whose accounts' birthdays a person sees: their own, their team's (supervisors), or all (admins)."""
    if user.is_admin:
        return None
    if user.is_supervisor:
        return list(User.objects.filter(team__supervisor=user)) + [user]
    return [user]


def _last_gifts(contact_ids):
    """{contact id: its newest gift}: one row per contact, not every gift it was ever given."""
    gifts = Gift.objects.filter(contact_id__in=contact_ids).order_by("contact_id", "-given_on", "-pk")
    return {gift.contact_id: gift for gift in gifts.distinct("contact_id").only("contact_id", "given_on", "gift")}


def birthday_rows(user, start, end):
    """The birthday list (K-40) for a period: contacts, their solar birthday and their last gift (K-43)."""
    found = birthdays_between(start, end, owners=people_served_by(user))
    ids = [contact_id for contact_id, _owner, _day in found]
    by_id = Contact.objects.select_related("account__owner").in_bulk(ids)
    gifts = _last_gifts(ids)
    return [BirthdayRow(by_id[contact_id], day, gifts.get(contact_id))
            for contact_id, _owner, day in found if contact_id in by_id]


@dataclass(slots=True)
class ListedContact:
    """What a birthday line of the lists' e-mail reads of a contact (templates/care/email/birthdays.txt).
    Not a model instance: a month's lists hold every contact born in it (83k at 100k accounts), and
    building a Contact and its Account for each cost more than the lists' SQL."""

    pk: int
    name: str
    account_name: str
    birthday_calendar: str
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    birth_leap_month: bool

    @property
    def birthday_display(self):
        """Contact.birthday_display, in the language active now (one Contact for a lunar birthday)."""
        return Contact(birthday_calendar=self.birthday_calendar, birth_year=self.birth_year,
                       birth_month=self.birth_month, birth_day=self.birth_day,
                       birth_leap_month=self.birth_leap_month).birthday_display


LISTED_FIELDS = ("pk", "name", "account__name", "birthday_calendar", "birth_year", "birth_month", "birth_day",
                 "birth_leap_month")


def birthday_rows_for(users, start, end):
    """{user pk: birthday_rows(user, start, end)} for many recipients in a fixed number of queries:
    one pass over the period's birthdays, one fetch of their contacts. The monthly lists' job asked
    birthday_rows once per recipient, each a pass over every contact's birthday (451 lists, over
    7 min at 100k accounts: docs/PERFORMANCE.md)."""
    if not users:
        return {}
    found = birthdays_between(start, end)
    ids = {contact_id for contact_id, _owner, _day in found}
    by_id = {row[0]: ListedContact(*row) for row in Contact.objects.filter(pk__in=ids).values_list(*LISTED_FIELDS)}
    gifts = _last_gifts(ids)
    teams = {}
    for member, supervisor in User.objects.filter(team__supervisor__in=users).values_list("pk", "team__supervisor"):
        teams.setdefault(supervisor, set()).add(member)
    everyone, by_owner = [], {}
    for contact_id, owner, day in found:  # in the list's order: by birthday, then contact
        if contact_id in by_id:
            row = (day, contact_id, BirthdayRow(by_id[contact_id], day, gifts.get(contact_id)))
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
