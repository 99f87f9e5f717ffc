"""Idempotent creates: a create form carries a one-time key (a UUID made when the form is
rendered, `core.forms.CreateKeyField` or `{% create_key %}`), and the service that makes the
row claims it first. A double submit, a retry after a failed response or a resend of an
offline draft with the same key makes nothing new: it is shown the row the first one made.

    @creates_once("visits.visit", find=lambda pk, by, **_: Visit.objects.filter(author=by, pk=pk).first())
    def visit_log(*, account, by, ...): ...

    visit_log(key=form.cleaned_data["create_key"], account=..., by=...)   # the second time: AlreadySaved
"""

import functools

from django.db import connection, transaction

from core.models import CreateKey

CLAIM_SQL = """
INSERT INTO core_createkey (kind, key, created_at) VALUES (%s, %s, now())
ON CONFLICT ON CONSTRAINT core_create_key_once DO NOTHING
RETURNING id
"""


class AlreadySaved(Exception):  # not an ...Error: the row exists, which is what the user wanted
    """The key was used before: `object` is what that request made (None if it is gone since, or
    if it is not the caller's to see)."""

    def __init__(self, obj, key):
        super().__init__(obj)
        self.object, self.key = obj, key


def creates_once(kind, *, find):
    """Make a create service idempotent under the caller's `key=`: without a key it runs as before.

    The service is run in a transaction of this decorator's (it needs no @transaction.atomic of its
    own): with a key, the claim, the service and the key's object are that one transaction, with
    no SAVEPOINT pair inside it (two statements per create, issue 19).

    `find(object_id, **kwargs)` returns the earlier object if the caller may see it, given the
    service's own arguments (so that a key sent by someone else shows them nothing)."""
    def decorate(service):
        @functools.wraps(service)
        def once(*, key=None, **kwargs):
            with transaction.atomic():
                if key is None:
                    return service(**kwargs)
                if not _claim(kind, key):
                    earlier = CreateKey.objects.filter(kind=kind, key=key).values_list("object_id", flat=True)[0]
                    raise AlreadySaved(find(earlier, **kwargs) if earlier is not None else None, key)
                made = service(**kwargs)
                CreateKey.objects.filter(kind=kind, key=key).update(object_id=made.pk)
                return made
        return once
    return decorate


def _claim(kind, key):
    """True if this transaction holds the key now. A concurrent holder makes PostgreSQL wait here
    until it commits (then False: its row is there to be found) or rolls back (then True)."""
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [kind, key])
        return cursor.fetchone() is not None
