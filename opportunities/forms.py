from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import people_choices
from accounts.models import LostReason, ObjectionType, Order
from contacts.models import BuyerRole
from core.forms import add_create_key
from opportunities.models import Opportunity, OpportunityRole, Stage

DATE = {"type": "date"}


def _offered(model, kept_id):
    """What an admin's list offers, and the retired entry an opportunity has already."""
    return model.objects.filter(Q(active=True) | Q(pk=kept_id))


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ["name", "stage", "amount", "currency", "expected_close", "owner", "products", "competitors",
                  "tender_agency", "bid_deadline", "bid_submitted_on", "tender_result",
                  "lost_reason", "objection_type"]
        widgets = {
            "expected_close": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "bid_deadline": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "bid_submitted_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "products": forms.CheckboxSelectMultiple,
            "competitors": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        editing = self.instance.pk is not None
        self.fields["owner"].queryset = people_choices(user, keep=[self.instance.owner_id])
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")
        self.fields["currency"].required = False
        self.fields["products"].queryset = account.products.all()
        self.fields["competitors"].queryset = account.competitors.all()
        self.fields["stage"].queryset = _offered(Stage, self.instance.stage_id if editing else None)
        for name, model in (("lost_reason", LostReason), ("objection_type", ObjectionType)):
            self.fields[name].queryset = _offered(model, getattr(self.instance, f"{name}_id"))
            self.fields[name].help_text = _("Required when the opportunity is lost (K-52).")
        if editing:
            # The stage moves with "Move" (its history is kept); on the edit form it is not a field.
            for name in ("stage", "lost_reason", "objection_type"):
                del self.fields[name]
        else:
            add_create_key(self)

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("create_key", None)
        data["products"] = list(data.get("products") or ())
        data["competitors"] = list(data.get("competitors") or ())
        return data


class MoveForm(forms.Form):
    """A card's move on the board or the detail page; a lost stage asks for the reason (K-52)."""

    stage = forms.ModelChoiceField(label=pgettext_lazy("pipeline stage", "Move to"),
                                   queryset=Stage.objects.in_use())
    lost_reason = forms.ModelChoiceField(label=_("Lost reason"), queryset=LostReason.objects.in_use(),
                                         required=False)
    objection_type = forms.ModelChoiceField(label=_("Objection type"), queryset=ObjectionType.objects.in_use(),
                                            required=False)
    board = forms.BooleanField(required=False, widget=forms.HiddenInput)  # sent from the board: go back there


class OrderFromOpportunityForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["signed_on", "amount", "currency", "product", "contract_months", "reference"]
        widgets = {"signed_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].required = False
        add_create_key(self)


class RoleForm(forms.ModelForm):
    class Meta:
        model = OpportunityRole
        fields = ["buyer_role", "stance", "note"]

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.opportunity = opportunity
        self.fields["buyer_role"].queryset = (BuyerRole.objects.filter(account_id=opportunity.account_id)
                                              .select_related("contact").order_by("role", "contact__name"))

    def validate_unique(self):
        """A second entry for the same holder updates the first (services.opportunity_role_save)."""


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name_en", "name_zh_hans", "name_zh_hant", "position", "probability", "kind", "active"]
