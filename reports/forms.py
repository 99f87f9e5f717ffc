from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import Target
from tiering.models import Tier
from users.models import Team, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportFilterForm(forms.Form):
    """Team, manager, tier and period: the filters every report shares."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("All my teams"))
    manager = forms.ModelChoiceField(label=_("Manager"), queryset=User.objects.none(), required=False,
                                     empty_label=_("Everyone"))
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.objects.all(), required=False,
                                  empty_label=_("Any tier"))
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).order_by("name")
        self.fields["manager"].queryset = User.objects.visible_to(user).staff(include_departed=True).order_by(
            "username")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - timedelta(days=365)
        if data["start"] > data["end"]:
            self.add_error("start", _("The period starts after it ends."))
        return data

    def values(self):
        """The cleaned filters, or the defaults when the form is invalid."""
        if self.is_valid():
            return self.cleaned_data
        today = timezone.localdate()
        return {"team": None, "manager": None, "tier": None, "start": today - timedelta(days=365), "end": today}


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["metric", "team", "tier", "value"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).order_by("name")
        if not user.is_admin:  # a supervisor sets targets for their own teams
            self.fields["team"].required = True
            self.fields["team"].help_text = ""
