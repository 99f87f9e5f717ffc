from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attachments import registry, services
from attachments.forms import AttachmentForm
from attachments.models import Attachment
from core.views import confirm_page, refuse


def _attachment(request, pk):
    """The attachment and its record, if the user may see the record; else 404 (as the record is)."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    try:
        owner = registry.owner_of_model(attachment.content_type.model_class())
    except LookupError:
        raise Http404 from None
    return attachment, owner, owner.get(request.user, attachment.object_id)


def attachment_add(request, kind, pk):
    owner = registry.owner(kind)
    record = owner.get(request.user, pk)
    if not owner.can_change(request.user, record):
        raise PermissionDenied
    posted = request.method == "POST"
    form = AttachmentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            with transaction.atomic():
                for upload in form.cleaned_data["uploads"]:
                    services.attachment_add(record=record, by=request.user, upload=upload)
        except ValidationError as error:
            form.add_error("files", error)
        else:
            count = len(form.cleaned_data["uploads"])
            messages.success(request, ngettext("%(n)s file attached.", "%(n)s files attached.", count) % {"n": count})
            return redirect(f"{record.get_absolute_url()}#attachments")
    return render(request, "attachments/add.html", {"form": form, "record": record, "kind": kind},
                  status=400 if form.is_bound else 200)


def attachment_file(request, pk, thumbnail=False):
    """The file itself, to who may see its record: no public media URL ever names it."""
    attachment, _owner, _record = _attachment(request, pk)
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise Http404
    try:
        handle = stored.storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.thumbnail_type if thumbnail else attachment.mime_type,
                            as_attachment=not (thumbnail or attachment.is_image or attachment.mime_type ==
                                               "application/pdf"),
                            filename=attachment.original_name)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def attachment_thumbnail(request, pk):
    return attachment_file(request, pk, thumbnail=True)


def attachment_delete(request, pk):
    attachment, owner, record = _attachment(request, pk)
    if not owner.can_change(request.user, record):
        raise PermissionDenied
    back = f"{record.get_absolute_url()}#attachments"
    if request.method == "POST":
        try:
            services.attachment_delete(attachment=attachment, record=record, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            return refuse(request, error, back)
        messages.success(request, _("“%(name)s” removed.") % {"name": attachment.original_name})
        return redirect(back)
    return confirm_page(request, title=_("Remove this file?"),
                        message=_("“%(name)s” will be removed from %(record)s. This cannot be undone.")
                        % {"name": attachment.original_name, "record": record},
                        label=_("Remove"), cancel_url=back)


