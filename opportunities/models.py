"""Opportunities and tenders (X-03): what K-32's "opens a tender", K-51's conversion and K-52's
loss analysis are measured on. An opportunity belongs to one account and moves through the
stages an admin keeps; every move leaves a StageChange."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account, Competitor, LostReason, ObjectionType, Order, ProductPosition
from contacts.models import BuyerRole
from core.money import currency_choices, default_currency, format_money
from core.search import MIN_LENGTH, bigram_index, bigram_match, reads_scope, scope_match


class StageQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(active=True)


class Stage(models.Model):
    """A step of the pipeline (lead → qualified → proposal → tender → negotiation → won / lost),
    named in the three languages, with the probability the forecast weighs an amount by."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Open")
        TENDER = "tender", _("Tender")  # K-32: an opportunity here is "an opportunity in a tender stage"
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    CLOSED = (Kind.WON, Kind.LOST)

    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (简体中文)"), max_length=100, blank=True)
    name_zh_hant = models.CharField(_("name (繁體中文)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0,
                                                help_text=_("Stages are shown and advanced in this order."))
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MaxValueValidator(100)],
        help_text=_("The chance an opportunity at this stage is won: the forecast weighs its amount by it."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OPEN)
    active = models.BooleanField(_("offered"), default=True,
                                 help_text=_("Untick to stop offering it; opportunities at it keep it."))

    objects = StageQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["name_en"], name="stage_name_unique"),
            models.CheckConstraint(name="stage_probability_percent", condition=Q(probability__lte=100)),
            models.CheckConstraint(name="stage_kind_valid", condition=Q(kind__in=["open", "tender", "won", "lost"])),
        ]

    def __str__(self):
        from core.text import in_reader_language

        return in_reader_language({"en": self.name_en, "zh-hans": self.name_zh_hans, "zh-hant": self.name_zh_hant})

    @property
    def is_closed(self):
        return self.kind in self.CLOSED


class OpportunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Team read (K-05): the opportunities of the accounts `user` may see."""
        if user.is_admin:
            return self
        return self.filter(account__in=Account.objects.visible_to(user).order_by().values("pk"))

    def open(self):
        return self.exclude(stage__kind__in=Stage.CLOSED)

    def in_tender(self):
        return self.filter(stage__kind=Stage.Kind.TENDER)

    def search(self, text, *, reader=None):
        """By the opportunity's name or its account's. Two characters or more through the bigram
        indexes (opportunity_name_bigram, account_name_bigram; core/search.py), as a UNION of the two
        lookups: an OR across the join could use neither and read every opportunity (an admin's
        `?q=steel`, 537 ms at 300k). Bigrams, not trigrams: a trigram index cannot answer two
        characters (扩容, 华为), and the account side has its bigram index for the global search.
        One character has no bigram and is only filtered. For a `reader` whose scope is small
        (core.search.reads_scope), the opportunities of their accounts are read instead."""
        if not text:
            return self
        if reads_scope(reader):
            return scope_match(self, ["name", "account__name"], text)
        exact = Q(name__icontains=text) | Q(account__name__icontains=text)
        if len(text) < MIN_LENGTH:
            return self.filter(exact)
        named = bigram_match(Opportunity.objects.order_by(), F("name"), text).values("pk")
        accounts = bigram_match(Account.objects.order_by(), F("name"), text).values("pk")
        of_accounts = Opportunity.objects.order_by().filter(account__in=accounts).values("pk")
        return self.filter(pk__in=named.union(of_accounts)).filter(exact)

    def with_list_columns(self):
        return self.select_related("account", "stage", "owner")


class OpportunityRecord(models.Model):
    """What an opportunity's history record carries beyond its columns (django-simple-history's
    `bases`): the record it follows, so a diff is read with the record in one query (the account
    timeline reads every opportunity's edits in one window), and the products, competitors and
    buyer roles as they stood (opportunities.history.links_of), which live in other tables."""

    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 db_constraint=False)
    links = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True


class Opportunity(models.Model):
    """A deal or a tender (商机 / 項目) at one account."""

    class TenderResult(models.TextChoices):
        PENDING = "pending", _("Waiting for the result")
        WON = "won", _("Awarded to us")
        LOST = "lost", _("Awarded to another bidder")
        CANCELLED = "cancelled", _("Tender cancelled")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="opportunities")
    name = models.CharField(_("name"), max_length=200)
    products = models.ManyToManyField(ProductPosition, verbose_name=_("products"), blank=True,
                                      related_name="opportunities",
                                      help_text=_("From the account's product map."))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=Decimal(0),
                                 validators=[MinValueValidator(Decimal(0))])
    currency = models.CharField(_("currency"), max_length=3, choices=currency_choices, default=default_currency,
                                db_default="CNY")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities")
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="opportunities")
    competitors = models.ManyToManyField(Competitor, verbose_name=_("competitors"), blank=True,
                                         related_name="opportunities")
    # Tender details
    tender_agency = models.CharField(_("tender agency"), max_length=200, blank=True)
    bid_deadline = models.DateField(_("bid deadline"), null=True, blank=True)
    bid_submitted_on = models.DateField(_("bid submitted on"), null=True, blank=True)
    tender_result = models.CharField(_("tender result"), max_length=10, choices=TenderResult.choices, blank=True)
    # On lost (K-52): from the lists an admin keeps, required when a person marks it lost.
    lost_reason = models.ForeignKey(LostReason, verbose_name=_("lost reason"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="opportunities")
    objection_type = models.ForeignKey(ObjectionType, verbose_name=_("objection type"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="opportunities")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    order = models.OneToOneField(Order, verbose_name=_("order"), on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="opportunity")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OpportunityQuerySet.as_manager()
    # Every edit (opportunities.history): the opportunity's page and the account timeline show it.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], bases=[OpportunityRecord])

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close", "pk"]
        constraints = [
            models.CheckConstraint(name="opportunity_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(name="opportunity_currency_code", condition=Q(currency__regex=r"^[A-Z]{3}$")),
            models.CheckConstraint(name="opportunity_tender_result_valid",
                                   condition=Q(tender_result__in=["", "pending", "won", "lost", "cancelled"])),
        ]
        indexes = [
            # tiering.engine's "in a tender stage" and the account page: an account's opportunities by stage.
            models.Index(fields=["account", "stage"], name="opportunity_account_stage_idx"),
            # The board and the list per manager.
            models.Index(fields=["owner", "stage"], name="opportunity_owner_stage_idx"),
            # The board's cards: each column's first by expected close (opportunities.selectors.board).
            models.Index(fields=["stage", "expected_close", "id"], name="opportunity_stage_close_idx"),
            # The forecast by month and the reminders of closes coming up.
            models.Index(fields=["expected_close"], name="opportunity_close_idx"),
            # The win rates' edge months (opportunities.facts): the closings of a few days.
            models.Index(fields=["closed_on"], name="opportunity_closed_on_idx", condition=Q(closed_on__isnull=False)),
            models.Index(fields=["bid_deadline"], name="opportunity_bid_deadline_idx",
                         condition=Q(bid_deadline__isnull=False)),
            # The list's search by name (OpportunityQuerySet.search): two characters or more.
            bigram_index(F("name"), name="opportunity_name_bigram"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("opportunities:detail", args=[self.pk])

    @property
    def amount_display(self):
        return format_money(self.amount, self.currency)

    @property
    def weighted_amount(self):
        return self.amount * self.stage.probability / 100


class OpportunityRole(models.Model):
    """A buyer-role holder of the account (K-11) involved in this opportunity, and where they stand on it."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="roles")
    buyer_role = models.ForeignKey(BuyerRole, verbose_name=_("buyer role"), on_delete=models.CASCADE,
                                   related_name="opportunity_roles")
    stance = models.SmallIntegerField(_("stance on this opportunity"), choices=BuyerRole.Support.choices,
                                      default=BuyerRole.Support.NEUTRAL)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("buyer role in the opportunity")
        verbose_name_plural = _("buyer roles in the opportunity")
        ordering = ["buyer_role__role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "buyer_role"], name="opportunity_role_unique"),
            models.CheckConstraint(name="opportunity_role_stance_range", condition=Q(stance__range=(-2, 2))),
        ]

    def __str__(self):
        return f"{self.buyer_role} · {self.get_stance_display()}"


class StageChange(models.Model):
    """One step of an opportunity's history: created at a stage, moved on, moved back, won, lost.
    K-51's conversion counts a touch followed by a created, advanced or won opportunity."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        ADVANCED = "advanced", _("Advanced")
        BACK = "back", _("Moved back")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        REOPENED = "reopened", _("Reopened")

    class Origin(models.TextChoices):
        TEAM = "team", _("Entered by the team")
        IMPORT = "import", _("Imported")
        MIGRATION = "migration", _("Migrated")

    PROGRESS = (Kind.CREATED, Kind.ADVANCED, Kind.WON)

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="changes")
    # Copied from the opportunity: the conversion report looks changes up by account and time.
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    from_stage = models.ForeignKey(Stage, verbose_name=_("from"), on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    to_stage = models.ForeignKey(Stage, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(_("when"))
    # K-51: only the team's own steps are conversions; an imported or migrated step records history
    # the team made elsewhere (or a checkbox ticked long ago), at the time it was loaded.
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.TEAM,
                              db_default="team")

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="stage_change_kind_valid", condition=Q(
                kind__in=["created", "advanced", "back", "won", "lost", "reopened"])),
            models.CheckConstraint(name="stage_change_origin_valid",
                                   condition=Q(origin__in=["team", "import", "migration"])),
        ]
        indexes = [
            # reports.analytics.conversion: did this account's pipeline move within N days of a touch?
            models.Index(fields=["account", "changed_at"], name="stage_change_account_at_idx"),
        ]

    def __str__(self):
        return f"{self.opportunity} → {self.to_stage}"


class PipelineFact(models.Model):
    """A cell of the pipeline's read model (opportunities.facts): the opportunities of one stage in one
    currency that fall in one cell, counted and summed. Kept by triggers on opportunities (and on
    account tiers for the tier cells); read by an admin's forecast and win rates."""

    stage = models.ForeignKey(Stage, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                              related_name="+")
    currency = models.CharField(max_length=3)
    opportunities = models.IntegerField()
    amount = models.DecimalField(max_digits=20, decimal_places=2)

    class Meta:
        abstract = True


class ForecastFact(PipelineFact):
    """Per stage, month of expected close (none: no date) and currency."""

    month = models.DateField(null=True, help_text="First day of the month of expected close.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "month", "currency"], name="forecast_fact_key",
                                               nulls_distinct=False)]

    def __str__(self):
        return f"{self.stage_id} {self.month} {self.amount} {self.currency}"


class ClosedFact(PipelineFact):
    """Per month of closing, stage, owner and currency: the win rates by owner."""

    month = models.DateField(help_text="First day of the month of closing.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              db_index=False, related_name="+")

    class Meta:
        # month first: a period's whole months are a range of the key
        constraints = [models.UniqueConstraint(fields=["month", "stage", "owner", "currency"],
                                               name="closed_fact_key")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.stage_id} {self.owner_id} {self.amount} {self.currency}"


class ClosedTierFact(PipelineFact):
    """Per month of closing, stage, the account's tier now and currency: the win rates by tier."""

    month = models.DateField(help_text="First day of the month of closing.")
    tier = models.ForeignKey("tiering.Tier", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "stage", "tier", "currency"],
                                               name="closed_tier_fact_key")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.stage_id} {self.tier_id} {self.amount} {self.currency}"
