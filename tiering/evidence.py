"""A tier proposal's evidence in words (K-32), in the reader's language.

The evaluation stores each proposal's evidence as data (tiering.engine.evidence_sql): the
rule that placed the account with each condition's threshold, the account's measured value
and whether it holds; the rules tried before it that did not hold; whether a tier set by
hand stands against the rules. Nothing here is stored: the words are chosen when shown, so a
supervisor in Taipei and one in Shanghai read the same proposal each in their own language.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import Account


@dataclass
class Check:
    text: str
    holds: bool


@dataclass
class RuleReading:
    """One rule as a supervisor reads it: its number, its label (or its conditions), its tier."""

    headline: str
    checks: list = field(default_factory=list)


@dataclass
class Explanation:
    placed: RuleReading          # the rule that placed the account, or the default tier
    missed: list                 # RuleReadings of better-placed rules that did not hold
    against_override: bool


def _number(value, places=0):
    try:
        return number_format(Decimal(str(value)), decimal_pos=places, force_grouping=True)
    except (InvalidOperation, TypeError, ValueError):
        return "—"


def _percent(value):
    return floatformat(value, -2) if value is not None else "—"


def _kinds(codes):
    labels = dict(Account.Kind.choices)
    return "、".join(str(labels.get(code, code)) for code in codes) if isinstance(codes, list) else str(
        labels.get(codes, codes or "—"))


def condition_text(check):
    """The rule's condition alone, as a label: "orders in the last 12 months at least 1,000,000"."""
    measure, bound, threshold = check.get("measure"), check.get("bound"), check.get("threshold")
    if measure == "order_12m":
        text = (_("orders in the last 12 months at least %(threshold)s") if bound == "min"
                else _("orders in the last 12 months below %(threshold)s"))
        return text % {"threshold": _number(threshold)}
    if measure == "growth":
        text = (_("growth of at least %(threshold)s%% on the 12 months before") if bound == "min"
                else _("growth below %(threshold)s%% on the 12 months before"))
        return text % {"threshold": _percent(threshold)}
    if measure == "potential":
        return _("potential at least %(threshold)s of 5") % {"threshold": threshold}
    if measure == "in_tender":
        return _("an opportunity in a tender stage") if threshold else _("no opportunity in a tender stage")
    if measure == "open_tender":  # evidence before version 3: the account's checkbox
        return _("an open tender or opportunity") if threshold else _("no open tender or opportunity")
    if measure == "revenue_pct":
        return _("in the top %(threshold)s%% of accounts by revenue") % {"threshold": _percent(threshold)}
    if measure == "kind":
        return _("of the kind %(kinds)s") % {"kinds": _kinds(threshold)}
    return _("a condition this version no longer knows")


def check_text(check, evidence):
    """The condition against the account's value: which value, which threshold."""
    measure, bound, threshold, value = (check.get("measure"), check.get("bound"), check.get("threshold"),
                                        check.get("value"))
    if measure == "order_12m":
        text = (_("orders in the last 12 months: %(value)s (the rule asks for at least %(threshold)s)")
                if bound == "min" else
                _("orders in the last 12 months: %(value)s (the rule asks for less than %(threshold)s)"))
        return text % {"value": _number(value), "threshold": _number(threshold)}
    if measure == "growth":
        if value is None:
            return _("no growth can be measured: no orders in the 12 months before (the rule asks for %(rule)s)") % {
                "rule": condition_text(check)}
        text = (_("growth on the 12 months before: %(value)s%% (the rule asks for at least %(threshold)s%%)")
                if bound == "min" else
                _("growth on the 12 months before: %(value)s%% (the rule asks for less than %(threshold)s%%)"))
        return text % {"value": _percent(value), "threshold": _percent(threshold)}
    if measure == "potential":
        if not value:
            return _("potential not rated (the rule asks for at least %(threshold)s of 5)") % {"threshold": threshold}
        return _("potential %(value)s of 5 (the rule asks for at least %(threshold)s)") % {
            "value": value, "threshold": threshold}
    if measure == "in_tender":
        have = _("an opportunity in a tender stage") if value else _("no opportunity in a tender stage")
        want = _("the rule asks for one") if threshold else _("the rule asks for none")
        return _("%(have)s (%(want)s)") % {"have": have, "want": want}
    if measure == "open_tender":  # evidence before version 3
        have = _("an open tender or opportunity") if value else _("no open tender or opportunity")
        want = _("the rule asks for one") if threshold else _("the rule asks for none")
        return _("%(have)s (%(want)s)") % {"have": have, "want": want}
    if measure == "revenue_pct":
        if not evidence.get("order_12m"):
            return _("no orders in the last 12 months, so not ranked by revenue (the rule asks for the top "
                     "%(threshold)s%%)") % {"threshold": _percent(threshold)}
        return _("by revenue in the last 12 months, among the top %(value)s%% of accounts (the rule asks for the "
                 "top %(threshold)s%%)") % {"value": _percent(value), "threshold": _percent(threshold)}
    if measure == "kind":
        return _("kind: %(value)s (the rule asks for %(kinds)s)") % {"value": _kinds(value),
                                                                     "kinds": _kinds(threshold)}
    return condition_text(check)


