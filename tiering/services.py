from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import notify
from notifications.webhooks import announce_rows
from tiering import permissions
from tiering.engine import _Params, base_params, evidence_sql, matched_sql
from tiering.models import AccountTier, CadenceRequirement, RuleSet, Tier, TierChange, TierProposal, TierReview
from users.models import Team


def active_rule_set():
    return RuleSet.objects.prefetch_related("rules").get(is_active=True)


def default_tier():
    return Tier.objects.get(is_default=True)


@transaction.atomic
def tier_evaluate(*, rule_set=None):
    """K-32: measure every account and propose changes — never change a tier silently.

    An account without a tier gets its first one directly (there is nothing to
    protect), its history saying which rule placed it. Otherwise a differing result becomes
    (or updates) the account's one pending proposal, with its evidence: the rule, each
    condition's threshold against the account's value. A tier set by hand is not changed
    either, but the rules still say where they would put it: the proposal is flagged as
    against the override and comes back at every quarterly review until someone decides
    (an overridden A account that shrank by 96% is seen). Proposals the numbers no longer
    support are superseded. Set-based; running it twice makes nothing new.
    Returns the number of proposals made or changed (new measures or rules count: the evidence,
    with the day its measures were taken ('as_of'), is refreshed).
    """
    rule_set = rule_set or active_rule_set()
    rules = list(rule_set.rules.all())
    # "now" from Python, not SQL's now(): a frozen clock in tests, one moment for the whole run
    params = _Params({**base_params(), "rule_set": rule_set.pk, "now": timezone.now()})
    evidence = evidence_sql(rules, params)
    # Every account's measures and match, computed once for the three statements below (they were
    # computed three times: 3.7 s → 14.4 s at 100k accounts once the evidence joined, issue 19).
    # Statement 1's new first tiers do not change what 2 and 3 select: they have no current tier.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""CREATE TEMPORARY TABLE tier_matched ON COMMIT DROP AS
                           {matched_sql(rules, default_tier().pk, params)} SELECT * FROM matched""", params.values)
        cursor.execute("ANALYZE tier_matched")
        matched = "WITH matched AS (SELECT * FROM tier_matched)"
        cursor.execute(f"""{matched}, first_tiers AS (
                INSERT INTO tiering_accounttier (account_id, tier_id, source, override_reason, set_at)
                SELECT account_id, proposed, 'initial', '', %(now)s FROM matched WHERE current_tier IS NULL
                ON CONFLICT (account_id) DO NOTHING
                RETURNING account_id, tier_id)
            INSERT INTO tiering_tierchange (account_id, to_tier_id, source, reason, reason_key, reason_params, at)
            SELECT f.account_id, f.tier_id, 'initial', '', 'first', {evidence}, %(now)s
            FROM first_tiers f JOIN matched m ON m.account_id = f.account_id
            RETURNING account_id, to_tier_id""", params.values)
        # The first tiers are changes too (tier.changed, from none); read back in the same statement.
        announce_rows("tier.changed", [tier_change_payload(account_id, None, tier_id, "initial", params.values["now"])
                                       for account_id, tier_id in cursor.fetchall()])
        cursor.execute(f"""{matched}
            INSERT INTO tiering_tierproposal (account_id, from_tier_id, to_tier_id, rule_set_id, rule_position,
                                              evidence, status, created_at, note)
            SELECT m.account_id, m.current_tier, m.proposed, %(rule_set)s, m.rule_position, {evidence},
                   'pending', %(now)s, ''
            FROM matched m
            WHERE m.current_tier IS NOT NULL AND m.current_tier <> m.proposed
            ON CONFLICT (account_id) WHERE status = 'pending' DO UPDATE
                SET to_tier_id = EXCLUDED.to_tier_id, evidence = EXCLUDED.evidence,
                    rule_set_id = EXCLUDED.rule_set_id, rule_position = EXCLUDED.rule_position
                WHERE tiering_tierproposal.to_tier_id <> EXCLUDED.to_tier_id
                   OR tiering_tierproposal.evidence IS DISTINCT FROM EXCLUDED.evidence""", params.values)
        proposed = cursor.rowcount
        cursor.execute(f"""{matched}
            UPDATE tiering_tierproposal p SET status = 'superseded', decided_at = %(now)s
            FROM matched m
            WHERE p.account_id = m.account_id AND p.status = 'pending' AND m.proposed = m.current_tier""",
                       params.values)
        cursor.execute("DROP TABLE tier_matched")  # before the commit: a caller's transaction may go on
    _tell_supervisors_of_proposals()
    return proposed


PENDING_BY_SUPERVISOR = """
SELECT t.supervisor_id, count(*) FROM tiering_tierproposal p
JOIN accounts_account a ON a.id = p.account_id JOIN users_user u ON u.id = a.owner_id
JOIN users_team t ON t.id = u.team_id
WHERE p.status = 'pending' AND t.supervisor_id IS NOT NULL GROUP BY t.supervisor_id
"""


def _tell_supervisors_of_proposals():
    """K-32: each supervisor with proposals waiting hears of them once a day, with the count."""
    from users.models import User

    with connection.cursor() as cursor:
        cursor.execute(PENDING_BY_SUPERVISOR)
        counts = dict(cursor.fetchall())
    today = timezone.localdate().isoformat()
    for supervisor in User.objects.filter(pk__in=counts):
        notify(recipients=[supervisor], kind=Kind.TO_DECIDE, key="tier.proposed",
               dedupe_key=f"tier-proposals:{today}", params={"count": counts[supervisor.pk]},
               link=reverse("tiering:review"))


def tier_change_payload(account_id, from_tier_id, to_tier_id, source, at):
    """The body of a tier.changed webhook event (notifications.webhooks)."""
    return {"account": account_id, "from_tier": from_tier_id, "to_tier": to_tier_id, "source": source,
            "at": at.isoformat()}


def _set_tier(account, tier, *, by, source, reason, override_reason="", reason_key="", reason_params=None):
    state = AccountTier.objects.select_for_update().filter(account=account).first()
    before = state.tier if state else None
    AccountTier.objects.update_or_create(account=account, defaults={
        "tier": tier, "source": source, "override_reason": override_reason, "set_by": by, "set_at": timezone.now(),
    })
    change = TierChange.objects.create(account=account, from_tier=before, to_tier=tier, source=source,
                                       reason=reason, reason_key=reason_key, reason_params=reason_params or {}, by=by)
    announce_rows("tier.changed", [tier_change_payload(change.account_id, change.from_tier_id, change.to_tier_id,
                                                       change.source, change.at)])


@transaction.atomic
def account_tier_override(*, account, tier, by, reason):
    """A manual tier with its reason; shown as an override, left alone by the rules."""
    if not permissions.can_set_tier(by, account):
        raise PermissionDenied(_("Only the account's supervisor or an admin sets a tier by hand."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: an override without a reason cannot be reviewed.")})
    _set_tier(account, tier, by=by, source=AccountTier.Source.OVERRIDE, reason=reason, override_reason=reason)
    TierProposal.objects.filter(account=account, status=TierProposal.Status.PENDING).update(
        status=TierProposal.Status.SUPERSEDED, decided_at=timezone.now())


@transaction.atomic
def account_tier_override_clear(*, account, by):
    """Hand the account back to the rules; its tier stays until a review changes it."""
    if not permissions.can_set_tier(by, account):
        raise PermissionDenied(_("Only the account's supervisor or an admin sets a tier by hand."))
    AccountTier.objects.filter(account=account, source=AccountTier.Source.OVERRIDE).update(
        source=AccountTier.Source.REVIEW, override_reason="", set_by=by)


@transaction.atomic
def tier_proposal_decide(*, proposal, by, approve, note=""):
    """The supervisor's decision (K-32). A rejection says why (kept on the proposal and shown in
    the account's tier history); an approval's note is optional: the history then reads the
    evidence, in the reader's language."""
    if not permissions.can_decide_proposal(by, proposal):
        raise PermissionDenied(_("Only the account's supervisor or an admin decides this proposal."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why you reject it: the rules will propose it again, and the next "
                                         "review reads your reason.")})
    status = TierProposal.Status.APPROVED if approve else TierProposal.Status.REJECTED
    # Claim-then-act: only a pending proposal is decided, once.
    decided = TierProposal.objects.filter(pk=proposal.pk, status=TierProposal.Status.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), note=note)
    if not decided:
        raise ValidationError(_("This proposal was already decided or superseded."))
    proposal.refresh_from_db()
    notify(recipients=[proposal.account.owner], kind=Kind.DECIDED,
           # the tier by its code: its name is put into words per reader, a stored one would be frozen
           key="tier.approved" if approve else "tier.rejected", dedupe_key=f"tier-proposal:{proposal.pk}:decided",
           params={"by": by, "account": proposal.account, "tier": proposal.to_tier.code, "detail": note},
           link=proposal.account.get_absolute_url())
    if approve:
        _set_tier(proposal.account, proposal.to_tier, by=by, source=AccountTier.Source.REVIEW, reason=note,
                  reason_key=TierChange.ReasonKey.REVIEW, reason_params=proposal.evidence)
    return proposal


