"""Personal access tokens: `Authorization: Bearer kam_…` (or `Token kam_…`)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import TOKEN_PREFIX, AccessToken, token_digest
from api.services import access_token_used


class AccessTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower().decode(errors="replace") not in self.keywords:
            return None  # not ours: the session may still authenticate the request
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer, nothing else."))
        token = parts[1].decode(errors="replace")
        row = None
        if token.startswith(TOKEN_PREFIX):
            row = AccessToken.objects.usable().select_related("user", "user__team").filter(
                digest=token_digest(token)).first()
        if row is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, or it was revoked."))
        access_token_used(row, request=request)
        return row.user, row

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
