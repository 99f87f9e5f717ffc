"""Who may do what through the API. What a user may see and change is each app's own rule
(`visible_to`, `can_edit_account`, …), asked by the API exactly as by the pages; this module adds
only what belongs to the API: what a token may do."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


def can_revoke_token(user, token):
    return token.user_id == user.pk


def token_may(token, method):
    """A read-only token reads; a read-write one does what its owner may. A session is no token."""
    return token is None or method in SAFE_METHODS or token.can_write


class TokenScope(BasePermission):
    """403 for a read-only token that tries to write (its owner's rules decide the rest)."""

    message = _("This token is read-only: make a read-and-write token to change data.")

    def has_permission(self, request, view):
        from api.models import AccessToken

        token = request.auth if isinstance(request.auth, AccessToken) else None
        return token_may(token, request.method)
