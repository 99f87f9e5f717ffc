from django import template

from attachments.forms import AttachmentForm
from attachments.models import Attachment
from attachments.registry import owner_of_model

register = template.Library()


@register.inclusion_tag("attachments/_panel.html")
def attachments_panel(record, user, kind):
    """The photos and files of a record, with the form to add more where the user may (one query
    for the files; the content type is cached)."""
    can_change = owner_of_model(type(record)).can_change(user, record)
    return {"record": record, "kind": kind, "attachments": list(Attachment.objects.of(record)),
            "can_change": can_change, "form": AttachmentForm() if can_change else None}
