from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.money import currency_choices, default_currency, format_money
from core.search import MIN_LENGTH, bigram_index, bigram_match, holds, reads_scope


class AccountQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def customers(self):
        """Not archived, and a customer (Account.CUSTOMER_STATUSES)."""
        return self.active().filter(status__in=self.model.CUSTOMER_STATUSES)

    def visible_to(self, user):
        """Accounts `user` may see (K-05): admins all; others what they own or
        serve on, their sales team's, the teams they lead, and the open prospect pool. Department
        staff none (X-02): they see an account's basics only on the work routed to them."""
        if user.is_admin:
            return self
        if user.is_department_staff:
            return self.none()
        return self.filter(pk__in=seen_by(user))

    def served_by(self, user):
        """Accounts `user` owns or serves on (K-05): a UNION of two index lookups, not an OR
        across the membership join, which scans every account (issue 19: 59 ms → 3 ms at 100k)."""
        branches = [Account.objects.filter(owner=user).order_by().values("pk"),
                    AccountTeamMember.objects.filter(user=user).order_by().values("account_id")]
        return self.filter(pk__in=branches[0].union(branches[1]))

    def editable_by(self, user):
        """Accounts `user` may change: what they own or serve on, and their teams' for supervisors."""
        if user.is_admin:
            return self
        served = AccountTeamMember.objects.filter(account=OuterRef("pk"), user=user)
        return self.filter(Q(owner=user) | Exists(served) | Q(owner__team__supervisor=user))

    def with_edit_flag(self, user):
        """Each account knows whether `user` may change it, in the same query (accounts.permissions)."""
        editable = Account.objects.editable_by(user).filter(pk=OuterRef("pk"))
        return self.annotate(**{Account.edit_flag(user): Exists(editable)})

    def search(self, text, *, reader=None):
        """The list's search by name: two characters or more through account_name_bigram (core/search.py),
        which also answers a two-character Chinese name; account_name_trgm cannot (no trigram in it).
        For a `reader` whose scope is small (core.search.reads_scope), the name is tested inside each
        branch of their scope instead, which its own index drives."""
        if not text:
            return self
        if reads_scope(reader):
            return self.filter(pk__in=seen_by(reader, holding=text))
        found = bigram_match(self, F("name"), text) if len(text) >= MIN_LENGTH else self
        return found.filter(name__icontains=text)

    def with_list_columns(self):
        # tier_state: tiering's AccountTier, joined by its related name (accounts does not import
        # tiering); the list and its download show each account's tier without a query per row.
        return self.select_related("owner", "parent", "tier_state__tier")


def seen_by(user, *, holding=None):
    """The pks of the accounts a manager or supervisor sees (AccountQuerySet.visible_to); with
    `holding`, only those whose name holds that text.

    A UNION of indexed branches, not an OR across joins: PostgreSQL can neither index nor
    estimate the OR (51k rows guessed for 2k) and then scans every visit for a report (make bench,
    docs/PERFORMANCE.md PERF-1). Each branch is an index lookup, and a name is tested inside each,
    on the few hundred rows the branch's index names, never against every account."""
    def narrowed(branch, name):
        if holding is None:
            return branch
        aliases, found = holds([name], holding)
        return branch.alias(**aliases).filter(found)

    accounts = Account.objects.order_by().values("pk")
    if user.is_department_staff:
        return accounts.none()  # as visible_to: not even the open pool
    branches = [
        narrowed(accounts.filter(owner=user), "name"),
        narrowed(AccountTeamMember.objects.filter(user=user).order_by().values("account_id"), "account__name"),
        narrowed(accounts.filter(owner__team__supervisor=user), "name"),
        narrowed(accounts.filter(owner__isnull=True, status=Account.Status.PROSPECT), "name"),
    ]
    if user.team_id:
        branches.append(narrowed(accounts.filter(owner__team_id=user.team_id), "name"))
    return branches[0].union(*branches[1:])


class ChurnChoiceQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(active=True)


class ChurnChoice(models.Model):
    """An entry of a list an admin keeps (K-52): named in each of the three languages,
    retired instead of deleted once an account uses it."""

    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (简体中文)"), max_length=100, blank=True)
    name_zh_hant = models.CharField(_("name (繁體中文)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered"), default=True,
                                 help_text=_("Untick to stop offering it; accounts that use it keep it."))

    objects = ChurnChoiceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name_en"]

    def __str__(self):
        from core.text import in_reader_language

        return in_reader_language({"en": self.name_en, "zh-hans": self.name_zh_hans, "zh-hant": self.name_zh_hant})


