"""The default tiers of K-30 and a first rule set; admins change all of it (K-31).

Used by migration 0002 (with historical models) and by seed_demo, which puts
them back on a database that has none (e.g. after tests flushed it).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# Stored as the first rule set's note; RuleSet.note_display shows it in the reader's language.
DEFAULT_RULES_NOTE = "Default rules (K-30)"

TIERS = [
    # code, name, rank, description, benefits, default, (channel group, touches, period, days)
    ("A", "Strategic 战略级", 1, "High spend, high repeat potential.",
     "Dedicated manager; tailored solutions; an on-site visit every month.", False,
     ("on_site", 1, "calendar_month", None)),
    ("B", "Growth 成长级", 2, "Medium spend, clear growth signals.",
     "Online contact every two weeks; white papers and case studies.", False,
     ("online", 1, "days", 14)),
    ("C", "Opportunity 机会级", 3, "Low spend, vague needs.",
     "E-mail or SMS once a month; standard material.", True,
     ("email_sms", 1, "calendar_month", None)),
]


# The installer writes the default tiers' names, descriptions and benefits as above; Tier's
# *_display properties show those exact texts in the reader's language (an admin's edit is shown
# as typed). Each msgid here is the stored text.
DEFAULT_TIER_TEXTS = {
    "Strategic 战略级": _("Strategic 战略级"),
    "Growth 成长级": _("Growth 成长级"),
    "Opportunity 机会级": _("Opportunity 机会级"),
    "High spend, high repeat potential.": _("High spend, high repeat potential."),
    "Medium spend, clear growth signals.": _("Medium spend, clear growth signals."),
    "Low spend, vague needs.": _("Low spend, vague needs."),
    "Dedicated manager; tailored solutions; an on-site visit every month.":
        _("Dedicated manager; tailored solutions; an on-site visit every month."),
    "Online contact every two weeks; white papers and case studies.":
        _("Online contact every two weeks; white papers and case studies."),
    "E-mail or SMS once a month; standard material.": _("E-mail or SMS once a month; standard material."),
}


def install_default_tiers(Tier, Requirement, RuleSet, Rule):  # noqa: N803 (model classes)
    """Create the defaults unless tiers exist already; returns whether it did."""
    if Tier.objects.exists():
        return False
    tiers = {}
    for code, name, rank, description, benefits, default, (group, touches, period, days) in TIERS:
        tiers[code] = Tier.objects.create(code=code, name=name, rank=rank, description=description,
                                          benefits=benefits, is_default=default)
        Requirement.objects.create(tier=tiers[code], channel_group=group, touches=touches, period=period, days=days)
    version = (RuleSet.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    RuleSet.objects.filter(is_active=True).update(is_active=False)
    rules = RuleSet.objects.create(version=version, note=DEFAULT_RULES_NOTE, is_active=True)
    Rule.objects.create(rule_set=rules, position=1, tier=tiers["A"], top_revenue_percent=Decimal(20), min_potential=4)
    # K-32 "a C account that opens a tender → B". Migration 0002 runs this on the model of its day,
    # whose field was still called open_tender (renamed to in_tender in 0006).
    tender = "in_tender" if any(f.name == "in_tender" for f in Rule._meta.fields) else "open_tender"
    Rule.objects.create(rule_set=rules, position=2, tier=tiers["B"], **{tender: True})
    Rule.objects.create(rule_set=rules, position=3, tier=tiers["B"], min_growth=Decimal(10))
    Rule.objects.create(rule_set=rules, position=4, tier=tiers["B"], min_order_value=Decimal(1_000_000))
    return True


def ensure_default_tiers():
    from tiering.models import CadenceRequirement, Rule, RuleSet, Tier

    return install_default_tiers(Tier, CadenceRequirement, RuleSet, Rule)