@transaction.atomic
def tier_review_open(*, team, year, quarter, by=None):
    """Open (or refresh) a team's quarterly review and gather its pending proposals."""
    review, _created = TierReview.objects.get_or_create(team=team, year=year, quarter=quarter,
                                                        defaults={"opened_by": by})
    TierProposal.objects.filter(status=TierProposal.Status.PENDING, review__isnull=True,
                                account__owner__team=team).update(review=review)
    return review


GATHER_PROPOSALS = """
UPDATE tiering_tierproposal p SET review_id = r.id
FROM accounts_account a
JOIN users_user u ON u.id = a.owner_id
JOIN tiering_tierreview r ON r.team_id = u.team_id AND r.year = %(year)s AND r.quarter = %(quarter)s
WHERE p.account_id = a.id AND p.status = 'pending' AND p.review_id IS NULL AND u.team_id = ANY(%(teams)s)
"""


@transaction.atomic
def tier_reviews_open(*, teams, year, quarter, by=None):
    """tier_review_open for many teams at once: their reviews made where missing (one INSERT) and
    every pending proposal gathered into its team's (one UPDATE), not three statements per team
    (issue 19: 91 teams at 100k accounts). Returns the reviews in the order of `teams`."""
    ids = [team.pk for team in teams]
    TierReview.objects.bulk_create([TierReview(team_id=pk, year=year, quarter=quarter, opened_by=by) for pk in ids],
                                   ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute(GATHER_PROPOSALS, {"year": year, "quarter": quarter, "teams": ids})
    reviews = {r.team_id: r for r in TierReview.objects.filter(team_id__in=ids, year=year, quarter=quarter)}
    return [reviews[pk] for pk in ids]


@transaction.atomic
def tier_reviews_open_now(*, by, team=None):
    """Evaluate, then open this quarter's review of `team` (every team when None).
    Returns (proposals made or changed, the reviews opened)."""
    if not permissions.can_open_review(by):
        raise PermissionDenied(_("Only admins open a tier review."))
    made = tier_evaluate()
    today = timezone.localdate()
    teams = [team] if team else list(Team.objects.order_by("pk"))
    opened = tier_reviews_open(teams=teams, year=today.year, quarter=(today.month - 1) // 3 + 1, by=by)
    return made, opened


@transaction.atomic
def rule_set_save(*, rules, by, note=""):
    """Save edited rules as a new version and make it the active one (versions never change)."""
    if not permissions.can_define_tiers(by):
        raise PermissionDenied(_("Only admins change the tier rules."))
    latest = RuleSet.objects.select_for_update().order_by("-version").first()
    RuleSet.objects.filter(is_active=True).update(is_active=False)
    rule_set = RuleSet.objects.create(version=(latest.version + 1) if latest else 1, note=note, created_by=by,
                                      is_active=True)
    for position, rule in enumerate(sorted(rules, key=lambda r: r.position), start=1):
        rule.pk = None
        rule.rule_set = rule_set
        rule.position = position
        rule.full_clean(exclude=["rule_set"])
        rule.save()
    return rule_set




TIER_FIELDS = ("code", "name", "rank", "description", "benefits", "is_default")
REQUIREMENT_FIELDS = ("channel_group", "touches", "period", "days")


@transaction.atomic
def tier_save(*, tier, by, requirements, **fields):
    """Save a tier and its cadence (K-31): `fields` are the tier's, `requirements` the
    whole list of its cadence rules as dicts of REQUIREMENT_FIELDS, replacing the old list.
    One default tier: choosing a new one moves the flag."""
    if not permissions.can_define_tiers(by):
        raise PermissionDenied(_("Only admins define tiers."))
    for name in TIER_FIELDS:
        if name in fields:
            setattr(tier, name, fields[name])
    if tier.is_default:
        Tier.objects.exclude(pk=tier.pk).filter(is_default=True).update(is_default=False)
    tier.full_clean()
    tier.save()
    rows = [CadenceRequirement(tier=tier, **{name: row.get(name) for name in REQUIREMENT_FIELDS})
            for row in requirements]
    for row in rows:
        # The CHECK constraint lets a NULL day count through, so the rule is said here too.
        if row.period == CadenceRequirement.Period.DAYS and not row.days:
            raise ValidationError({"days": _("Say how many days.")})
        if row.period == CadenceRequirement.Period.CALENDAR_MONTH:
            row.days = None  # a calendar month needs no day count
        row.full_clean(exclude=["tier"])
    # Nothing points at a requirement, so the new list replaces the old one outright.
    tier.requirements.all().delete()
    CadenceRequirement.objects.bulk_create(rows)
    return tier


@transaction.atomic
def tier_delete(*, tier, by):
    if not permissions.can_define_tiers(by):
        raise PermissionDenied(_("Only admins define tiers."))
    if tier.is_default or tier.accounts.exists() or tier.proposals_to.exists():
        raise ValidationError(_("%(tier)s still holds accounts or is the default tier; move them first.")
                              % {"tier": tier})
    tier.delete()
