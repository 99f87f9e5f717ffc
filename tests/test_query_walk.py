"""Hostile query strings: every page that reads its query string, every parameter it reads,
values meant to break it, as an admin and as a manager. Nothing answers 5xx.

The parameters come from the FilterSets and forms each view names with
`core.params.reads_query` (or a FilterView's `filterset_class`): a parameter added
to one of them is walked here without anyone remembering to. A view that reads
`request.GET` by hand must be listed in HAND_READ, or the coverage test fails.
"""

import inspect
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from core.params import parameter_names, query_parsers
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory
from tests.urlwalk import routes

pytestmark = pytest.mark.django_db

HOSTILE = [
    "abc",  # text for a number, a date, an id
    "\x00",  # NUL: PostgreSQL cannot store it
    "99999999999999999999",  # past a 64-bit integer
    "-1",
    "2024-02-30",  # an impossible date
    "2026-13",  # an impossible month
    "x" * 10_240,  # 10 kB
    ["1", "abc"],  # a list where one value is expected
]

# Views that read a parameter by hand, with why it cannot fail: keep it short.
HAND_READ = {
    # Paginator.get_page takes any value (a bad one is page 1, too far is the last).
    "contacts:dangers": ("page",),
    # ?kind= only chooses the upload form's initial kind, and only among ImportJob.Kind.values.
    "imports:list": ("page", "kind"),
    # Pages about one object, walked with the PATH_ARGS below.
    "accounts:history": ("page",),
    "contacts:history": ("page",),
    "contacts:self-questions": ("page",),
    "plans:satisfaction": ("page",),
    # Compared with the ids of the reviews shown, never sent to the database.
    "tiering:review": ("review",),
    # An id checked with isdigit() and looked up in the user's scope (404 otherwise).
    "visits:create": ("account",),
    "visits:contact-options": ("account",),
    "visits:green-create": ("account",),
    "care:event-add": ("contact", "account"),
    # A language code checked against settings.LANGUAGES.
    "imports:template": ("lang",),
    # Whether the parameter is there at all.
    "plans:account": ("start",),
    # drf-spectacular's own views: a language among settings.LANGUAGES, an API version, and
    # whether to answer the docs page's start script.
    "api:schema": ("lang", "version"),
    "api:docs": ("lang", "script", "version"),
}
COMMON = ("page", "format")

# What fills the path of the object pages walked, from the `world` fixture.
PATH_ARGS = {
    "accounts:history": lambda world: {"pk": world["account"].pk},
    "contacts:history": lambda world: {"pk": world["contact"].pk},
    "contacts:self-questions": lambda world: {"account_pk": world["account"].pk},
    "plans:satisfaction": lambda world: {"account_pk": world["account"].pk},
}


def _name(pattern, namespace):
    return f"{namespace}:{pattern.name}" if namespace else pattern.name


def _source(callback):
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return inspect.getsource(inspect.unwrap(callback))
    # The methods of the class and of our own mixins (some classes are made by a factory).
    return "\n".join(inspect.getsource(member) for cls in view_class.__mro__ if not cls.__module__.startswith(
        ("django", "builtins")) for member in vars(cls).values() if inspect.isfunction(member))


READ_BY_HAND = re.compile(r"""request\.GET(?:\.get\(|\[)\s*["'](\w+)["']""")

# Every named route, its view, and the parameters its parsers read.
VIEWS = [(_name(pattern, namespace), pattern, pattern.callback) for _route, pattern, namespace in routes()
         if pattern.name and namespace != "admin"]


def declared(callback):
    return {name for parser in query_parsers(callback) for name in parameter_names(parser)}


def test_every_parameter_read_by_hand_is_declared():
    """A view reading `request.GET["x"]` itself is walked only if someone says so."""
    missing = []
    for name, _pattern, callback in VIEWS:
        if inspect.unwrap(callback).__module__.startswith("django."):
            continue  # Django's own (login, set_language)
        source = _source(callback)
        read = set(READ_BY_HAND.findall(source)) - declared(callback) - set(HAND_READ.get(name, ())) - set(COMMON)
        if read:
            missing.append(f"{name}: {sorted(read)}")
    assert not missing, "parse these through a FilterSet or form (core.params), or list them in HAND_READ"


# The pages walked: every one that reads a query parameter and has no path parameter
# or one PATH_ARGS fills.
WALKED = sorted(
    (name, tuple(sorted(declared(callback) | set(HAND_READ.get(name, ())) | set(COMMON))))
    for name, pattern, callback in VIEWS
    if (not pattern.pattern.converters or name in PATH_ARGS) and (declared(callback) or name in HAND_READ)
)


def test_the_walk_covers_the_lists_and_reports():
    names = {name for name, _params in WALKED}
    for page in ("accounts:list", "contacts:list", "visits:list", "visits:issues", "users:team-list",
                 "plans:list", "plans:bank", "tiering:cadence", "visit-quarterly", "reports:operating",
                 "reports:concentration", "care:birthdays"):
        assert page in names, page


@pytest.fixture
def world(manager, outsider, default_tiers):
    account = AccountFactory(owner=manager, name="Haier")
    contact = ContactFactory(account=account)
    BuyerRoleFactory(contact=contact, role="decision_maker")
    OrderFactory(account=account)
    AccountFactory(owner=outsider, name="Elsewhere")
    return {"account": account, "contact": contact}


def _queries(params, value):
    """The query strings one hostile value makes for a page: every filter at once (so each
    parameter meets each value), the page number alone (a bad page may end the request
    before the filters run), and the filters again as a CSV download, which streams."""
    filters = {param: value for param in params if param not in COMMON}
    yield {**filters}
    yield {"page": value}
    yield {**filters, "format": "csv"}


def _walk(client, name, params, world):
    url = reverse(name, kwargs=PATH_ARGS[name](world) if name in PATH_ARGS else None)
    failures = []
    for value in HOSTILE:
        for query in _queries(params, value):
            with transaction.atomic():  # a failed query must not poison the next request
                response = client.get(url, query)
                # A streamed CSV runs its queries while it is read.
                b"".join(getattr(response, "streaming_content", []))
            if response.status_code >= 500:
                failures.append(f"{url} {sorted(query)}={str(value)[:30]!r} -> {response.status_code}")
    return failures


@pytest.mark.parametrize("persona", ["admin", "manager"])
def test_hostile_query_strings_never_answer_5xx(request, persona, world):
    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(persona))
    failures = [failure for name, params in WALKED for failure in _walk(client, name, params, world)]
    assert not failures, "\n".join(failures)
