from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Account
from tiering.defaults import DEFAULT_RULES_NOTE, DEFAULT_TIER_TEXTS


class Tier(models.Model):
    """A/B/C by default (K-30), but names, number and order are data (K-31)."""

    code = models.CharField(_("code"), max_length=10, help_text=_("Short label, e.g. A."))
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Strategic (战略级)"))
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the highest tier."))
    description = models.TextField(_("who belongs here"), blank=True)
    benefits = models.TextField(_("service benefits"), blank=True,
                                help_text=_("What accounts of this tier get, e.g. a dedicated manager."))
    is_default = models.BooleanField(_("default tier"), default=False,
                                     help_text=_("Accounts that no rule matches go here."))

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="tier_code_unique"),
            models.UniqueConstraint(fields=["rank"], name="tier_rank_unique"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="tier_one_default"),
        ]

    def __str__(self):
        return f"{self.code} · {self.name_display}"

    # The default tiers' words were written by the installer (tiering.defaults), so they are shown
    # in the reader's language; what an admin types is shown as typed.
    @property
    def name_display(self):
        return DEFAULT_TIER_TEXTS.get(self.name, self.name)

    @property
    def description_display(self):
        return DEFAULT_TIER_TEXTS.get(self.description, self.description)

    @property
    def benefits_display(self):
        return DEFAULT_TIER_TEXTS.get(self.benefits, self.benefits)


class CadenceRequirement(models.Model):
    """How often an account of a tier must be touched, and how (K-30)."""

    class ChannelGroup(models.TextChoices):
        ON_SITE = "on_site", _("On-site visit")
        ONLINE = "online", _("Online touch (phone, video, e-mail, SMS, WeChat)")
        EMAIL_SMS = "email_sms", _("E-mail or SMS")
        ANY = "any", _("Any touch")

    class Period(models.TextChoices):
        CALENDAR_MONTH = "calendar_month", _("per calendar month")
        DAYS = "days", _("every N days")

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="requirements")
    channel_group = models.CharField(_("touch"), max_length=20, choices=ChannelGroup.choices)
    touches = models.PositiveSmallIntegerField(_("at least"), default=1, validators=[MinValueValidator(1)])
    period = models.CharField(_("period"), max_length=20, choices=Period.choices, default=Period.CALENDAR_MONTH)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True,
                                            validators=[MinValueValidator(1), MaxValueValidator(366)],
                                            help_text=_("For “every N days”."))

    class Meta:
        verbose_name = _("cadence requirement")
        verbose_name_plural = _("cadence requirements")
        constraints = [
            models.CheckConstraint(name="cadence_days_when_rolling",
                                   condition=Q(period="calendar_month", days__isnull=True)
                                   | Q(period="days", days__gte=1)),
            models.CheckConstraint(name="cadence_touches_positive", condition=Q(touches__gte=1)),
        ]

    def __str__(self):
        if self.period == self.Period.DAYS:
            return ngettext("%(n)s × %(touch)s every day", "%(n)s × %(touch)s every %(days)s days", self.days) % {
                "n": self.touches, "touch": self.get_channel_group_display(), "days": self.days}
        return _("%(n)s × %(touch)s per calendar month") % {
            "n": self.touches, "touch": self.get_channel_group_display()}


class AccountTier(models.Model):
    """An account's current tier and where it came from."""

    class Source(models.TextChoices):
        INITIAL = "initial", _("Initial")
        REVIEW = "review", _("Quarterly review")
        OVERRIDE = "override", _("Manual override")

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True, related_name="tier_state")
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="accounts")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.INITIAL)
    override_reason = models.TextField(_("override reason"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    set_at = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("account tier")
        verbose_name_plural = _("account tiers")
        constraints = [
            models.CheckConstraint(name="account_tier_override_has_reason",
                                   condition=~Q(source="override") | ~Q(override_reason="")),
        ]
        indexes = [models.Index(fields=["tier"], name="account_tier_tier_idx")]

    def __str__(self):
        return f"{self.account_id}: {self.tier_id}"

    @property
    def is_override(self):
        return self.source == self.Source.OVERRIDE


class TierChange(models.Model):
    """The history of an account's tier (K-32): from, to, when, who, why.

    What the system says about a change is a key with parameters, put into words when shown
    (tiering.evidence): "first" (the first evaluation placed it) and "review" (a quarterly review
    approved a proposal), each with the evidence of the rule that placed it. `reason` is what a
    person wrote: the override's reason, the supervisor's note."""

    class ReasonKey(models.TextChoices):
        FIRST = "first", _("First evaluation")
        REVIEW = "review", _("Quarterly review")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=AccountTier.Source.choices)
    reason = models.TextField(_("why"), blank=True)
    reason_key = models.CharField(max_length=20, choices=ReasonKey.choices, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"], name="tier_change_account_idx")]

    def __str__(self):
        return f"{self.account_id}: {self.from_tier_id} → {self.to_tier_id}"

    @property
    def reason_display(self):
        """The reason in the reader's language: the system's words from the key and its evidence,
        then what a person wrote. (Rows older than the key said "First evaluation" in English.)"""
        from tiering.evidence import change_reason

        return change_reason(self)


FIRST_EVALUATION = "First evaluation"  # what the first-tier job wrote before the reason was shown translated


class RuleSet(models.Model):
    """A version of the tier rules (K-31). Saved rules never change: an edit is a new version."""

    version = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="rule_set_version_unique"),
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="rule_set_one_active"),
        ]

    def __str__(self):
        return f"v{self.version}"

    @property
    def note_display(self):
        """The default rules' note, written by the installer, in the reader's language."""
        return _("Default rules (K-30)") if self.note == DEFAULT_RULES_NOTE else self.note



