from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from api import permissions
from api.models import AccessToken, new_token, token_digest
from audit.models import Action
from audit.services import record

MAX_TOKENS = 20  # live tokens per person: enough for every system one person connects
# The last use is written at most this often: a sync making ten calls a second does not write ten rows.
LAST_USE_EVERY = timedelta(minutes=1)


@transaction.atomic
def access_token_create(*, user, name, scope):
    """Returns (token row, the token itself): the token is shown once and never kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token after what will use it.")})
    if AccessToken.objects.of(user).usable().count() >= MAX_TOKENS:
        raise ValidationError(_("You have %(n)s tokens: revoke one you no longer use first.") % {"n": MAX_TOKENS})
    token = new_token()
    row = AccessToken(user=user, name=name, scope=scope, digest=token_digest(token), hint=token[:10])
    row.full_clean()
    row.save()
    with translation.override("en"):  # the audit log keeps English msgids, shown in the reader's language
        scope = str(row.get_scope_display())
    record(Action.API_TOKEN_CREATED, actor=user, target=row, details={"to": scope})
    return row, token


@transaction.atomic
def access_token_revoke(*, token, by):
    if not permissions.can_revoke_token(by, token):
        raise PermissionDenied
    if AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        record(Action.API_TOKEN_REVOKED, actor=by, target=token)


def access_token_used(token, *, now=None, request=None):
    """Record the use, at most once a LAST_USE_EVERY (one conditional UPDATE, no read), and
    write it in the audit log as often: who used which token, from where."""
    now = now or timezone.now()
    stale = AccessToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - LAST_USE_EVERY)
    if stale.update(last_used_at=now):
        token.last_used_at = now
        record(Action.API_TOKEN_USED, actor=token.user, request=request, target=token)
