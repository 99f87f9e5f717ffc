"""Adding and removing attachments (issue 20). The owner's rule (attachments.registry) says who
may; these functions check the file itself: its real type from its first bytes, its size, and
for photos that Pillow can read them (a thumbnail is made from each)."""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from attachments.models import Attachment
from attachments.registry import owner_of_model

# (first bytes, MIME type, extension, kind): what we accept, told by content, not by name.
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg", Attachment.Kind.IMAGE),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png", Attachment.Kind.IMAGE),
    (b"GIF87a", "image/gif", ".gif", Attachment.Kind.IMAGE),
    (b"GIF89a", "image/gif", ".gif", Attachment.Kind.IMAGE),
    (b"%PDF-", "application/pdf", ".pdf", Attachment.Kind.DOCUMENT),
]
THUMBNAIL_SIZE = (480, 480)


def sniff(head):
    """(MIME type, extension, kind) of a file from its first bytes, or None if we take no such file."""
    for signature, mime, extension, kind in SIGNATURES:
        if head.startswith(signature):
            return mime, extension, kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp", Attachment.Kind.IMAGE
    return None


def check_upload(upload):
    """The file's (MIME type, extension, kind), or a ValidationError that names the file and
    says what is wrong with it in words a person can act on."""
    limit = settings.ATTACHMENTS_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name})
    if upload.size > limit:
        raise ValidationError(_("“%(name)s” is %(size)s; a file can be at most %(limit)s.")
                              % {"name": upload.name, "size": filesizeformat(upload.size),
                                 "limit": filesizeformat(limit)})
    upload.seek(0)
    sniffed = sniff(upload.read(16))
    upload.seek(0)
    if sniffed is None:
        raise ValidationError(_("“%(name)s” is not a photo or a PDF: attach JPEG, PNG, WebP or GIF images, "
                                "or PDF documents.") % {"name": upload.name})
    return sniffed


def _thumbnail(upload, name):
    """A JPEG thumbnail and the image's size; a file that says it is an image but is not one
    (or one too large to open safely) is refused."""
    try:
        with Image.open(upload) as image:
            image.load()
            width, height = image.size
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMBNAIL_SIZE)
            out = BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("“%(name)s” could not be read as a photo.") % {"name": name}) from error
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue()), width, height


@transaction.atomic
def attachment_add(*, record, by, upload):
    """One file on `record`, which the caller has already found in the user's scope."""
    if not owner_of_model(type(record)).can_change(by, record):
        raise PermissionDenied(_("You cannot add files here."))
    mime, extension, kind = check_upload(upload)
    attachment = Attachment(record=record, kind=kind, mime_type=mime, extension=extension,
                            original_name=upload.name[:255], size=upload.size, uploaded_by=by,
                            uploaded_at=timezone.now())
    if kind == Attachment.Kind.IMAGE:
        thumbnail, attachment.width, attachment.height = _thumbnail(upload, upload.name)
        attachment.thumbnail.save("thumb.jpg", thumbnail, save=False)
    # Stored before the row is written: a rolled-back transaction can leave a file nobody names
    # (harmless, and rare), never a row whose file is missing.
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def _delete_files_after_commit(attachments):
    files = [(a.file.storage, f.name) for a in attachments for f in (a.file, a.thumbnail) if f]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


@transaction.atomic
def attachment_delete(*, attachment, record, by):
    if not owner_of_model(type(record)).can_change(by, record):
        raise PermissionDenied(_("You cannot remove files here."))
    _delete_files_after_commit([attachment])
    attachment.delete()


def attachments_delete_of(*, record):
    """The files of a record being deleted (its owner's service calls this in its transaction)."""
    attachments = list(Attachment.objects.of(record))
    if attachments:
        _delete_files_after_commit(attachments)
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
