from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Concat, Reverse, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account
from core.calendars import lunar_date_text, lunar_in_solar_year, month_day_text
from core.fields import NarrowCharField
from core.search import (
    MIN_LENGTH,
    bigram_index,
    bigram_match,
    character_index,
    character_match,
    reads_scope,
    scope_match,
)

# What the global search finds a contact by (issue 23): name, e-mail and WeChat ID in one bigram
# index (core/search.py); the mobile by its digits only (13800138000 finds 138 0013 8000), from its
# start or its end, in two btree indexes. Not by bigrams: ten digits make only a hundred of them, so
# "13800138" matched nearly every contact's bigrams and PostgreSQL rechecked a million rows (an
# admin's search timed out after 30 s in make bench, 2026-12-02).
MOBILE_DIGITS = models.Func(F("mobile"), models.Value("[^0-9]"), models.Value(""), models.Value("g"),
                            function="regexp_replace", output_field=models.CharField())
MOBILE_DIGITS_REVERSED = Reverse(MOBILE_DIGITS)
SEARCH_TEXT = Concat("name", models.Value("|"), "email", models.Value("|"), "wechat", output_field=models.TextField())

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{4,22}[0-9](?:\s*(?:ext\.?|x|转|轉)\s*[0-9]{1,6})?$",
    _("Enter a phone number of digits, spaces, dashes or brackets, e.g. 138 0013 8000 or +86 21-6123-4567."),
)
ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class TouchScale:
    """K-13: our degree of contact with a person, computed from the touches logged with them.

    A touch is a logged visit or touch (visits) that lists the person among the contacts met,
    except a call, e-mail or message they did not answer. Recency and frequency decide:

    5 close       last touch within 30 days, and 6 or more touches in the last 180 days
    4 regular     last touch within 60 days, and 3 or more touches in the last 180 days
    3 occasional  last touch within 90 days
    2 distant     last touch within 365 days
    1 none        no touch for a year, or never

    visits.services keeps it after every touch logged, changed or deleted, and a nightly job
    lets it fall as time passes without one. The manager's own rating (BuyerRole.contact_level)
    stays beside it; where the two are more than one step apart, the danger rules take this one.
    """

    WINDOW_DAYS = 180
    # (level, last touch at most this many days ago, at least this many touches in the window)
    STEPS = [(5, 30, 6), (4, 60, 3), (3, 90, 0), (2, 365, 0)]
    NONE = 1
    LABELS = {5: _("close"), 4: _("regular"), 3: _("occasional"), 2: _("distant"), 1: _("none")}
    TRUSTED_GAP = 1  # steps of disagreement the manager's rating may have before the computed one counts

    @classmethod
    def level_sql(cls, last, recent, now):
        """The level as SQL, from a last-touch timestamp, a touch count in the window and `now`."""
        steps = " ".join(f"WHEN {last} > {now} - interval '{days} days' AND {recent} >= {count} THEN {level}"
                         for level, days, count in cls.STEPS)
        return f"CASE {steps} ELSE {cls.NONE} END"

    @classmethod
    def effective(cls, rating, computed):
        """The level the danger rules use: the computed one when it is known and further than one
        step from the manager's rating, else the rating."""
        if computed is not None and abs(computed - rating) > cls.TRUSTED_GAP:
            return computed
        return rating


class ContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Contact.Status.ACTIVE, archived_at__isnull=True)

    def visible_to(self, user):
        live = self.filter(archived_at__isnull=True)
        if user.is_admin:
            # Every account: `account_id IN (all accounts)` would only make PostgreSQL join them.
            return live
        return live.filter(account__in=Account.objects.visible_to(user))

    def search(self, text, *, reader=None):
        """The list's search by name, index-served at a million contacts (core/search.py): two
        characters or more through contact_search_bigram (its name part), one (a surname, 王)
        through contact_name_chars. contact_name_trgm answers neither: with no trigram in the text
        every row came back for the recheck (an admin's `?q=王`, 1.1 s in make bench).
        For a `reader` whose scope is small (core.search.reads_scope), the contacts of their
        accounts are read instead."""
        if not text:
            return self
        if reads_scope(reader):
            return scope_match(self, ["name"], text)
        if len(text) >= MIN_LENGTH:
            return bigram_match(self, SEARCH_TEXT, text).filter(name__icontains=text)
        return character_match(self, F("name"), text).filter(name__icontains=text)

    def with_roles(self):
        """Each contact's buyer-role codes as `role_codes`, in the list's own query: a subquery, so
        that filtering by one role still shows all of a contact's roles, and no prefetch query."""
        codes = (BuyerRole.objects.filter(contact=OuterRef("pk")).order_by().values("contact")
                 .annotate(codes=ArrayAgg("role")).values("codes"))
        return self.annotate(role_codes=Subquery(codes))


