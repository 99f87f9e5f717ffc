from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.widgets import SearchSelect


class PasswordResetMailForm(PasswordResetForm):
    """Django's reset form, writing each e-mail in its reader's language and counting them."""

    sent = 0

    def send_mail(self, *args, **kwargs):
        context = args[2] if len(args) > 2 else kwargs["context"]
        with translation.override(context["user"].language):
            super().send_mail(*args, **kwargs)
        self.sent += 1


class CodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    token = forms.CharField(
        label=_("Code"), max_length=20, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The 6 digits your authenticator app shows now, or one of your recovery codes."))


def find_team_by_name(field, user):
    """An admin's team field (a filter or a form's): every team of the company (901 at a million
    accounts), so the page names only the one chosen and the others are found by typing part of
    a name (users:team-options; issue 19). Others keep their few teams in a plain list. Call it
    after the field's queryset is set: the new widget takes the field's choices."""
    if user.is_admin:
        field.widget = SearchSelect(reverse_lazy("users:team-options"), attrs=field.widget.attrs)
        field.widget.choices = field.choices
