from django import forms
from django.utils.translation import gettext_lazy as _

from core.params import QueryForm
from users.models import Department
from visits.models import DeadlineRule


def department_field(**kwargs):
    return forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.active().order_by("code"),
                                  **kwargs)


class AcceptForm(forms.Form):
    """Accepting posts nothing but the button: the person is who accepts."""


class RouteForm(forms.Form):
    department = department_field()


class ReplyForm(forms.Form):
    note = forms.CharField(label=_("Reply to the account manager"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class InformForm(forms.Form):
    note = forms.CharField(label=_("How the customer was told (optional)"), max_length=2000, required=False)


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("Completion report"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DeadlineForm(forms.Form):
    subject = forms.ChoiceField(choices=DeadlineRule.Subject.choices, widget=forms.HiddenInput)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=24 * 90)
    working_time = forms.BooleanField(label=_("On working time"), required=False,
                                      help_text=DeadlineRule._meta.get_field("working_time").help_text)


DeadlineFormSet = forms.formset_factory(DeadlineForm, extra=0, min_num=len(DeadlineRule.Subject.values),
                                        max_num=len(DeadlineRule.Subject.values), validate_max=True)


class PerformanceForm(QueryForm):
    """`?year=` of the departmental performance report."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