class Contact(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class Calendar(models.TextChoices):
        SOLAR = "solar", _("Solar (公历)")
        LUNAR = "lunar", _("Lunar (农历)")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WECHAT = "wechat", _("WeChat")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        VISIT = "visit", _("Visit")

    class Personality(models.TextChoices):
        TIGER = "tiger", _("Tiger — decisive, wants results")
        PEACOCK = "peacock", _("Peacock — expressive, wants recognition")
        OWL = "owl", _("Owl — analytical, wants facts")
        KOALA = "koala", _("Koala — steady, wants security")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left the company")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    reports_to = models.ForeignKey(
        "self", verbose_name=_("reports to"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="reports", help_text=_("A contact of the same account."),
    )
    phone = NarrowCharField(_("phone"), max_length=40, blank=True, validators=[phone_validator])
    mobile = NarrowCharField(_("mobile"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat ID"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    # Birthday (K-10): a lunar birthday is kept as the lunar month and day and
    # converted to this year's solar date by the care engine.
    birthday_calendar = models.CharField(
        _("birthday calendar"), max_length=10, choices=Calendar.choices, default=Calendar.SOLAR,
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    birth_month = models.PositiveSmallIntegerField(_("birth month"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("birth day"), null=True, blank=True)
    birth_leap_month = models.BooleanField(
        _("leap month"), default=False, help_text=_("Lunar only: born in the leap (闰/閏) month."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True,
        help_text=_("The language greetings to them are drafted in; empty: the account's."),
    )
    preferred_channel = models.CharField(_("preferred channel"), max_length=10, choices=Channel.choices, blank=True)
    contact_rhythm = models.CharField(
        _("rhythm"), max_length=200, blank=True, help_text=_("e.g. an update by e-mail every Tuesday"),
    )
    hobbies = models.TextField(_("hobbies"), blank=True)
    family_notes = models.TextField(_("family notes"), blank=True)
    personality = models.CharField(_("personality style"), max_length=10, choices=Personality.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # K-25, kept by visits.services after every logged touch: two unanswered
    # touches in a row start a silent period, a reply ends it.
    silent_since = models.DateTimeField(_("silent since"), null=True, blank=True)
    # K-13, kept by visits.services (after every touch) and a nightly job (time passing): see TouchScale.
    touch_level = models.PositiveSmallIntegerField(_("degree of contact from visits"), null=True, blank=True,
                                                   validators=ONE_TO_FIVE)
    last_touched_at = models.DateTimeField(_("last touch"), null=True, blank=True)
    # db_default: raw bulk loads (bench/seed_sql.py) that name no such column still insert
    recent_touches = models.PositiveIntegerField(_("touches in the last 180 days"), default=0, db_default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["touch_level", "last_touched_at", "recent_touches"])  # computed
    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="contact_not_own_manager", condition=~Q(reports_to=models.F("pk"))),
            models.CheckConstraint(
                name="contact_birthday_complete",
                # Spelled out in full: a CHECK that yields NULL (half a birthday) would pass.
                condition=Q(birth_month__isnull=True, birth_day__isnull=True)
                | Q(birth_month__isnull=False, birth_day__isnull=False, birth_month__range=(1, 12), birth_day__gte=1),
            ),
            models.CheckConstraint(
                name="contact_birthday_day_in_month",
                condition=Q(birth_day__isnull=True)
                | Q(birthday_calendar="lunar", birth_day__lte=30)
                | Q(birthday_calendar="solar", birth_month=2, birth_day__lte=29)
                | Q(birthday_calendar="solar", birth_month__in=[4, 6, 9, 11], birth_day__lte=30)
                | Q(birthday_calendar="solar", birth_month__in=[1, 3, 5, 7, 8, 10, 12], birth_day__lte=31),
            ),
            models.CheckConstraint(
                name="contact_leap_month_is_lunar", condition=Q(birth_leap_month=False) | Q(birthday_calendar="lunar"),
            ),
            models.CheckConstraint(
                name="contact_left_has_date", condition=Q(status="active") | Q(left_on__isnull=False),
            ),
            models.CheckConstraint(name="contact_touch_level_1_to_5",
                                   condition=Q(touch_level__isnull=True) | Q(touch_level__range=(1, 5))),
        ]
        indexes = [
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="contact_name_trgm"),
            # hub.search: a two-character name among a million contacts (core/search.py).
            bigram_index(SEARCH_TEXT, name="contact_search_bigram"),
            # The contact list's search by one character, a surname (ContactQuerySet.search).
            character_index(F("name"), name="contact_name_chars"),
            models.Index(OpClass(MOBILE_DIGITS, name="text_pattern_ops"),
                         name="contact_mobile_start_idx"),
            models.Index(OpClass(MOBILE_DIGITS_REVERSED, name="text_pattern_ops"),
                         name="contact_mobile_end_idx"),
            # The care engine's birthday jobs look contacts up by month and day.
            models.Index(fields=["birth_month", "birth_day"], name="contact_birthday_idx"),
            # care.services.silent_email_tasks_generate: the few contacts in a silent period (K-25).
            models.Index(fields=["silent_since"], condition=Q(silent_since__isnull=False), name="contact_silent_idx"),
            # visits.services.contact_touch_levels_sweep: the contacts whose last touch crossed a step
            # of TouchScale since the last run, and the ones never computed (issue 19).
            models.Index(fields=["last_touched_at"], condition=Q(last_touched_at__isnull=False),
                         name="contact_last_touched_idx"),
            models.Index(fields=["id"], condition=Q(touch_level__isnull=True), name="contact_level_unknown_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("contacts:detail", args=[self.pk])

    @property
    def role_labels(self):
        """The labels of `with_roles()`'s codes, in the method's order of the four roles."""
        order = BuyerRole.Role.values
        return [BuyerRole.Role(code).label for code in sorted(set(self.role_codes or ()), key=order.index)]

    @property
    def has_left(self):
        return self.status == self.Status.LEFT

    @property
    def touch_level_text(self):
        """The degree of contact computed from the visits (K-13, TouchScale), in words."""
        from django.utils.translation import gettext, ngettext

        if self.touch_level is None:
            return gettext("not computed yet")
        level = gettext("%(level)s/5 (%(label)s)") % {"level": self.touch_level,
                                                     "label": TouchScale.LABELS[self.touch_level]}
        if self.last_touched_at is None:
            return gettext("%(level)s: no touch logged") % {"level": level}
        return ngettext("%(level)s: last touch %(date)s, %(n)s touch in 180 days",
                        "%(level)s: last touch %(date)s, %(n)s touches in 180 days", self.recent_touches) % {
            "level": level, "date": timezone.localdate(self.last_touched_at).isoformat(), "n": self.recent_touches}

    @property
    def birthday_display(self):
        """The birthday as the reader writes it: a lunar one as 农历八月十五 with this year's solar
        date beside it, since that is the day the call is due (K-10, K-40)."""
        if self.birthday_calendar != self.Calendar.LUNAR or not self.birth_month:
            return self.birthday_text
        this_year = lunar_in_solar_year(timezone.localdate().year, self.birth_month, self.birth_day,
                                        self.birth_leap_month)
        if this_year is None:
            return self.birthday_text
        return _("%(birthday)s (this year %(date)s)") % {
            "birthday": self.birthday_text, "date": month_day_text(this_year)}

    @property
    def birthday_text(self):
        """The birthday alone, as exports write it and the importer reads it back."""
        if not self.birth_month:
            return ""
        if self.birthday_calendar == self.Calendar.LUNAR:
            return lunar_date_text(self.birth_month, self.birth_day, self.birth_leap_month, self.birth_year)
        year = f"{self.birth_year}-" if self.birth_year else ""
        return f"{year}{self.birth_month:02d}-{self.birth_day:02d}"


class BuyerRole(models.Model):
    """A contact's role in the purchase (K-11) with its configuration (K-12) and
    service plan (K-14). The four roles are fixed by the method, not configurable."""

    class Role(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision-maker")
        GATEKEEPER = "gatekeeper", _("Technical gatekeeper")
        USER = "user", _("User")
        COACH = "coach", _("Coach")

    class Support(models.IntegerChoices):
        OPPOSED = -2, _("Opposed")
        SKEPTICAL = -1, _("Sceptical")
        NEUTRAL = 0, _("Neutral")
        SUPPORTIVE = 1, _("Supportive")
        CHAMPION = 2, _("Champion")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="buyer_roles")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    duties = models.CharField(_("position and duties"), max_length=200, blank=True)
    influence = models.PositiveSmallIntegerField(
        _("influence on the purchase"), default=3, validators=ONE_TO_FIVE, help_text=_("1 (little) to 5 (decisive)"),
    )
    support = models.SmallIntegerField(_("support for us"), choices=Support.choices, default=Support.NEUTRAL)
    contact_level = models.PositiveSmallIntegerField(
        _("our degree of contact"), default=3, validators=ONE_TO_FIVE, help_text=_("1 (never met) to 5 (close)"),
    )
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("our counterpart"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="counterpart_roles",
    )
    # Role service plan (K-14)
    plan_goal = models.CharField(_("goal"), max_length=200, blank=True)
    plan_method = models.CharField(_("method"), max_length=200, blank=True)
    plan_timing = models.CharField(_("timing"), max_length=100, blank=True)
    plan_next_action = models.CharField(_("next action"), max_length=200, blank=True)
    plan_frequency = models.CharField(_("frequency"), max_length=100, blank=True, help_text=_("e.g. monthly"))
    plan_next_review_on = models.DateField(_("next review"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("buyer role")
        verbose_name_plural = _("buyer roles")
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "role"], name="buyer_role_once_per_contact"),
            models.CheckConstraint(name="buyer_role_influence_1_to_5", condition=Q(influence__range=(1, 5))),
            models.CheckConstraint(name="buyer_role_contact_1_to_5", condition=Q(contact_level__range=(1, 5))),
            models.CheckConstraint(name="buyer_role_support_range", condition=Q(support__range=(-2, 2))),
        ]
        indexes = [
            # care.services.role_review_tasks_generate: the service plans due for review (K-14).
            models.Index(fields=["plan_next_review_on"], condition=Q(plan_next_review_on__isnull=False),
                         name="buyer_role_plan_review_idx"),
        ]

    def __str__(self):
        return f"{self.contact} · {self.get_role_display()}"

    DANGER_INFLUENCE = 4   # K-13: influence this high …
    DANGER_CONTACT = 2     # … with contact this low is a danger zone

    @property
    def computed_contact_level(self):
        """Our degree of contact with the holder, from the touches logged (TouchScale); None until computed."""
        return self.contact.touch_level

    @property
    def effective_contact_level(self):
        return TouchScale.effective(self.contact_level, self.computed_contact_level)

    @property
    def computed_contact_text(self):
        """"2/5 (distant): last touch 2026-05-01, 1 touch in 180 days" — beside the manager's rating."""
        return self.contact.touch_level_text

    @property
    def rating_overruled(self):
        """The visits logged tell another story than the manager's rating: the danger rules use them."""
        return self.effective_contact_level != self.contact_level

    @property
    def is_danger_zone(self):
        """K-13: high influence with little contact (the computed contact when the rating is off)."""
        return self.influence >= self.DANGER_INFLUENCE and self.effective_contact_level <= self.DANGER_CONTACT


NEXT_REVIEW_AFTER = _("The next review comes after this one: choose a later day.")


class RolePlanReview(models.Model):
    """One review of a role holder's service plan (K-14): when, what came of it, when the next is due.
    Recording one moves the role's next review date; the care engine turns a due date into a task."""

    role = models.ForeignKey(BuyerRole, verbose_name=_("buyer role"), on_delete=models.CASCADE,
                             related_name="plan_reviews")
    reviewed_on = models.DateField(_("date"))
    outcome = models.TextField(_("outcome"), help_text=_("What the review found and what changes in the plan."))
    next_review_on = models.DateField(_("next review"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service-plan review")
        verbose_name_plural = _("service-plan reviews")
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="role_plan_review_next_after", violation_error_message=NEXT_REVIEW_AFTER,
                                   condition=Q(next_review_on__gt=F("reviewed_on"))),
            models.CheckConstraint(name="role_plan_review_has_outcome", condition=~Q(outcome="")),
        ]
        # The review page lists a role's reviews, newest first.
        indexes = [models.Index(fields=["role", "-reviewed_on"], name="role_plan_review_idx")]

    def __str__(self):
        return f"{self.role} {self.reviewed_on}"


class Relationship(models.Model):
    """Who is allied with, rivals or influences whom at an account (K-16)."""

    class Kind(models.TextChoices):
        ALLY = "ally", _("is an ally of")
        RIVAL = "rival", _("is a rival of")
        INFLUENCES = "influences", _("influences")

    from_contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="relationships_from")
    to_contact = models.ForeignKey(
        Contact, verbose_name=_("other contact"), on_delete=models.CASCADE, related_name="relationships_to",
    )
    kind = models.CharField(_("relationship"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(fields=["from_contact", "to_contact", "kind"], name="relationship_unique"),
            models.CheckConstraint(name="relationship_not_self", condition=~Q(from_contact=models.F("to_contact"))),
        ]

    def __str__(self):
        return f"{self.from_contact} {self.get_kind_display()} {self.to_contact}"


class DecisionStep(models.Model):
    """One step of the account's decision process (K-03), in order."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="decision_steps")
    position = models.PositiveSmallIntegerField(_("step"))
    description = models.CharField(_("what happens"), max_length=200)
    responsible = models.ForeignKey(
        Contact, verbose_name=_("responsible contact"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="decision_steps",
    )

    class Meta:
        verbose_name = _("decision-process step")
        verbose_name_plural = _("decision-process steps")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["account", "position"], name="decision_step_position_unique")]

    def __str__(self):
        return f"{self.position}. {self.description}"


class SelfQuestionReview(models.Model):
    """The five self-questions (K-15), answered and dated, per account."""

    QUESTIONS = [
        ("all_buyers", _("Are all buyers identified?")),
        ("unmet_buyers", _("Which buyer have we not met yet?")),
        ("coach", _("Who is the coach, and what do we need from them?")),
        ("changes", _("Has buying power changed — new faces, a reorganisation? Do we know who holds final authority?")),
        ("outline", _("Is a question outline prepared?")),
        ("written", _("Has written communication been used?")),
    ]

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="self_question_reviews")
    reviewed_on = models.DateField(_("date"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.PROTECT, related_name="+",
    )
    all_buyers = models.TextField(QUESTIONS[0][1], blank=True)
    unmet_buyers = models.TextField(QUESTIONS[1][1], blank=True)
    coach = models.TextField(QUESTIONS[2][1], blank=True)
    changes = models.TextField(QUESTIONS[3][1], blank=True)
    outline = models.TextField(QUESTIONS[4][1], blank=True)
    written = models.TextField(QUESTIONS[5][1], blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("five self-questions review")
        verbose_name_plural = _("five self-questions reviews")
        ordering = ["-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["account", "-reviewed_on"], name="selfq_account_date_idx")]

    def __str__(self):
        return f"{self.account} {self.reviewed_on}"

    def answers(self):
        return [(label, getattr(self, field)) for field, label in self.QUESTIONS]


class PersonnelChange(models.Model):
    """A change on the customer's side (K-17): it flags the account until handled."""

    class Kind(models.TextChoices):
        LEFT = "left", _("Left the company")
        TITLE = "title", _("Changed title")
        ROLE = "role", _("Changed buyer role")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="personnel_changes")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    before = models.CharField(_("before"), max_length=200, blank=True)
    after = models.CharField(_("after"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    handled_at = models.DateTimeField(
        _("handled"), null=True, blank=True,
        help_text=_("Set when the role has a new holder or the change is dealt with."),
    )

    class Meta:
        verbose_name = _("personnel change")
        verbose_name_plural = _("personnel changes")
        ordering = ["-recorded_at"]
        indexes = [
            # The account flag and the care engine read unhandled changes.
            models.Index(fields=["account"], condition=Q(handled_at__isnull=True), name="personnel_change_open_idx"),
        ]

    def __str__(self):
        return f"{self.contact}: {self.get_kind_display()}"


class DangerScore(models.Model):
    """The read model of the danger ranking (issue 19): each account's danger score by the rules of
    contacts.dangers, kept by the database in the statements that change it (triggers on buyer roles
    and contacts, contacts.dangers.READ_MODEL) so an admin's map of every account ranks from a
    column instead of scoring 100k accounts per request. Every account has a row from its creation
    (a trigger on accounts), so the map can rank from this table's index. `danger_rebuild` builds it
    whole. No foreign key, as for tiering.CadenceTouches: a cache written inside the roles' own statements."""

    account = models.OneToOneField(Account, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="danger")
    score = models.PositiveSmallIntegerField()
    # The account's name beside its score (kept by a trigger on accounts): the admin's danger map
    # ranks by (score, name) from the index below alone, 20 rows read whatever the accounts.
    name = models.CharField(max_length=200, default="")

    class Meta:
        verbose_name = _("danger score")
        verbose_name_plural = _("danger scores")
        indexes = [models.Index(fields=["-score", "name", "account"], name="danger_rank_idx")]

    def __str__(self):
        return f"{self.account_id}: {self.score}"
