import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_secret():
    return secrets.token_urlsafe(32)  # 256 random bits: not guessable, so the URL needs no login


class CalendarFeedToken(models.Model):
    """The secret in a person's calendar-feed URL. Calendar apps cannot log in, so
    whoever holds the URL reads the feed: regenerating replaces the row (the old
    URL answers 404 at once), revoking deletes it.

    The secret is kept as it is, not hashed, because the page shows the link again
    whenever the person subscribes another device; what it opens is read-only
    (titles and due dates of their own work), and it is revocable."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed_token")
    secret = models.CharField(max_length=64, default=new_secret)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")
        constraints = [
            # feeds.views.feed finds the person by the secret alone (one indexed lookup).
            models.UniqueConstraint(fields=["secret"], name="calendar_feed_secret_unique"),
        ]

    def __str__(self):
        return str(self.user)
