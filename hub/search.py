"""The global search of the navigation (issue 23 item 4): accounts, contacts (name, mobile, e-mail,
WeChat), visits, customer issues and plans, each scoped exactly as its list is, ranked (the whole
name, then its start, then anywhere; the shorter name first), grouped by kind.

One query per kind, LIMIT per_kind + 1 (the extra row says "more"): a fixed count however many
rows match. Names, purposes, what customers raised and plans' visions are found through their
bigram indexes (core/search.py), so a two-character Chinese name among a million contacts is an
index lookup; a query typed in Traditional also finds the Simplified spelling and the other way
round (core.text).
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Length, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, seen_by
from contacts.models import MOBILE_DIGITS, MOBILE_DIGITS_REVERSED, SEARCH_TEXT, Contact
from core.search import MIN_LENGTH, Bigrams, holds, newest_matching, reads_scope
from core.text import chinese_variants, narrow
from plans.models import AccountPlan
from visits.models import CustomerIssue, Visit

PER_KIND = 5
KINDS = {
    "account": _("Accounts"),
    "contact": _("Contacts"),
    "visit": _("Visits"),
    "issue": _("Customer issues"),
    "plan": _("Account plans"),
}
PHONE_LIKE = re.compile(r"^\(?\+?[0-9][0-9 ()\-]*$")
PHONE_DIGITS = 4  # a mobile is found by its first or its last four digits or more
# China's calling code, written +86 or dialled 0086 from abroad: a mobile is found with it or without.
COUNTRY, ABROAD = "86", "00"
MOBILE_WITH_CODE = re.compile(r"^861[0-9]{10}$")  # 86 and a mobile's eleven digits, typed without the +


@dataclass
class Hit:
    title: str
    link: str
    detail: str = ""


@dataclass
class Group:
    kind: str
    hits: list
    more: bool
    more_link: str = ""

    @property
    def label(self):
        return KINDS[self.kind]


@dataclass
class Results:
    text: str
    groups: list = field(default_factory=list)
    too_short: bool = False
    by_phone: bool = False  # the query looks like a phone number: the page says how it is matched

    @property
    def count(self):
        return sum(len(g.hits) for g in self.groups)


def _variants(text):
    """The query as typed and in the other Chinese scripts, upper-cased as the indexes are."""
    return sorted({v.upper() for v in chinese_variants(text) if v and len(v) >= MIN_LENGTH})


def _grams(expression, variants):
    """The index's part: the expression's bigrams contain all of one variant's."""
    q = Q()
    for variant in variants:
        q |= Q(_bigrams__contains=Bigrams(Upper(Value(variant))))
    return Bigrams(Upper(expression)), q


def _ranked(queryset, column, variants):
    """Ranked by how well `column` matches: the whole of it, its start, anywhere; shorter first."""
    whens = [When(**{f"{column}__iexact": v}, then=Value(0)) for v in variants]
    whens += [When(**{f"{column}__istartswith": v}, then=Value(1)) for v in variants]
    return queryset.annotate(_rank=Case(*whens, default=Value(2), output_field=IntegerField()),
                             _length=Length(column)).order_by("_rank", "_length", "pk")


def _contains(column, variants):
    q = Q()
    for variant in variants:
        q |= Q(**{f"{column}__icontains": variant})
    return q


def _accounts(user, variants, limit):
    rows = Account.objects.visible_to(user).active()
    if reads_scope(user):
        rows = rows.filter(pk__in=seen_by(user, holding=variants))
    else:
        grams, match = _grams(F("name"), variants)
        rows = rows.alias(_bigrams=grams).filter(match).filter(_contains("name", variants))
    rows = rows.select_related("owner")
    return [Hit(a.name, a.get_absolute_url(), " · ".join(filter(None, [a.get_kind_display(), str(a.owner or "")])))
            for a in _ranked(rows, "name", variants)[:limit]]


def phone_digits(text):
    """The national digits of a query typed as a phone number, if there are enough to look a mobile
    up by: +86 138 0013 8000, 0086 138 0013 8000 and 86 13800138000 (a mobile's eleven digits after
    the code) all look up 13800138000."""
    if not PHONE_LIKE.match(text):
        return ""
    digits = re.sub(r"[^0-9]", "", text)
    if digits.startswith(ABROAD + COUNTRY):
        digits = digits[len(ABROAD + COUNTRY):]
    elif digits.startswith(COUNTRY) and (text.lstrip("(").startswith("+") or MOBILE_WITH_CODE.match(digits)):
        digits = digits[len(COUNTRY):]
    return digits if len(digits) >= PHONE_DIGITS else ""