def rule_name(rule):
    """"Rule 4 “Opens a tender”", or with no label its conditions: "Rule 4 (orders … at least 1,000,000)"."""
    if rule.get("label"):
        return _("Rule %(number)s “%(label)s”") % {"number": rule.get("position"), "label": rule["label"]}
    conditions = [condition_text(check) for check in rule.get("checks", [])]
    if not conditions:
        return _("Rule %(number)s (no condition: every account)") % {"number": rule.get("position")}
    return _("Rule %(number)s (%(conditions)s)") % {"number": rule.get("position"),
                                                    "conditions": _("; ").join(conditions)}


def _tier_code(tiers, tier_id):
    tier = tiers.get(tier_id)
    return tier.code if tier else "?"


def explain(evidence, *, tiers, to_tier, rule_position=None):
    """The Explanation of one proposal's (or tier change's) evidence.

    `tiers`: {id: Tier} (the few tiers, fetched once for a page); `to_tier`: the tier proposed.
    Evidence from before rules were recorded (no "v") has only the measures and the rule's number."""
    evidence = evidence or {}
    rule = evidence.get("rule")
    if rule:
        placed = RuleReading(_("%(rule)s places it in %(tier)s.") % {"rule": rule_name(rule), "tier": to_tier.code},
                             [Check(check_text(c, evidence), bool(c.get("holds"))) for c in rule.get("checks", [])])
    elif evidence.get("key") == "default" or (not evidence.get("v") and rule_position is None):
        placed = RuleReading(_("No rule holds, so it goes to the default tier %(tier)s.") % {"tier": to_tier.code})
    else:
        placed = RuleReading(_("Rule %(number)s places it in %(tier)s.") % {"number": rule_position,
                                                                           "tier": to_tier.code})
    missed = []
    for other in evidence.get("missed") or []:
        tier = tiers.get(other.get("tier"))
        if tier is None or tier.rank >= to_tier.rank:
            continue  # only the rules that would have placed it higher explain why it is not there
        failing = [Check(check_text(c, evidence), False) for c in other.get("checks", []) if not c.get("holds")]
        missed.append(RuleReading(_("%(rule)s would place it in %(tier)s, but does not hold:")
                                  % {"rule": rule_name(other), "tier": _tier_code(tiers, other.get("tier"))}, failing))
    return Explanation(placed, missed, bool(evidence.get("override")))


def explanation_text(explanation):
    """The explanation as one paragraph (exports, tier history)."""
    parts = [explanation.placed.headline]
    if explanation.placed.checks:
        parts.append(_("; ").join(c.text for c in explanation.placed.checks) + _("."))
    for reading in explanation.missed:
        parts.append(reading.headline + " " + _("; ").join(c.text for c in reading.checks) + _("."))
    return " ".join(parts)


def change_reason(change):
    """A TierChange's reason in the reader's language: the key's words with the rule that placed
    the account, then what a person wrote (an override's reason, the supervisor's note)."""
    from tiering.models import AccountTier, TierChange

    key = change.reason_key
    if not key and change.source == AccountTier.Source.INITIAL and change.reason in ("", "First evaluation"):
        key, written = TierChange.ReasonKey.FIRST, ""  # older rows: the job's English words, or none
    else:
        written = change.reason
    if not key:
        return written
    rule = (change.reason_params or {}).get("rule")
    if key == TierChange.ReasonKey.FIRST:
        said = _("First evaluation")
    else:
        said = _("Quarterly review")
    if rule:
        said = _("%(said)s: %(rule)s places it in %(tier)s.") % {"said": said, "rule": rule_name(rule),
                                                                 "tier": change.to_tier.code}
    elif (change.reason_params or {}).get("key") == "default":
        said = _("%(said)s: no rule holds, so it goes to the default tier %(tier)s.") % {
            "said": said, "tier": change.to_tier.code}
    return f"{said} {written}".strip() if written else said