class LostReason(ChurnChoice):
    """Why a customer was lost (K-52, X-03): price, service, a competitor won, the need ended…"""

    class Meta(ChurnChoice.Meta):
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        constraints = [models.UniqueConstraint(fields=["name_en"], name="lost_reason_name_unique")]


class ObjectionType(ChurnChoice):
    """The customer's objection behind a loss (K-52): price, quality, trust, timing…"""

    class Meta(ChurnChoice.Meta):
        verbose_name = _("objection type")
        verbose_name_plural = _("objection types")
        constraints = [models.UniqueConstraint(fields=["name_en"], name="objection_type_name_unique")]


class Account(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard account")
        ECONOMIC = "economic", _("Economic key account")
        IMPORTANT = "important", _("Important key account")
        GROUP = "group", _("Group key account")
        STRATEGIC = "strategic", _("Strategic key account")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        AT_RISK = "at_risk", _("At risk")
        LOST = "lost", _("Lost")

    class RelationshipStyle(models.TextChoices):
        PRICE_SENSITIVE = "price_sensitive", _("Price-sensitive")
        PERSONALISED = "personalised", _("Personalised")
        STRATEGIC_PARTNER = "strategic_partner", _("Strategic partner")

    class Size(models.TextChoices):
        SMALL = "small", _("Small (under 100 staff)")
        MEDIUM = "medium", _("Medium (100–999 staff)")
        LARGE = "large", _("Large (1,000–9,999 staff)")
        ENTERPRISE = "enterprise", _("Enterprise (10,000+ staff)")

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    class SiteSource(models.TextChoices):
        ADMIN = "admin", _("Set by an admin")
        CHECK_IN = "check_in", _("Confirmed from a check-in")

    KEY_KINDS = (Kind.ECONOMIC, Kind.IMPORTANT, Kind.GROUP, Kind.STRATEGIC)
    # Customers: the accounts kept to a cadence, tiered and cared for (not prospects, not lost).
    CUSTOMER_STATUSES = (Status.ACTIVE, Status.AT_RISK)
    MIN_KEY_ACCOUNT_MANAGERS = 2  # K-05: no key account is one person's private line
    PROFILE_REVIEW_EVERY = 3  # K-02: every 3 communications, review the profile once

    # Base layer (K-01)
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=20, choices=Size.choices, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True, help_text=_("e.g. 华东 / Shanghai"))
    language = models.CharField(
        _("customer's language"), max_length=10, choices=settings.LANGUAGES, blank=True,
        help_text=_("Greetings to this customer's contacts are drafted in it; empty: the responsible manager's."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=currency_choices, default=default_currency, db_default="CNY",
        help_text=_("The currency of the account's orders and figures."),
    )
    founded_on = models.DateField(
        _("founding date"), null=True, blank=True,
        help_text=_("Used for company-anniversary care tasks."),
    )
    kind = models.CharField(_("key-account kind"), max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    relationship_style = models.CharField(
        _("relationship style"), max_length=20, choices=RelationshipStyle.choices, blank=True,
        help_text=_("The goal is to move customers from price-sensitive towards strategic partner."),
    )
    potential = models.PositiveSmallIntegerField(
        _("potential"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (little) to 5 (great): your judgement of the account's growth potential."),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent group"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="subsidiaries", help_text=_("For a subsidiary: the group account its figures roll up to."),
    )
    # Why a lost customer was lost (K-52): required when a person marks the account lost
    # (accounts.services.account_update); imports of history may leave them empty.
    lost_reason = models.ForeignKey(LostReason, verbose_name=_("lost reason"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="accounts")
    objection_type = models.ForeignKey(ObjectionType, verbose_name=_("objection type"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="accounts")
    # Needs layer
    explicit_needs = models.TextField(_("explicit needs"), blank=True)
    implicit_needs = models.TextField(
        _("implicit needs"), blank=True,
        help_text=_("What they worry about but do not say, e.g. that a new system disrupts operations."),
    )
    # Behaviour layer
    purchase_history = models.TextField(_("purchase history"), blank=True)
    competitor_opinion = models.TextField(_("opinion of competitors"), blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=20, choices=Sentiment.choices, blank=True)
    sentiment_notes = models.TextField(_("emotional feedback"), blank=True, help_text=_("e.g. price sensitivity"))
    # Responsibility (K-05)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible manager"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="owned_accounts",
    )
    team_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="AccountTeamMember", related_name="served_accounts",
        verbose_name=_("account team"), blank=True,
    )
    responsible_department = models.CharField(_("responsible department"), max_length=100, blank=True)
    executive_sponsor = models.CharField(
        _("executive sponsor"), max_length=100, blank=True,
        help_text=_("The executive of ours who backs this account."),
    )
    # Profile freshness (K-02): touches are counted as they are logged, not recounted per page.
    touches_since_review = models.PositiveIntegerField(_("touches since the last profile review"), default=0)
    profile_reviewed_at = models.DateTimeField(_("profile last reviewed"), null=True, blank=True)
    profile_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("profile reviewed by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    # The site, for on-site check-ins (issue 20): set by an admin, or confirmed from a first check-in.
    site_latitude = models.DecimalField(_("site latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                        validators=[MinValueValidator(-90), MaxValueValidator(90)])
    site_longitude = models.DecimalField(_("site longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                         validators=[MinValueValidator(-180), MaxValueValidator(180)])
    site_source = models.CharField(_("site location from"), max_length=20, choices=SiteSource.choices, blank=True,
                                   db_default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["touches_since_review", "updated_at"])
    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="account_potential_1_to_5", condition=Q(potential__range=(1, 5))),
            models.CheckConstraint(name="account_not_own_parent", condition=~Q(parent=models.F("pk"))),
            models.CheckConstraint(name="account_currency_code", condition=Q(currency__regex=r"^[A-Z]{3}$")),
            # A site is a point: both coordinates or neither, and where it came from.
            models.CheckConstraint(name="account_site_point",
                                   condition=Q(site_latitude__isnull=True, site_longitude__isnull=True, site_source="")
                                   | Q(site_latitude__range=(-90, 90), site_longitude__range=(-180, 180))
                                   & ~Q(site_source="")),
        ]
        indexes = [
            # AccountQuerySet.search(): trigram index for UPPER(name) LIKE '%…%'.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="account_name_trgm"),
            # hub.search: two-character names too, which trigrams cannot serve (core/search.py).
            bigram_index(models.F("name"), name="account_name_bigram"),
            # The list's default filters.
            models.Index(fields=["owner", "status"], name="account_owner_status_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("accounts:detail", args=[self.pk])

    @property
    def is_key_account(self):
        return self.kind in self.KEY_KINDS

    @property
    def has_site(self):
        return self.site_latitude is not None

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def needs_profile_review(self):
        return self.touches_since_review >= self.PROFILE_REVIEW_EVERY

    @staticmethod
    def edit_flag(user):
        """The annotation with_edit_flag() sets: named for the user, so it never answers for another."""
        return f"editable_by_{user.pk}"


class AccountTeamMember(models.Model):
    """A manager who serves an account beside its responsible manager (K-05)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("account team member")
        verbose_name_plural = _("account team members")
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="account_member_unique")]

    def __str__(self):
        return f"{self.account} · {self.user}"


class Competitor(models.Model):
    """A competitor at one account (K-04)."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="competitors",
    )
    name = models.CharField(_("competitor"), max_length=200)
    offer = models.TextField(_("their offer"), blank=True)
    strengths = models.TextField(_("their strengths"), blank=True)
    customer_opinion = models.TextField(_("the customer's opinion of them"), blank=True)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="competitor_unique_per_account")]

    def __str__(self):
        return self.name


class Order(models.Model):
    """An order or contract (K-08): the basis of value, tiering, CLV and concentration."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="orders")
    signed_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    # Carried by the order (a contract in US$ at a CNY account stays in US$); the account's when none is given.
    currency = models.CharField(_("currency"), max_length=3, choices=currency_choices, blank=True, db_default="CNY")
    product = models.CharField(_("product"), max_length=200)
    contract_months = models.PositiveSmallIntegerField(
        _("contract term (months)"), null=True, blank=True, help_text=_("Leave empty for a one-off order."),
    )
    reference = models.CharField(_("contract number"), max_length=100, blank=True)
    # The order's id in the ERP that sends it through the API: the second arrival of one order
    # updates the row the first made (accounts.services.order_upsert). Empty for orders typed in.
    external_id = models.CharField(_("ERP order id"), max_length=100, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="order_amount_positive", condition=Q(amount__gt=Decimal(0))),
            models.CheckConstraint(name="order_currency_code", condition=Q(currency__regex=r"^[A-Z]{3}$")),
            # order_upsert looks the order up by it; two arrivals of one ERP order are one row.
            models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""),
                                    name="order_external_id_unique"),
        ]
        indexes = [
            models.Index(fields=["account", "signed_on"], name="order_account_date_idx"),
            # visits.services.after_sales_schedule: the orders signed in the last few days, every 15 minutes.
            models.Index(fields=["signed_on"], name="order_signed_idx"),
        ]

    def __str__(self):
        return f"{self.product} {format_money(self.amount, self.currency)}"

    def clean(self):
        # An order given no currency of its own has the account's (the database's default is only
        # for rows written by SQL, e.g. the bench seed).
        if (not self.currency or isinstance(self.currency, DatabaseDefault)) and self.account_id:
            self.currency = self.account.currency


class ProductPosition(models.Model):
    """One line of the product map (K-03): where one of our products stands at an account."""

    class Status(models.TextChoices):
        IN_USE = "in_use", _("In use")
        EVALUATING = "evaluating", _("Under evaluation")
        TARGET = "target", _("Target")
        LOST = "lost", _("Lost")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="products")
    product = models.CharField(_("product"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TARGET)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("product map entry")
        verbose_name_plural = _("product map")
        ordering = ["status", "product"]
        constraints = [models.UniqueConstraint(fields=["account", "product"], name="product_unique_per_account")]

    def __str__(self):
        return self.product


class ProspectClaimQuerySet(models.QuerySet):
    def pending_for(self, supervisor):
        claims = self.filter(status=ProspectClaim.Status.PENDING).select_related("account", "claimant")
        if supervisor.is_admin:
            return claims
        return claims.filter(claimant__team__supervisor=supervisor)


class ProspectClaim(models.Model):
    """A manager's claim on a prospect (K-06); a supervisor approves or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE = (Status.PENDING, Status.APPROVED)

    account = models.ForeignKey(Account, verbose_name=_("prospect"), on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), on_delete=models.PROTECT, related_name="claims",
    )
    reason = models.TextField(_("why you"), blank=True, help_text=_("e.g. an existing relationship or a lead."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reason for the decision"), blank=True)

    objects = ProspectClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("prospect claim")
        verbose_name_plural = _("prospect claims")
        ordering = ["-created_at"]
        constraints = [
            # K-06: two managers never chase the same prospect.
            models.UniqueConstraint(
                fields=["account"], condition=Q(status__in=["pending", "approved"]),
                name="one_active_claim_per_prospect",
            ),
        ]

    def __str__(self):
        return f"{self.account} · {self.claimant}"


class HandoverQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related("account", "from_owner__team", "to_owner__team", "requested_by", "decided_by")

    def pending_for(self, user):
        """The requests `user` decides: those into the teams they lead (all for an admin)."""
        pending = self.filter(status=Handover.Status.PENDING).with_people()
        return pending if user.is_admin else pending.filter(to_owner__team__supervisor=user)

    def involving(self, user):
        """Requests `user` made, or that give or take an account of theirs."""
        return self.filter(Q(requested_by=user) | Q(from_owner=user) | Q(to_owner=user)).with_people()


class Handover(models.Model):
    """An account moving to another team's manager (K-05): the receiving team's
    supervisor (or an admin) approves it; within a team the owner is simply changed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="handovers")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("the manager an account is handed over by", "from"),
        on_delete=models.PROTECT, related_name="+",
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("the manager an account is handed to", "to"),
        on_delete=models.PROTECT, related_name="handovers_offered",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+",
    )
    reason = models.TextField(_("why"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reason for the decision"), blank=True)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open question per account: two teams never wait on the same account.
            models.UniqueConstraint(fields=["account"], condition=Q(status="pending"),
                                    name="one_pending_handover_per_account"),
            models.CheckConstraint(name="handover_changes_owner", condition=~Q(from_owner=models.F("to_owner"))),
            models.CheckConstraint(name="handover_status_valid",
                                   condition=Q(status__in=["pending", "approved", "rejected", "withdrawn"])),
            # A closed request says when it closed; an open one has no decision yet.
            models.CheckConstraint(
                name="handover_decided_when_closed",
                condition=(Q(status="pending", decided_at__isnull=True, decided_by__isnull=True)
                           | (~Q(status="pending") & Q(decided_at__isnull=False, decided_by__isnull=False))),
            ),
        ]
        indexes = [
            # HandoverQuerySet.pending_for(): the supervisor's queue.
            models.Index(fields=["to_owner", "status"], name="handover_to_status_idx"),
        ]

    def __str__(self):
        return f"{self.account} · {self.from_owner} → {self.to_owner}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING
