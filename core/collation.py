"""Names in the reader's order (issue 17, item 9): pinyin for 简体中文, strokes for 繁體中文 (ICU's
defaults for zh and zh-Hant), through PostgreSQL's ICU collations; the plain order where the
server has none (a PostgreSQL built without ICU).

Each collated order has its index, `(name COLLATE "…", id)`, made by the accounts and contacts
migrations only where the collation exists, so the lists' `ORDER BY name, id LIMIT 25` stays an
index scan in every language. Whether the collations exist is asked once per process, when its
first database connection opens (not inside a request's pinned queries).
"""

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.translation import get_language

COLLATIONS = {"zh-hans": "zh-x-icu", "zh-hant": "zh-Hant-x-icu"}
_available = None  # the COLLATIONS values the server has, once known


def _learn(sender, connection, **kwargs):
    global _available
    if _available is not None or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT collname FROM pg_collation WHERE collname = ANY(%s)", [list(COLLATIONS.values())])
        _available = {name for (name,) in cursor.fetchall()}


connection_created.connect(_learn, dispatch_uid="core.collation")


def collation_for(language=None):
    """The collation names sort by for this language, or None for the plain order."""
    if not _available:
        return None
    collation = COLLATIONS.get(language or get_language() or "")
    return collation if collation in _available else None


def name_order(field="name", language=None):
    """order_by() arguments: the name in the reader's order, then the id (a stable page)."""
    collation = collation_for(language)
    return [Collate(F(field), collation) if collation else F(field).asc(), "pk"]
