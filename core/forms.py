"""Showing a service's ValidationError on the form that called it; the create key field."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

CREATE_KEY = "create_key"  # the name of the field in every create form


def add_service_error(form, error):
    """Put each message next to its field; a field the form does not have (the
    service checks more than the form shows) gets its message at the top instead
    of a server error from form.add_error()."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


class CreateKeyField(forms.UUIDField):
    """The one-time key of a create form (core.idempotency), hidden, made when the form is
    rendered; a re-rendered form (after an error) keeps the key it was sent with.

    Not required, and a malformed key is dropped rather than shown as an error: a post without
    one (an older page, a script) still saves, only without the protection against a resend."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", uuid.uuid4)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


def create_key(data):
    """The create key of a hand-written form (`{% create_key %}`), or None."""
    return CreateKeyField().clean(data.get(CREATE_KEY))


def add_create_key(form):
    """Give a create form its one-time key (an edit form needs none: its row exists). Call it
    after the crispy layout is built, so that the hidden field is rendered too."""
    form.fields[CREATE_KEY] = CreateKeyField()
    layout = getattr(getattr(form, "helper", None), "layout", None)
    if layout is not None:
        layout.append(CREATE_KEY)
