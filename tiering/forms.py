from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from core.money import reporting_currency
from tiering.models import CadenceRequirement, Rule, Tier
from users.forms import find_team_by_name


class RuleForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(label=_("Key-account kinds"), required=False, choices=Account.Kind.choices,
                                      widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: any kind."))
    in_tender = forms.NullBooleanField(label=_("Opportunity in a tender stage"), required=False,
                                         widget=forms.NullBooleanSelect)

    class Meta:
        model = Rule
        fields = ["position", "label", "tier", "min_order_value", "max_order_value", "min_growth", "max_growth",
                  "min_potential", "kinds", "in_tender", "top_revenue_percent"]
        widgets = {"position": forms.NumberInput(attrs={"min": 1, "class": "rule-position"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["in_tender"].widget.choices = [("unknown", _("Either")), ("true", _("Yes")), ("false", _("No"))]
        for name in ("min_order_value", "max_order_value"):  # orders in other currencies are converted first
            self.fields[name].help_text = _("In %(currency)s.") % {"currency": reporting_currency()}

    def clean(self):
        data = super().clean()
        for low, high, label in (("min_order_value", "max_order_value", _("order value")),
                                 ("min_growth", "max_growth", _("growth"))):
            if data.get(low) is not None and data.get(high) is not None and data[low] >= data[high]:
                self.add_error(high, _("The upper bound of %(what)s must be above the lower one (%(low)s).")
                               % {"what": label, "low": data[low]})
        return data


class BaseRuleFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        positions = [f.cleaned_data.get("position") for f in self.forms
                     if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if len(positions) != len(set(positions)):
            raise forms.ValidationError(_("Two rules share an order number; give each rule its own place."))

    def rules(self):
        """Unsaved Rule instances, in order: for the preview and for saving a new version."""
        return sorted((f.instance for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
                       and f.cleaned_data.get("tier")), key=lambda r: r.position)


RuleFormSet = forms.modelformset_factory(Rule, form=RuleForm, formset=BaseRuleFormSet, extra=1, can_delete=True)


class OverrideForm(forms.Form):
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.objects.all())
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


class ProposalDecideForm(forms.Form):
    """Approve or reject one proposal (K-32); a rejection says why, next to the field."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Why"), required=False, max_length=2000,
                           help_text=_("Kept in the tier history. Needed to reject: the rules will propose it "
                                       "again, and the next review reads your reason."))

    def clean(self):
        data = super().clean()
        data["note"] = (data.get("note") or "").strip()
        if data.get("decision") == "reject" and not data["note"]:
            self.add_error("note", _("Say why you reject it: the rules will propose it again, and the next "
                                     "review reads your reason."))
        return data


class ReviewOpenForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("Every team"),
                                  widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, teams, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        find_team_by_name(self.fields["team"], user)


class TierForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["code", "name", "rank", "description", "benefits", "is_default"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "benefits": forms.Textarea(attrs={"rows": 2})}

    def _get_validation_exclusions(self):
        # tier_save moves the default flag from the old default tier, so the
        # "one default" constraint is not a reason to refuse the form.
        return super()._get_validation_exclusions() | {"is_default"}


class RequirementForm(forms.ModelForm):
    class Meta:
        model = CadenceRequirement
        fields = ["channel_group", "touches", "period", "days"]

    def clean(self):
        data = super().clean()
        if data.get("period") == CadenceRequirement.Period.DAYS and not data.get("days"):
            self.add_error("days", _("Say how many days."))
        if data.get("period") == CadenceRequirement.Period.CALENDAR_MONTH:
            data["days"] = None  # a calendar month needs no day count
        return data


def requirement_values(formset):
    """The cadence rules a valid RequirementFormSet asks for: rows kept, blank and deleted ones left out."""
    fields = ("channel_group", "touches", "period", "days")
    return [{name: form.cleaned_data.get(name) for name in fields} for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]


RequirementFormSet = forms.inlineformset_factory(Tier, CadenceRequirement, form=RequirementForm, extra=1,
                                                 can_delete=True)
