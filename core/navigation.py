"""What the navigation shows someone, computed once per page in one place (issue 19, page ÷ floor).

`menu_for(user, path)` answers every question partials/nav.html asks — the role, the admin's
and staff flags, each permission rule behind a link, which link is the current page — as one
small hashable value. The menu is rendered once per process for each such value and language
(`{% memo %}`, core/templatetags/memo.py): two people with the same answers read the same HTML.
What differs per person or request (their name, the unread count, the search box, the CSRF
token) stays outside the memo.
"""

import functools
from dataclasses import dataclass
from importlib import import_module

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

# flag: the rule the page behind the link asks (app.verb, as `{% may %}` names them). Looked up
# by name so that core, at the ground floor, imports no app.
RULES = {
    "department_report": "visits.see_department_performance",
    "care_settings": "care.change_care_settings",
    "deadlines": "visits.configure_deadlines",
    "field_settings": "visits.manage_field_settings",
    "churn_lists": "accounts.configure_churn_lists",
    "stages": "opportunities.configure_stages",
    "outbox": "notifications.see_outbox",
    "webhooks": "notifications.manage_webhooks",
    "people": "people.administer_people",
    "audit": "audit.read_audit_log",
}


@dataclass(frozen=True)
class Menu:
    department_staff: bool
    department_id: int | None  # their queue's link; None for everyone else
    admin: bool
    staff: bool  # Django's admin site
    may: frozenset  # the flags of RULES this person's rules grant
    active: frozenset  # the links that are the current page ("home", "accounts", …)


def menu_for(user, path):
    department_staff = user.is_department_staff
    department_id = user.department_id if department_staff else None
    return Menu(
        department_staff=department_staff, department_id=department_id, admin=user.is_admin, staff=user.is_staff,
        may=frozenset(flag for flag, rule in RULES.items() if _rule(rule)(user)),
        active=_active(path, _urls(get_urlconf(), get_script_prefix(), department_id)),
    )


def _rule(name):
    app, verb = name.split(".")
    return getattr(import_module(f"{app}.permissions"), f"can_{verb}")


@functools.lru_cache(maxsize=64)
def _urls(_urlconf, _prefix, department_id):
    """The links whose page can be the current one, reversed once per URLconf, mount point and queue."""
    if department_id is not None:
        return {"dept_home": reverse("departments:home"), "queue": reverse("departments:queue", args=[department_id])}
    names = {"home": "home", "accounts": "accounts:list", "visits": "visits:list", "signoff": "visits:sign-off",
             "care": "care:home", "pipeline": "opportunities:board", "opportunities": "opportunities:list",
             "contacts": "contacts:list"}
    return {link: reverse(name) for link, name in names.items()}


def _active(path, urls):
    """The same tests the template made per link: some links stand for a whole section (any page
    under /care/), others for one page."""
    if "queue" in urls:
        return frozenset(link for link in ("dept_home", "queue") if path == urls[link])
    active = {link for link in ("home", "accounts", "visits") if path == urls[link]}
    active |= {link for link in ("signoff", "care", "contacts") if urls[link] in path}
    if path == urls["pipeline"] or (urls["opportunities"] in path and "stages" not in path):
        active.add("opportunities")
    return frozenset(active)


def _forget_urls(*, setting, **_kwargs):
    if setting == "ROOT_URLCONF":
        _urls.cache_clear()


setting_changed.connect(_forget_urls, dispatch_uid="core.navigation.urls")
