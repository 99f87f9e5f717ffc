"""What a django-simple-history record changed, for people: each field by its verbose name and each
value as the reader says it (a choice's label, a related row's name, yes/no, a date), in the active
language. The history tables store codes ("personalised", "neutral"); nobody should read those."""

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _


def shown_value(field, value, record=None):
    """One stored value as text: choices by label, relations by the row's name (read from `record`,
    where select_related put it), booleans as yes/no, dates in the reader's format."""
    if value is None or value == "":
        return ""
    if field.is_relation and record is not None:
        related = getattr(record, field.name, None)
        return str(related) if related is not None else f"#{value}"
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField | models.DateField):
        return formats.localize(value)
    return str(value)


def record_changes(newer, previous, model):
    """[(label, old text, new text)] between two history records of one row; [] for the first."""
    if previous is None:
        return []
    rows = []
    for change in newer.diff_against(previous).changes:
        field = model._meta.get_field(change.field)
        rows.append((field.verbose_name, shown_value(field, change.old, previous),
                     shown_value(field, change.new, newer)))
    return rows


def related_names(history_model):
    """The history's many-to-one fields to select_related, so a changed owner shows by name."""
    return [f.name for f in history_model._meta.fields
            if f.is_relation and f.many_to_one and f.name not in ("history_user", "history_relation")]


def reason_text(reason):
    """A history record's change reason for the reader: what a person wrote as they wrote it, and
    what the system wrote (a merge: "merged-into:<id>:<name>") in the reader's language."""
    kind, _sep, rest = (reason or "").partition(":")
    pk, _sep, name = rest.partition(":")
    if kind == "merged-into" and pk.isdigit():
        return _("Merged into %(name)s (#%(id)s)") % {"name": name, "id": pk}
    if kind == "merged-from" and pk.isdigit():
        return _("%(name)s (#%(id)s) merged into this") % {"name": name, "id": pk}
    return reason or ""
