from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from contacts.models import BuyerRole, Contact, SelfQuestionReview
from core.widgets import SearchSelect
from plans.models import (
    AccountPlan,
    BankQuestion,
    PlanAction,
    PlanGoal,
    PlannedVisit,
    Referral,
    SatisfactionSurvey,
    SpinCategory,
)
from users.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROLES = forms.MultipleChoiceField(label=_("Buyer roles to meet"), choices=BuyerRole.Role.choices, required=False,
                                  widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))


class PlanForm(forms.ModelForm):
    class Meta:
        model = AccountPlan
        fields = ["year", "vision", "strategy", "risks", "satisfaction_actions"]
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ("vision", "strategy", "risks", "satisfaction_actions")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["year"]
        else:
            self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give a year between 2000 and 2100."))
        return year


class GoalForm(forms.ModelForm):
    """A stage goal needs its measure; the message names the one missing, next to it."""

    MEASURE = {
        PlanGoal.Kind.REVENUE: ("target_amount", _("A revenue goal needs its target amount.")),
        PlanGoal.Kind.PRODUCT: ("target_text", _("Name the product to introduce, as on the product map.")),
        PlanGoal.Kind.RELATIONSHIP: ("target_style", _("Choose the relationship to reach.")),
        PlanGoal.Kind.COVERAGE: ("target_count", _("How many of the four buyer roles should have a holder (1–4)?")),
        PlanGoal.Kind.TIER: ("target_tier", _("Choose the tier to reach.")),
        PlanGoal.Kind.OTHER: ("target_text", _("A goal without a measure cannot be checked: say how we know it "
                                               "is reached.")),
    }

    class Meta:
        model = PlanGoal
        fields = ["kind", "title", "due_on", "target_amount", "target_count", "target_style", "target_tier",
                  "target_text"]
        widgets = {"due_on": DATE}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in self.MEASURE:
            name, message = self.MEASURE[kind]
            value = data.get(name)
            if value in (None, "") and name not in self.errors:
                self.add_error(name, message)
            elif name == "target_amount" and value is not None and value <= 0:
                self.add_error(name, _("The target must be more than zero."))
            elif name == "target_count" and value is not None and not 1 <= value <= 4:
                self.add_error(name, _("There are four buyer roles: give 1 to 4."))
        return data


def team_choices(account):
    """Who may own an action: the account team, their supervisor, the team's managers."""
    scope = Q(pk=account.owner_id) | Q(account_memberships__account=account)
    if account.owner_id and account.owner.team_id:
        scope |= Q(team_id=account.owner.team_id) | Q(supervised_teams__pk=account.owner.team_id)
    return User.objects.filter(scope, is_active=True).distinct().order_by("username")


class ActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["title", "owner", "due_on", "for_satisfaction"]
        widgets = {"due_on": DATE}
        error_messages = {"owner": {"required": _("Every action needs an owner: who makes it happen?")},
                          "due_on": {"required": _("Give the date the action is due.")}}

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_choices(account)


class ScheduleRowForm(forms.Form):
    month = forms.DateField(widget=forms.HiddenInput)
    planned_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    topics = forms.CharField(label=_("Main communication topics"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 1}))
    roles = ROLES

    def clean(self):
        data = super().clean()
        month, planned_on = data.get("month"), data.get("planned_on")
        if month and planned_on and (planned_on.year, planned_on.month) != (month.year, month.month):
            self.add_error("planned_on", _("Pick a date in %(month)s.") % {"month": month.strftime("%Y-%m")})
        if planned_on and not data.get("topics", "").strip():
            self.add_error("topics", _("What is the visit about? Give its main topics."))
        return data


ScheduleFormSet = forms.formset_factory(ScheduleRowForm, extra=0, max_num=12, validate_max=True)


class PlannedVisitForm(forms.ModelForm):
    roles = ROLES
    month = forms.DateField(label=_("Month"), required=False, widget=forms.DateInput(attrs={"type": "month"},
                                                                                     format="%Y-%m"),
                            input_formats=["%Y-%m", "%Y-%m-%d"], help_text=_("If the date is not known yet."))

    class Meta:
        model = PlannedVisit
        fields = ["planned_on", "month", "owner", "topics", "roles"]
        widgets = {"planned_on": DATE, "topics": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_choices(account)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Leave empty for the account's manager.")

    def clean(self):
        data = super().clean()
        if not data.get("planned_on") and not data.get("month") and not self.instance.pk:
            self.add_error("planned_on", _("Give the date, or at least the month, of the visit."))
        return data


class PreparationForm(forms.ModelForm):
    class Meta:
        model = PlannedVisit
        fields = ["objective", "contacts", "materials", "gift"]
        widgets = {"objective": forms.Textarea(attrs={"rows": 2}), "materials": forms.Textarea(attrs={"rows": 2}),
                   "contacts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].required = True
        self.fields["objective"].error_messages["required"] = _("Say what this visit should achieve.")
        self.fields["contacts"].queryset = Contact.objects.filter(
            account_id=self.instance.account_id, archived_at__isnull=True).order_by("name")
        # K-15: the self-questions, worded as in the contacts review, as prompts for this visit.
        for key, label in SelfQuestionReview.QUESTIONS:
            self.fields[f"self_{key}"] = forms.CharField(
                label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1}),
                initial=(self.instance.self_check or {}).get(key, ""))

    def self_check(self):
        return {key: self.cleaned_data.get(f"self_{key}", "") for key, _label in SelfQuestionReview.QUESTIONS}


class OutlineAddForm(forms.Form):
    bank = forms.ModelMultipleChoiceField(label=_("From the question bank"), queryset=BankQuestion.objects.none(),
                                          required=False, widget=forms.CheckboxSelectMultiple)
    text = forms.CharField(label=_("Your own question"), required=False, max_length=300)
    category = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *SpinCategory.choices], required=False)

    def __init__(self, *args, account, planned=None, **kwargs):
        super().__init__(*args, **kwargs)
        bank = BankQuestion.objects.for_industry(account.industry).in_spin_order()
        if planned is not None:  # not offered twice; the NULL filter keeps NOT IN from matching nothing
            bank = bank.exclude(pk__in=planned.questions.filter(source__isnull=False).values("source"))
        self.fields["bank"].queryset = bank

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and not data.get("category"):
            self.add_error("category", _("Choose the kind of question."))
        return data


class BankQuestionForm(forms.ModelForm):
    class Meta:
        model = BankQuestion
        fields = ["category", "industry", "text"]


class SurveyForm(forms.ModelForm):
    class Meta:
        model = SatisfactionSurvey
        fields = ["taken_on", "respondent", "score", "comments"]
        widgets = {"taken_on": DATE, "comments": forms.Textarea(attrs={"rows": 2})}


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["status", "referred_name", "brought_account", "note"]
        # every account the user sees: an admin's would be 100,000 options (issue 19)
        widgets = {"note": forms.Textarea(attrs={"rows": 2}),
                   "brought_account": SearchSelect(reverse_lazy("accounts:account-options"))}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brought_account"].queryset = (
            Account.objects.visible_to(user).active().exclude(pk=self.instance.account_id))

    def clean(self):
        data = super().clean()
        if (data.get("status") == Referral.Status.RECEIVED and not data.get("referred_name", "").strip()
                and not data.get("brought_account")):
            self.add_error("referred_name", _("Name whom they referred, or choose the account it brought."))
        return data


class ReviewForm(forms.Form):
    month = forms.DateField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Review note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Write what the month showed and what changes.")})