class Rule(models.Model):
    """One rule: when every filled-in condition holds, the account gets `tier`.
    Rules are tried in `position` order; the first match wins."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("priority"), help_text=_("1 is tried first."))
    label = models.CharField(_("label"), max_length=100, blank=True,
                             help_text=_("What the rule is for, in a few words: the review shows it beside the rule's "
                                         "number, e.g. “Opens a tender”."))
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="+")
    min_order_value = models.DecimalField(_("order value (12 months) at least"), max_digits=14, decimal_places=2,
                                          null=True, blank=True)
    max_order_value = models.DecimalField(_("order value (12 months) below"), max_digits=14, decimal_places=2,
                                          null=True, blank=True)
    min_growth = models.DecimalField(_("growth at least (%)"), max_digits=7, decimal_places=2, null=True,
                                     blank=True, help_text=_("Last 12 months against the 12 before."))
    max_growth = models.DecimalField(_("growth below (%)"), max_digits=7, decimal_places=2, null=True,
                                     blank=True, help_text=_("e.g. -20 for accounts shrinking by a fifth."))
    min_potential = models.PositiveSmallIntegerField(_("potential at least"), null=True, blank=True,
                                                     validators=[MinValueValidator(1), MaxValueValidator(5)])
    kinds = ArrayField(models.CharField(max_length=20, choices=Account.Kind.choices), default=list, blank=True,
                       verbose_name=_("key-account kinds"), help_text=_("Empty: any kind."))
    in_tender = models.BooleanField(_("opportunity in a tender stage"), null=True, blank=True,
                                    help_text=_("Yes: only accounts with an opportunity at a tender stage; No: only "
                                                "without; empty: either."))
    top_revenue_percent = models.DecimalField(_("in the top % by revenue"), max_digits=5, decimal_places=2,
                                              null=True, blank=True,
                                              validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "position"], name="rule_position_unique")]

    def __str__(self):
        return f"{self.position}. → {self.tier_id}"


class TierReview(models.Model):
    """The quarterly review of one team (K-32): the supervisor decides each proposal."""

    team = models.ForeignKey("users.Team", verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="tier_reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tier review")
        verbose_name_plural = _("tier reviews")
        ordering = ["-year", "-quarter", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "year", "quarter"], name="tier_review_once_per_quarter"),
            models.CheckConstraint(name="tier_review_quarter_1_to_4", condition=Q(quarter__range=(1, 4))),
        ]

    def __str__(self):
        return f"{self.team} {self.year}-Q{self.quarter}"


class TierProposal(models.Model):
    """A change the rules propose, with the measures behind it; never applied silently."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tier_proposals")
    review = models.ForeignKey(TierReview, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="proposals")
    from_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="proposals_to")
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="proposals")
    rule_position = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("tier proposal")
        verbose_name_plural = _("tier proposals")
        ordering = ["-created_at"]
        constraints = [
            # The evaluation job upserts on this key: one open proposal per account, however often it runs.
            models.UniqueConstraint(fields=["account"], condition=Q(status="pending"),
                                    name="tier_proposal_one_pending"),
            # K-32: a rejection says why; the account's tier history shows it.
            models.CheckConstraint(name="tier_proposal_rejection_has_reason",
                                   condition=~Q(status="rejected") | ~Q(note="")),
        ]

    def __str__(self):
        return f"{self.account_id}: {self.from_tier_id} → {self.to_tier_id}"

    @property
    def is_upgrade(self):
        return self.from_tier is None or self.to_tier.rank < self.from_tier.rank

    @property
    def against_override(self):
        """The rules disagree with a tier set by hand: shown at every quarterly review (K-32)."""
        return bool(self.evidence.get("override"))


class CadenceTouches(models.Model):
    """The read model of cadence (issue 19): per account, the most recent touch times of each
    channel group (tiering.cadence.CHANNELS), newest first, and whether every active contact is in
    a silent period (K-25). tiering.cadence reads the N-th touch at a checkpoint from here instead of
    from the visits; the tiers, requirements and statuses it joins as they are.

    Kept current by the database itself (triggers on visits and contacts, tiering.cadence.
    READ_MODEL_SQL), so imports, the admin and raw SQL keep it too; `cadence_rebuild` builds it whole
    (after a load that bypasses triggers, e.g. the bench's seed). No foreign key: the row is a
    cache of the account's visits, written inside the visits' own statements, and an account
    deleted leaves a row nothing reads."""

    account = models.OneToOneField(Account, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+")
    # How many touches each array keeps at most (when written): an array shorter than this holds all
    # of the group's touches; a full one answers a checkpoint only while it holds N touches up to it.
    kept = models.PositiveSmallIntegerField()
    silent = models.BooleanField()
    times_on_site = ArrayField(models.DateTimeField())
    times_online = ArrayField(models.DateTimeField())
    times_email_sms = ArrayField(models.DateTimeField())
    times_any = ArrayField(models.DateTimeField())

    class Meta:
        verbose_name = _("cadence touches")
        verbose_name_plural = _("cadence touches")

    def __str__(self):
        return str(self.account_id)


class TierTally(models.Model):
    """The admin dashboard's counts (issue 19), kept by the database (tiering.tally): accounts per
    tier (`kind` "tier", `tier_id` the tier), tiers set by hand ("override") and customers without a
    tier ("untiered"; both with `tier_id` 0). Read as a few rows instead of counting 100k tier rows
    and accounts on every request."""

    kind = models.CharField(max_length=10)
    tier_id = models.BigIntegerField()
    accounts = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "tier_id"], name="tier_tally_key")]

    def __str__(self):
        return f"{self.kind} {self.tier_id}: {self.accounts}"
