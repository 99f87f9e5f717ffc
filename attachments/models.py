import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _stored_name(instance, filename):
    # A random name, not the uploader's: names on disk (or in a bucket) tell nothing and never clash.
    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


def _thumbnail_name(instance, filename):
    # A photo's thumbnail is a JPEG, a PDF's first-page preview a PNG (attachments.services).
    extension = ".png" if filename.endswith(".png") else ".jpg"
    return f"attachments/{instance.uploaded_at:%Y/%m}/thumbs/{uuid.uuid4().hex}{extension}"


class AttachmentQuerySet(models.QuerySet):
    def of(self, obj):
        # Joined by the type's name rather than looked up first: one query, whether or not this
        # process has the content type cached yet.
        meta = obj._meta.concrete_model._meta
        return self.filter(content_type__app_label=meta.app_label, content_type__model=meta.model_name,
                           object_id=obj.pk)

    def of_account(self, account_id):
        """Every file on an account and on its contacts, visits and plans (hub's timeline), newest first."""
        return self.filter(account_id=account_id).order_by("-uploaded_at", "-pk")


class Attachment(models.Model):
    """A photo or file on a record (issue 20), stored through Django's storage API: files under
    MEDIA_ROOT by default, an S3-compatible bucket when configured. Never at a public URL:
    attachments.views serves it to whoever may see the record."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        DOCUMENT = "document", _("Document")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    # The account the record belongs to (the record's owner says which: attachments.registry), so
    # the account's timeline reads all its files, whatever they are on, by one index. Not a foreign
    # key: this app knows no owner's model. Moved by hub.merge with the rest of an account.
    account_id = models.PositiveBigIntegerField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_stored_name, max_length=300)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_thumbnail_name, max_length=300, blank=True)
    # The type sniffed from the file's first bytes (attachments.services.sniff), not the name's.
    mime_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=10)
    original_name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("added"))

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(name="attachment_size_positive", condition=Q(size__gt=0)),
            models.CheckConstraint(name="attachment_image_has_thumbnail",
                                   condition=~Q(kind="image") | ~Q(thumbnail="")),
            # One row per stored file: removing a row removes its files, which no other row may
            # name; and the orphan sweep finds a name's row by these indexes.
            models.UniqueConstraint(fields=["file"], name="attachment_file_unique"),
            models.UniqueConstraint(fields=["thumbnail"], condition=~Q(thumbnail=""),
                                    name="attachment_thumbnail_unique"),
        ]
        indexes = [
            # AttachmentQuerySet.of: the files of one record, on its page.
            models.Index(fields=["content_type", "object_id"], name="attachment_record_idx"),
            # AttachmentQuerySet.of_account: hub.timeline's window of an account's files.
            models.Index(fields=["account_id", "-uploaded_at", "-id"], condition=Q(account_id__isnull=False),
                         name="attachment_account_time_idx"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.kind == self.Kind.IMAGE

    @property
    def thumbnail_type(self):
        return "image/png" if self.thumbnail.name.endswith(".png") else "image/jpeg"