def _contacts(user, text, variants, limit):
    rows = Contact.objects.visible_to(user)
    digits = phone_digits(text)
    # A number is looked up by the mobile's indexes, which name a handful of rows among all (their
    # estimates are right); reading the scope would compute every contact's digits (91 → 277 ms).
    if reads_scope(user) and not digits:
        aliases, found = holds(["name", "email", "wechat"], variants)
        rows = rows.alias(**aliases)
    else:
        grams, match = _grams(SEARCH_TEXT, variants)
        rows = rows.alias(_bigrams=grams)
        found = match & (_contains("name", variants) | _contains("email", variants) | _contains("wechat", variants))
    if digits:
        # contact_mobile_start_idx and contact_mobile_end_idx: each arm of the OR has its index. A
        # number stored with the code (+86…, 0086…) ends as the national one does but starts with it.
        found |= Q(_mobile_reversed__startswith=digits[::-1])
        for start in (digits, COUNTRY + digits, ABROAD + COUNTRY + digits):
            found |= Q(_mobile__startswith=start)
    rows = (rows.alias(_mobile=MOBILE_DIGITS, _mobile_reversed=MOBILE_DIGITS_REVERSED)
            .filter(found).select_related("account"))
    return [Hit(c.name, c.get_absolute_url(),
                " · ".join(filter(None, [c.title, str(c.account), c.mobile, c.email])))
            for c in _ranked(rows, "name", variants)[:limit]]


def found_visits(user, variants, limit):
    """Newest first, the cost bounded for a rare term and a common one (core.search.newest_matching):
    the newest visits along visit_time_idx, else visit_purpose_bigram."""
    scope = Visit.objects.visible_to(user)
    grams, match = _grams(F("purpose"), variants)
    found = newest_matching(scope, scope.alias(_bigrams=grams).filter(match), "purpose", variants,
                            order=["-occurred_at", "-pk"], limit=limit)
    return Visit.objects.filter(pk__in=found).select_related("account", "author").order_by("-occurred_at", "-pk")


def _visits(user, variants, limit):
    return [Hit(v.shown.purpose, v.get_absolute_url(), f"{v.account} · {v.occurred_at:%Y-%m-%d} · {v.author}")
            for v in found_visits(user, variants, limit)]


def found_issues(user, variants, limit):
    """As the issue list scopes them (visits.views.issue_list): one's own, one's team's for a
    supervisor, every issue for an admin; newest first as the visits are, along issue_created_idx,
    else issue_description_bigram."""
    scope = CustomerIssue.objects.owned_or_supervised_by(user)
    grams, match = _grams(F("description"), variants)
    found = newest_matching(scope, scope.alias(_bigrams=grams).filter(match), "description", variants,
                            order=["-created_at", "-pk"], limit=limit)
    return (CustomerIssue.objects.filter(pk__in=found).select_related("account", "visit", "owner")
            .order_by("-created_at", "-pk"))


def _issues(user, variants, limit):
    return [Hit(i.shown.description[:120], i.visit.get_absolute_url(),
                f"{i.account} · {i.get_status_display()} · {i.owner}") for i in found_issues(user, variants, limit)]


def plans_matching(variants):
    """The plans whose vision or account's name may hold one of the variants: a UNION of the two
    bigram lookups (plan_vision_bigram, account_name_bigram), as an OR across the join could use
    neither index."""
    by_vision, vision_match = _grams(F("vision"), variants)
    by_name, name_match = _grams(F("name"), variants)
    named = Account.objects.order_by().alias(_bigrams=by_name).filter(name_match).values("pk")
    return (AccountPlan.objects.order_by().alias(_bigrams=by_vision).filter(vision_match).values("pk")
            .union(AccountPlan.objects.order_by().filter(account__in=named).values("pk")))


def _plans(user, variants, limit):
    rows = (AccountPlan.objects.visible_to(user).filter(pk__in=plans_matching(variants))
            .filter(_contains("account__name", variants) | _contains("vision", variants))
            .select_related("account").order_by("-year", "account__name", "pk"))
    return [Hit(str(p), p.get_absolute_url(), p.vision[:120]) for p in rows[:limit]]


def _more_link(kind, text):
    lists = {"account": "accounts:list", "contact": "contacts:list", "visit": "visits:list",
             "issue": "visits:issues", "plan": "plans:list"}
    return f"{reverse(lists[kind])}?{urlencode({'q': text})}" if kind in ("account", "contact", "plan") else ""


def search(user, text, *, kind=None, per_kind=PER_KIND):
    """What `user` may find for `text`, grouped by kind (only `kind` if given)."""
    text = narrow(text or "")
    results = Results(text)
    if len(text) < MIN_LENGTH:
        results.too_short = bool(text)
        return results
    variants = _variants(text)
    results.by_phone = bool(phone_digits(text))
    finders = {
        "account": lambda n: _accounts(user, variants, n),
        "contact": lambda n: _contacts(user, text, variants, n),
        "visit": lambda n: _visits(user, variants, n),
        "issue": lambda n: _issues(user, variants, n),
        "plan": lambda n: _plans(user, variants, n),
    }
    limit = per_kind * 4 if kind else per_kind
    for code, find in finders.items():
        if kind and code != kind:
            continue
        hits = find(limit + 1)
        if hits:
            results.groups.append(Group(code, hits[:limit], len(hits) > limit, _more_link(code, text)))
    return results
