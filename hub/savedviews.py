"""Saved views (issue 23 item 5): a list's filters, saved by name, for oneself or the team.

The lists that can be saved are named here by URL name. A person's default view opens when they
come to the list bare (no filters): `DefaultViewMiddleware` redirects to it from what the
session remembers (read at login, kept when a default changes), so a bare list costs no query
more than it did. `?view=all` shows the list bare anyway.
"""

from urllib.parse import parse_qsl, urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LISTS = {
    "accounts:list": _("Accounts"),
    "contacts:list": _("Contacts"),
    "visits:list": _("Visits"),
    "visits:issues": _("Customer issues"),
    "plans:list": _("Account plans"),
}
SESSION_KEY = "hub_default_views"
# Never saved: the page a view opened on, an export, the marker of a bare list.
NOT_SAVED = {"page", "format", "view", "csrfmiddlewaretoken"}


def clean_query(query):
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False) if k not in NOT_SAVED]
    return urlencode(pairs)[:2000]


def view_url(view):
    return f"{reverse(view.list_name)}?{view.query or 'view=all'}"


def remember_defaults(request, user):
    """The session's copy of the person's default views: {list name: query}."""
    from hub.models import SavedView

    request.session[SESSION_KEY] = dict(SavedView.objects.filter(owner=user, is_default=True)
                                        .values_list("list_name", "query"))


def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_defaults(request, user)


class DefaultViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "GET" or request.GET or request.headers.get("HX-Request"):
            return None
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in LISTS or not request.user.is_authenticated:
            return None
        query = request.session.get(SESSION_KEY, {}).get(match.view_name)
        return redirect(f"{request.path}?{query}") if query else None
