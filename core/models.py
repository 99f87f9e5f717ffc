from django.db import models
from django.utils.translation import gettext_lazy as _


class CreateKey(models.Model):
    """The one-time key a create form carries (core.idempotency): the first request with it
    makes the row, a retry or a double submit finds `object_id` and shows that row instead.

    One small table for every kind rather than a key column on each model: the rows it
    guards stay as they are (no column on the largest tables, no migration in five apps),
    and one claim, written and tested once, serves visits, orders, contacts and care alike."""

    kind = models.CharField(_("kind"), max_length=50)  # the model label, e.g. "visits.visit"
    key = models.UUIDField(_("key"))
    # NULL only inside the claiming transaction: it is set before that transaction commits.
    object_id = models.BigIntegerField(_("object"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("create key")
        constraints = [
            # The claim of core.idempotency is an INSERT … ON CONFLICT on this key: two requests
            # with one key, even in two concurrent transactions, make one row.
            models.UniqueConstraint(fields=["kind", "key"], name="core_create_key_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
