from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from contacts.models import Contact
from core.collation import name_order
from core.forms import CREATE_KEY, add_create_key
from core.params import PageForm
from visits.models import CustomerIssue, Visit

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
REPLIED = forms.Select(choices=[("unknown", _("Not known / not applicable")), ("true", _("Yes, they replied")),
                                ("false", _("No reply yet"))])


def loggable_accounts(user):
    """Accounts a user logs visits on: those they own or serve on (K-05), and
    for supervisors their team's. Admins log on what they own or serve, too:
    a select of every account in the company would help nobody."""
    served = Q(owner=user) | Q(memberships__user=user)
    if user.is_supervisor:
        served |= Q(owner__team__supervisor=user)
    return Account.objects.active().filter(served).exclude(status=Account.Status.LOST).distinct().order_by("name")


class AccountSearchForm(PageForm):
    """`?q=` (part of the name) and `?page=` of the visit form's account picker."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False, initial="", strip=True)


class VisitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Visit
        fields = ["account", "occurred_at", "channel", "contacts", "purpose", "summary", "customer_feedback",
                  "sentiment", "next_steps", "follow_up_on", "location", "customer_replied"]
        widgets = {
            "occurred_at": DATETIME,
            "contacts": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "customer_feedback": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "follow_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "customer_replied": REPLIED,
        }

    def __init__(self, *args, user, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = loggable_accounts(user)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        self.fields["customer_replied"].widget = REPLIED
        if self.instance.pk:
            self.fields["account"].disabled = True
            self.initial["version"] = self.instance.version
        account_id = self._chosen_account_id(account)
        self.fields["contacts"].queryset = (
            Contact.objects.filter(account_id=account_id, archived_at__isnull=True, status=Contact.Status.ACTIVE)
            .order_by(*name_order()) if account_id else Contact.objects.none()
        )
        self.fields["contacts"].help_text = _("Tick everyone you met or wrote to.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            # The search-as-you-type picker over the same accounts (issue 20); without JS it stays
            # hidden and the select below is the picker.
            HTML("" if self.instance.pk else '{% include "visits/_account_search.html" %}'),
            Field("account", **{"hx-get": reverse_lazy("visits:contact-options"), "hx-target": "#contact-options",
                                "hx-trigger": "change", "hx-include": "[name=account]"}),
            Div(Div("occurred_at", css_class="col-sm-6"), Div("channel", css_class="col-sm-6"), css_class="row"),
            Div("contacts", css_id="contact-options"),
            "purpose", "summary", "customer_feedback",
            Div(Div("sentiment", css_class="col-sm-6"), Div("customer_replied", css_class="col-sm-6"), css_class="row"),
            "next_steps",
            Div(Div("follow_up_on", css_class="col-sm-6"), Div("location", css_class="col-sm-6"), css_class="row"),
            "version",
        )
        if not self.instance.pk:
            add_create_key(self)

    def _get_validation_exclusions(self):
        # The account field's queryset (the user's scope) has found the row already: the model's
        # "does this account exist" would ask again, one query per visit logged (issue 19).
        return super()._get_validation_exclusions() | {"account"}

    def _chosen_account_id(self, account):
        if self.instance.pk:
            return self.instance.account_id
        raw = self.data.get("account") if self.is_bound else (account.pk if account else self.initial.get("account"))
        return raw if str(raw or "").isdigit() else getattr(raw, "pk", None)

    def clean_customer_replied(self):
        value = self.data.get("customer_replied", "unknown")
        return {"true": True, "false": False}.get(value)

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("account", None)
        data.pop("version", None)
        data.pop(CREATE_KEY, None)
        return data


class IssueForm(forms.ModelForm):
    class Meta:
        model = CustomerIssue
        fields = ["kind", "description", "department"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


IssueFormSet = forms.formset_factory(IssueForm, extra=1, max_num=5)


def issues_from(formset):
    return [f.cleaned_data for f in formset.forms if f.has_changed() and f.cleaned_data]


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CustomerIssue.Status.choices)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve and lock")), ("return", _("Return with reasons"))])
    comment = forms.CharField(label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what needs fixing before the log comes back."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def month_choices(count=6):
    first = timezone.localdate().replace(day=1)
    months = []
    for _i in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months




class GreenRequestForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Key account"), queryset=Account.objects.none())
    title = forms.CharField(label=_("Request"), max_length=200)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
