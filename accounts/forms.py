from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Competitor, LostReason, ObjectionType, Order, ProductPosition, ProspectClaim
from accounts.selectors import assignable_people, duplicate_in_group
from core.forms import add_create_key
from core.money import default_currency
from core.params import NameSearchForm
from core.widgets import SearchSelect, SearchSelectMultiple
from users.models import User


def people_choices(user, *, keep=()):
    """The people `user` may pick (accounts.selectors.assignable_people), plus whoever
    holds the place already (`keep`: ids), so saving a form unchanged never fails on a
    person who came with a handover or was set by an admin."""
    keep = [pk for pk in keep if pk is not None]
    if not keep:
        return assignable_people(user)
    return User.objects.filter(Q(pk__in=assignable_people(user).values("pk")) | Q(pk__in=keep)).order_by("username")


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
            "name", "kind", "status", "lost_reason", "objection_type", "industry", "size", "region", "language",
            "currency", "founded_on", "business_scope",
            "parent",
            "explicit_needs", "implicit_needs",
            "purchase_history", "competitor_opinion", "sentiment", "sentiment_notes", "relationship_style", "potential",
            "owner", "team_members", "responsible_department", "executive_sponsor",
        ]
        widgets = {
            # only groups can be parents, found by name: a company may hold thousands (issue 19)
            "parent": SearchSelect(format_lazy("{}?kind=group", reverse_lazy("accounts:account-options"))),
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
        members = list(self.instance.memberships.values_list("user_id", flat=True)) if self.instance.pk else []
        if user.is_admin:  # everyone in the company: found by name, not listed (issue 19)
            people = reverse_lazy("accounts:people-options")
            self.fields["owner"].widget = SearchSelect(people)
            self.fields["team_members"].widget = SearchSelectMultiple(people)
            self.fields["team_members"].help_text = _("Managers serving beside the responsible one; deselect "
                                                      "one to take them off. Key accounts need at least two "
                                                      "managers.")
        # after the widgets: a queryset hands its choices to the field's widget
        self.fields["owner"].queryset = people_choices(user, keep=[self.instance.owner_id])
        self.fields["team_members"].queryset = people_choices(user, keep=members)
        # Not sent (an older page, a script): the account keeps its currency, a new one the usual.
        self.fields["currency"].required = False
        if not user.is_admin:
            self.fields["owner"].help_text = _("Your team's people. To give the account to another team, "
                                               "use “Hand over” on the account page.")
        self.fields["parent"].queryset = (
            Account.objects.visible_to(user).active().filter(kind=Account.Kind.GROUP).exclude(pk=self.instance.pk)
        )
        if self.instance.pk:
            self.initial.setdefault("team_members", members)
        for name, model in (("lost_reason", LostReason), ("objection_type", ObjectionType)):
            kept = getattr(self.instance, f"{name}_id")  # a retired entry stays choosable where it is set
            self.fields[name].queryset = model.objects.filter(Q(active=True) | Q(pk=kept))
            self.fields[name].help_text = _("Required when the account is marked lost (K-52).")
        self.duplicate = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Base"), "name", "confirm_duplicate", "kind", "status", "lost_reason", "objection_type",
                     "industry", "size", "region",
                     "language", "currency", "founded_on", "business_scope", "parent"),
            Fieldset(_("Needs"), "explicit_needs", "implicit_needs"),
            Fieldset(_("Behaviour"), "purchase_history", "competitor_opinion", "sentiment", "sentiment_notes",
                     "relationship_style", "potential"),
            Fieldset(_("Responsibility"), "owner", "team_members", "responsible_department", "executive_sponsor"),
        )

    def clean_currency(self):
        return self.cleaned_data.get("currency") or self.instance.currency or default_currency()

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
        fields = ["signed_on", "product", "amount", "currency", "contract_months", "reference"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"currency": _("Empty: the account's currency.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            add_create_key(self)


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


class HandoverForm(forms.Form):
    to_owner = forms.ModelChoiceField(label=_("New responsible manager"), queryset=User.objects.none(),
                                      help_text=_("Managers of other teams, by team."))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=_("The receiving supervisor reads this before deciding."))

    def __init__(self, *args, candidates, options_url, **kwargs):
        super().__init__(*args, **kwargs)
        # Every other team's managers and supervisors (5,400 at a million accounts): found by name,
        # not listed (issue 19). Set before the queryset, which hands the widget its choices.
        self.fields["to_owner"].widget = SearchSelect(options_url)
        self.fields["to_owner"].queryset = candidates
        self.fields["to_owner"].label_from_instance = lambda person: f"{person} ({person.team})"
        self.helper = FormHelper()
        self.helper.form_tag = False


class HandoverDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", _("Say why the handover is rejected; the requester reads it."))
        return data



CHURN_CHOICE_FIELDS = ["name_en", "name_zh_hans", "name_zh_hant", "position", "active"]


def churn_choice_form(model):
    """The form for an entry of the lost-reason or objection-type list (K-52)."""
    return forms.modelform_factory(model, fields=CHURN_CHOICE_FIELDS)


class PeopleSearchForm(NameSearchForm):
    """`?q=` (part of a name) and `?page=` of the owner filter's people picker (issue 19)."""


class AccountPickerForm(NameSearchForm):
    """`?q=`, `?page=` and `?kind=group` (a parent's picker) of the forms' account picker."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", ""), (Account.Kind.GROUP, Account.Kind.GROUP.label)],
                             required=False)


class SiteLocationForm(forms.Form):
    """An admin sets an account's site (degrees, as a map shows them); both empty clears it."""

    site_latitude = forms.DecimalField(label=_("Latitude"), min_value=-90, max_value=90, max_digits=9,
                                       decimal_places=6, required=False, help_text=_("e.g. 31.230416"))
    site_longitude = forms.DecimalField(label=_("Longitude"), min_value=-180, max_value=180, max_digits=9,
                                        decimal_places=6, required=False, help_text=_("e.g. 121.473701"))

    def clean(self):
        data = super().clean()
        if (data.get("site_latitude") is None) != (data.get("site_longitude") is None) and not self.errors:
            self.add_error("site_longitude" if data.get("site_longitude") is None else "site_latitude",
                           _("Give both the latitude and the longitude, or neither to clear the site."))
        return data
