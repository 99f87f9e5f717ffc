from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Action


class AuditFilter(forms.Form):
    """The admin's filter over the audit log."""

    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Every action")), *Action.choices])
    q = forms.CharField(label=_("Who"), required=False, max_length=150,
                        widget=forms.TextInput(attrs={"placeholder": _("Username contains…"), "type": "search"}))
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end comes before the start."))
        return data

    def filter(self, queryset):
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        if data["q"]:
            queryset = queryset.filter(actor_name__icontains=data["q"])
        if data["since"]:
            queryset = queryset.filter(at__date__gte=data["since"])
        if data["until"]:
            queryset = queryset.filter(at__date__lte=data["until"])
        return queryset
