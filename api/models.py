import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "kam_"


def token_digest(token):
    """SHA-256 of the whole token: 256 random bits need no slow hash (nothing to guess from the
    digest), and one indexed lookup finds the row on every request."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class AccessTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def of(self, user):
        return self.filter(user=user)


class AccessToken(models.Model):
    """A personal access token for the API: made on its owner's token page and shown once; only
    its digest is kept. It acts as its owner, within the owner's scope, and a read-only token
    never writes. Revoking keeps the row (when it was made, last used, revoked)."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What uses it, e.g. ERP order sync."))
    scope = models.CharField(_("access"), max_length=20, choices=Scope.choices, default=Scope.READ)
    digest = models.CharField(max_length=64, editable=False)
    # The first characters, so its owner can tell one token from another; they open nothing.
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # api.authentication finds the token by its digest alone.
            models.UniqueConstraint(fields=["digest"], name="access_token_digest_unique"),
            models.CheckConstraint(name="access_token_scope_valid", condition=Q(scope__in=["read", "read_write"])),
        ]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def can_write(self):
        return self.scope == self.Scope.READ_WRITE
