from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from care.models import CareTask, Event, Gift, HolidayCalendar, Occasion

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


class OccasionForm(forms.ModelForm):
    """An occasion recurs by one calendar; the fields of the others must stay empty."""

    class Meta:
        model = Occasion
        fields = ["name", "name_zh_hans", "name_zh_hant", "calendar", "date", "yearly", "lunar_month", "lunar_day",
                  "lunar_leap", "solar_term", "days_ahead", "template", "teams", "is_active"]
        widgets = {"date": DATE, "teams": forms.CheckboxSelectMultiple,
                   "lunar_month": forms.NumberInput(attrs={"min": 1, "max": 12}),
                   "lunar_day": forms.NumberInput(attrs={"min": 1, "max": 30})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calendar"].required = False  # most occasions are a solar date: the default
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Name"), "name", "name_zh_hans", "name_zh_hant"),
            Fieldset(_("When"), "calendar",
                     Div(Div("date", css_class="col-8 col-sm-5"), Div("yearly", css_class="col-4 col-sm-3 pt-sm-4"),
                         css_class="row"),
                     Div(Div("lunar_month", css_class="col-6 col-sm-3"), Div("lunar_day", css_class="col-6 col-sm-5"),
                         Div("lunar_leap", css_class="col-12 col-sm-4 pt-sm-4"), css_class="row"),
                     "solar_term"),
            Fieldset(_("Greeting"), "days_ahead", "template", "teams", "is_active"),
        )

    def clean(self):
        data = super().clean()
        calendar = data["calendar"] = data.get("calendar") or Occasion.Calendar.SOLAR
        if calendar == Occasion.Calendar.SOLAR:
            self._require(data, "date", _("Give the date."))
            data.update(lunar_month=None, lunar_day=None, lunar_leap=False, solar_term="")
        elif calendar == Occasion.Calendar.LUNAR:
            self._require(data, "lunar_month", _("Give the lunar month (1–12)."))
            self._require(data, "lunar_day", _("Give the lunar day (1–30)."))
            data.update(date=None, solar_term="", yearly=True)
        elif calendar == Occasion.Calendar.SOLAR_TERM:
            self._require(data, "solar_term", _("Choose the solar term."))
            data.update(date=None, lunar_month=None, lunar_day=None, lunar_leap=False, yearly=True)
        for field, low, high in (("lunar_month", 1, 12), ("lunar_day", 1, 30)):
            value = data.get(field)
            if value is not None and not low <= value <= high:
                self.add_error(field, _("Between %(low)s and %(high)s.") % {"low": low, "high": high})
        return data

    def _require(self, data, field, message):
        if data.get(field) in (None, "") and field not in self.errors:
            self.add_error(field, message)


class HolidayCalendarForm(forms.ModelForm):
    class Meta:
        model = HolidayCalendar
        fields = ["country", "subdivision", "days_ahead", "template", "teams", "is_active"]
        widgets = {"teams": forms.CheckboxSelectMultiple}
