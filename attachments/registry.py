"""Which records may carry attachments, and who may see and change them.

The owning app registers its model once (in its AppConfig.ready), so this app never imports it:

    registry.register(Visit, kind="visit", visible=lambda user: Visit.objects.visible_to(user),
                      can_change=lambda user, visit: ...)

`visible(user)` is the owner's scope (a QuerySet): outside it a file is a 404, as the record is.
`can_change(user, obj)` says whether the user adds and deletes files on it now (a visit's author
while its month is open, say). `account_of(obj)` is the id of the account the record belongs to
(by default its `account_id`), kept on each file for the account's timeline.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.http import Http404


@dataclass(frozen=True)
class Owner:
    kind: str
    model: type
    visible: Callable
    can_change: Callable
    account_of: Callable | None = None

    def account_id_of(self, obj):
        return self.account_of(obj) if self.account_of else getattr(obj, "account_id", None)

    def get(self, user, pk):
        """The record if the user may see it, else Http404."""
        obj = self.visible(user).filter(pk=pk).first()
        if obj is None:
            raise Http404
        return obj


_owners: dict[str, Owner] = {}


def register(model, *, kind, visible, can_change, account_of=None):
    _owners[kind] = Owner(kind, model, visible, can_change, account_of)


def owner(kind):
    try:
        return _owners[kind]
    except KeyError:
        raise Http404 from None


def owner_of_model(model):
    for entry in _owners.values():
        if entry.model is model or issubclass(model, entry.model):
            return entry
    raise LookupError(f"{model.__name__} takes no attachments")


def owner_of_type(content_type_id):
    return owner_of_model(ContentType.objects.get_for_id(content_type_id).model_class())
