from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import metrics
from core.params import QueryForm, TeamScopeForm
from core.widgets import SearchSelect
from reports.models import QuarterlyAnalysis, Target
from tiering.models import Tier
from users.forms import find_team_by_name
from users.models import Team, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def report_people(user):
    """The people a report can be narrowed to: those whose work the user sees, departed included."""
    return User.objects.visible_to(user).staff(include_departed=True).order_by("username")


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
        find_team_by_name(self.fields["team"], user)
        if user.is_admin:  # everyone who ever carried accounts: found by name, not listed (issue 19)
            self.fields["manager"].widget = SearchSelect(reverse_lazy("reports:manager-options"))
        self.fields["manager"].queryset = report_people(user)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or metrics.last_12_months(data["end"]).start
        if data["start"] > data["end"]:
            self.add_error("start", _("The period starts after it ends."))
        return data

    def values(self):
        """The cleaned filters, or the defaults when the form is invalid."""
        if self.is_valid():
            return self.cleaned_data
        today = timezone.localdate()
        return {"team": None, "manager": None, "tier": None, "start": metrics.last_12_months(today).start,
                "end": today}


class PeriodForm(ReportFilterForm):
    """The shared filters' period alone: for a page about one object (a group), whose team,
    manager and tier are its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("team", "manager", "tier"):
            del self.fields[name]

    def values(self):
        values = super().values()
        return {"start": values["start"], "end": values["end"]}


class ClampedIntegerField(forms.IntegerField):
    """A whole number pulled into [low, high]: `?top=500` means the most there is, 100."""

    def __init__(self, *, low, high, **kwargs):
        self.low, self.high = low, high
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        number = super().to_python(value)
        return None if number is None else min(max(number, self.low), self.high)


class ConcentrationForm(QueryForm):
    top = ClampedIntegerField(label=_("Top accounts (%)"), low=1, high=100, initial=20)


class ConversionForm(QueryForm):
    within = ClampedIntegerField(label=_("Within (days)"), low=1, high=365, initial=30)
    # K-51 on the pipeline (issue 22); the order-based measure of before stays as a second view.
    measure = forms.ChoiceField(label=_("Converts when"), required=False, initial="pipeline", choices=[
        ("pipeline", _("an opportunity is created, advanced or won")), ("orders", _("an order is signed"))])


class ValueForm(QueryForm):
    years = ClampedIntegerField(label=_("Years ahead"), low=0, high=20, initial=3)


class QuarterlyForm(TeamScopeForm):
    """The quarterly visit report's `?quarter=2026-Q2` and `?team=`."""

    quarter = forms.RegexField(label=_("Quarter"), regex=r"^\d{4}-Q[1-4]$", required=False)

    def values(self):
        values = super().values()
        if values["quarter"]:
            year, quarter = values["quarter"].split("-Q")
            values["year"], values["quarter"] = int(year), int(quarter)
        return values


def target_people(user):
    """Whom a target may be set for: the people of the teams the user leads (everyone in a team
    for an admin)."""
    people = User.objects.staff().filter(team__isnull=False)
    if not user.is_admin:
        people = people.filter(team__supervisor=user)
    return people.order_by("team__name", "username", "pk")


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["metric", "team", "manager", "tier", "value"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).order_by("name")
        find_team_by_name(self.fields["team"], user)
        if user.is_admin:  # everyone in a team, company-wide: found by name, not listed (issue 19)
            self.fields["manager"].widget = SearchSelect(reverse_lazy("reports:target-people-options"))
        self.fields["manager"].queryset = target_people(user).select_related("team")
        if not user.is_admin:  # a supervisor sets targets for their own teams
            self.fields["team"].required = True
            self.fields["team"].help_text = ""


class QuarterlyAnalysisForm(forms.ModelForm):
    class Meta:
        model = QuarterlyAnalysis
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}


class ActForm(forms.ModelForm):
    """The month's corrective action on a target (K-53)."""

    class Meta:
        model = Target
        fields = ["act"]
        widgets = {"act": forms.Textarea(attrs={"rows": 3})}
