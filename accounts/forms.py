from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Competitor, Order, ProductPosition, ProspectClaim
from accounts.selectors import duplicate_in_group
from users.models import User


def staff_choices():
    return User.objects.filter(is_active=True, role__in=[User.Role.MANAGER, User.Role.SUPERVISOR]).order_by("username")


class AccountForm(forms.ModelForm):
    team_members = forms.ModelMultipleChoiceField(
        label=_("Account team"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Managers serving beside the responsible one. Key accounts need at least two managers."),
    )
    # Shown only after a same-name account was found in the same group.
    confirm_duplicate = forms.BooleanField(
        label=_("Yes, save it anyway: it is a different customer with the same name."), required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Account
        fields = [
            "name", "kind", "status", "industry", "size", "region", "language", "founded_on", "business_scope",
            "parent",
            "explicit_needs", "implicit_needs",
            "purchase_history", "competitor_opinion", "sentiment", "sentiment_notes", "relationship_style", "potential",
            "has_open_tender",
            "owner", "team_members", "responsible_department", "executive_sponsor",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "business_scope": forms.Textarea(attrs={"rows": 2}),
            "explicit_needs": forms.Textarea(attrs={"rows": 2}),
            "implicit_needs": forms.Textarea(attrs={"rows": 2}),
            "purchase_history": forms.Textarea(attrs={"rows": 2}),
            "competitor_opinion": forms.Textarea(attrs={"rows": 2}),
            "sentiment_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_choices()
        self.fields["team_members"].queryset = staff_choices()
        # Only group accounts can be parents; few enough for a select.
        self.fields["parent"].queryset = (
            Account.objects.visible_to(user).active().filter(kind=Account.Kind.GROUP).exclude(pk=self.instance.pk)
        )
        if self.instance.pk:
            self.initial.setdefault("team_members", list(self.instance.team_members.all()))
        self.duplicate = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Base"), "name", "confirm_duplicate", "kind", "status", "industry", "size", "region",
                     "language", "founded_on", "business_scope", "parent"),
            Fieldset(_("Needs"), "explicit_needs", "implicit_needs"),
            Fieldset(_("Behaviour"), "purchase_history", "competitor_opinion", "sentiment", "sentiment_notes",
                     "relationship_style", "potential", "has_open_tender"),
            Fieldset(_("Responsibility"), "owner", "team_members", "responsible_department", "executive_sponsor"),
        )

    def clean(self):
        data = super().clean()
        name = data.get("name")
        if name and not data.get("confirm_duplicate"):
            self.duplicate = duplicate_in_group(name=name, parent=data.get("parent"), exclude_pk=self.instance.pk)
            if self.duplicate:
                self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
                self.add_error("name", _(
                    "An account named “%(name)s” exists already in this group (owner: %(owner)s). "
                    "Tick the box below if this is a different customer."
                ) % {"name": self.duplicate.name, "owner": self.duplicate.owner or _("nobody")})
        return data

    def service_fields(self):
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("confirm_duplicate",)}
        return data


class AccountChildForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CompetitorForm(AccountChildForm):
    unique_field = "name"
    class Meta:
        model = Competitor
        fields = ["name", "offer", "strengths", "customer_opinion"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ["offer", "strengths", "customer_opinion"]}


class OrderForm(AccountChildForm):
    class Meta:
        model = Order
        fields = ["signed_on", "product", "amount", "contract_months", "reference"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ProductPositionForm(AccountChildForm):
    unique_field = "product"
    class Meta:
        model = ProductPosition
        fields = ["product", "status", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class ClaimForm(forms.ModelForm):
    class Meta:
        model = ProspectClaim
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note"):
            self.add_error("note", _("Say why the claim is rejected; the manager sees it."))
        return data
