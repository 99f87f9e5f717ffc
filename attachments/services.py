"""Adding and removing attachments (issue 20). The owner's rule (attachments.registry) says who
may; these functions check the file itself: its real type from its first bytes, its size, and
for photos that Pillow can read them (a thumbnail is made from each). A PDF gets a preview of its
first page when PDFium can draw one (issue 23); one it cannot (broken, encrypted) keeps the icon."""

import logging
import threading
from datetime import UTC, timedelta
from io import BytesIO

import pypdfium2 as pdfium
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
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
# A page drawn at most this many times its size in points (a business-card PDF is not blown up
# into megapixels), and no page drawn at all above this many points a side (a poster-sized page
# would be drawn small anyway; its size is what a hostile file would lie about).
PREVIEW_MAX_SCALE = 2.0
PREVIEW_MAX_POINTS = 14400  # PDF's own limit for a page side (200 inches)
# PDFium is not thread-safe (pypdfium2's documentation): one drawing at a time per process.
_pdfium_lock = threading.Lock()
logger = logging.getLogger(__name__)


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


def pdf_preview(data):
    """A PNG of the first page of the PDF `data`, at most THUMBNAIL_SIZE, or None when there is no
    page PDFium can draw (a broken or encrypted file, an empty one): the list shows the PDF icon
    then. Never raises for what a file contains: a preview is a courtesy, the file is kept."""
    try:
        with _pdfium_lock:
            document = pdfium.PdfDocument(data)
            try:
                if len(document) == 0:
                    return None
                page = document[0]
                width, height = page.get_size()
                if not (0 < width <= PREVIEW_MAX_POINTS and 0 < height <= PREVIEW_MAX_POINTS):
                    return None
                scale = min(THUMBNAIL_SIZE[0] / width, THUMBNAIL_SIZE[1] / height, PREVIEW_MAX_SCALE)
                image = page.render(scale=scale).to_pil()
            finally:
                document.close()
        image.thumbnail(THUMBNAIL_SIZE)  # rounding may leave a pixel over
        out = BytesIO()
        image.convert("RGB").save(out, "PNG", optimize=True)
    except Exception as error:  # noqa: BLE001 - PDFium's errors (PdfiumError, and worse in a hostile file) keep the icon
        logger.info("No preview for a PDF: %r", error)  # the file's fault, not ours: no traceback
        return None
    return ContentFile(out.getvalue())


@transaction.atomic
def attachment_add(*, record, by, upload):
    """One file on `record`, which the caller has already found in the user's scope."""
    owner = owner_of_model(type(record))
    if not owner.can_change(by, record):
        raise PermissionDenied(_("You cannot add files here."))
    mime, extension, kind = check_upload(upload)
    attachment = Attachment(record=record, kind=kind, mime_type=mime, extension=extension,
                            original_name=upload.name[:255], size=upload.size, uploaded_by=by,
                            uploaded_at=timezone.now(), account_id=owner.account_id_of(record))
    if kind == Attachment.Kind.IMAGE:
        thumbnail, attachment.width, attachment.height = _thumbnail(upload, upload.name)
        attachment.thumbnail.save("thumb.jpg", thumbnail, save=False)
    elif mime == "application/pdf":
        upload.seek(0)
        preview = pdf_preview(upload.read())
        upload.seek(0)
        if preview is not None:
            attachment.thumbnail.save("thumb.png", preview, save=False)
    # Stored before the row is written: a rolled-back transaction can leave a file nobody names
    # (orphans_sweep removes it), never a row whose file is missing.
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


# --- Files no row names --------------------------------------------------------------------------

# Older than any upload's transaction: a younger file may belong to a row not yet committed.
ORPHAN_GRACE = timedelta(hours=6)
ORPHAN_BATCH = 500


def _month_folders(months):
    return [f"attachments/{month:%Y/%m}{sub}" for month in months for sub in ("", "/thumbs")]


def _files_in(storage, folder):
    try:
        return [f"{folder}/{name}" for name in storage.listdir(folder)[1]]
    except FileNotFoundError:  # nothing uploaded that month (a bucket just lists nothing)
        return []


def orphans_sweep(*, now=None, months=None):
    """Delete the stored files that no attachment names and that are older than ORPHAN_GRACE: what
    an upload whose transaction rolled back left behind (attachment_add stores the file first).
    Such a file can only be in its upload's month folder, so by default this month's and last
    month's are read; `months` (first days) for others. Names are checked against the rows a
    batch at a time. Returns the names deleted: none on a re-run."""
    now = now or timezone.now()
    if months is None:  # the folders are named by the upload's moment in UTC (attachments.models)
        this = now.astimezone(UTC).date().replace(day=1)
        months = [(this - timedelta(days=1)).replace(day=1), this]
    storage = Attachment._meta.get_field("file").storage
    stored = [name for folder in _month_folders(months) for name in _files_in(storage, folder)]
    deleted = []
    for start in range(0, len(stored), ORPHAN_BATCH):
        batch = stored[start:start + ORPHAN_BATCH]
        named = {name for row in Attachment.objects.filter(Q(file__in=batch) | Q(thumbnail__in=batch))
                 .values_list("file", "thumbnail") for name in row}
        for name in batch:
            if name not in named and storage.get_modified_time(name) < now - ORPHAN_GRACE:
                storage.delete(name)
                deleted.append(name)
    if deleted:
        logger.info("Removed %s stored files that no attachment names", len(deleted))
    return deleted
