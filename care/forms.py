from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from care.models import CareTask, Event, Gift
from core.params import MonthForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DoneForm(forms.Form):
    outcome = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))
    channel = forms.ChoiceField(label=_("How"), choices=CareTask.Channel.choices)


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Move to"), widget=DATE)
    reason = forms.CharField(label=_("Why"), max_length=200)


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why skip it"), max_length=500)


class GiftForm(forms.ModelForm):
    class Meta:
        model = Gift
        fields = ["given_on", "occasion", "gift", "value", "story"]
        widgets = {"given_on": DATE, "story": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "date", "region"]
        widgets = {"date": DATE}

    def __init__(self, *args, regional_allowed, **kwargs):
        super().__init__(*args, **kwargs)
        if not regional_allowed:
            self.fields["kind"].choices = [c for c in Event.Kind.choices if c[0] != Event.Kind.REGIONAL]
            del self.fields["region"]


class BirthdayPeriodForm(MonthForm):
    """`?period=week`, or a month's list with `?month=2026-05` (this month without one)."""

    period = forms.ChoiceField(label=_("Period"), choices=[("month", _("Month")), ("week", _("Week"))],
                               required=False, initial="month")
