from datetime import timedelta
from decimal import Decimal

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
from core.params import NameSearchForm
from users.models import Department
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


class AccountSearchForm(NameSearchForm):
    """`?q=` (part of the name) and `?page=` of the visit form's account picker."""


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

    def __init__(self, *args, user, account=None, check_in=False, **kwargs):
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
            # K-24 as soon as a contact is ticked: who else touched them lately (visits:overlap-check).
            Div(Div("contacts", css_id="contact-options"),
                HTML('<div id="overlap-warning" aria-live="polite"></div>'),
                **{"hx-get": reverse_lazy("visits:overlap-check"), "hx-trigger": "change",
                   "hx-target": "#overlap-warning", "hx-include": "[name=contacts]", "hx-sync": "this:replace"}),
            "purpose", "summary", "customer_feedback",
            Div(Div("sentiment", css_class="col-sm-6"), Div("customer_replied", css_class="col-sm-6"), css_class="row"),
            "next_steps",
            Div(Div("follow_up_on", css_class="col-sm-6"), Div("location", css_class="col-sm-6"), css_class="row"),
            "version",
        )
        if check_in and not self.instance.pk:
            add_check_in(self)
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

    def clean(self):
        data = super().clean()
        if CHECK_IN_FIELDS[0] in self.fields:
            clean_check_in(self, data)
        return data

    def clean_customer_replied(self):
        value = self.data.get("customer_replied", "unknown")
        return {"true": True, "false": False}.get(value)

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("account", None)
        data.pop("version", None)
        data.pop(CREATE_KEY, None)
        return data


def departments_to_route():
    return Department.objects.active().order_by("code")


# --- The on-site check-in (issue 20) ----------------------------------------------------------------

CHECK_IN_FIELDS = ["checkin_latitude", "checkin_longitude", "checkin_accuracy_m", "checkin_at"]
ISO_FORMATS = ["%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"]


def _point_fields(prefix):
    """Hidden fields the browser fills from its position when the person taps to check in (or out)."""
    hidden = forms.HiddenInput(attrs={"class": f"js-{prefix}"})
    return {
        f"{prefix}_latitude": forms.FloatField(min_value=-90, max_value=90, required=False, widget=hidden),
        f"{prefix}_longitude": forms.FloatField(min_value=-180, max_value=180, required=False, widget=hidden),
        f"{prefix}_accuracy_m": forms.FloatField(min_value=0, max_value=1_000_000, required=False, widget=hidden),
        f"{prefix}_at": forms.DateTimeField(required=False, input_formats=ISO_FORMATS, widget=hidden),
    }


def add_check_in(form):
    form.fields.update(_point_fields("checkin"))
    form.helper.layout.insert(4, HTML('{% include "visits/_check_in.html" %}'))
    for name in CHECK_IN_FIELDS:
        form.helper.layout.append(name)


def point_values(form, data, prefix):
    """The check-in (or check-out) fields as the model keeps them, {} when none was taken, or an
    error on the form: a position comes whole, with its time, and not from the future."""
    names = [f"{prefix}_{n}" for n in ("latitude", "longitude", "accuracy_m", "at")]
    values = [data.get(name) for name in names]
    if all(v is None for v in values):
        return {}
    if any(v is None for v in values) or form.errors.keys() & set(names):
        form.add_error(None, _("The phone's position came incomplete. Check in again, or save without it."))
        return {}
    if values[3] > timezone.now() + timedelta(minutes=10):
        form.add_error(None, _("The check-in's time is in the future: is the phone's clock right? Check in again."))
        return {}
    six = Decimal("0.000001")
    return {names[0]: Decimal(str(values[0])).quantize(six), names[1]: Decimal(str(values[1])).quantize(six),
            names[2]: round(values[2]), names[3]: values[3]}


def clean_check_in(form, data):
    point = point_values(form, data, "checkin")
    # A check-in proves an on-site visit; for a call it would only record where the phone was.
    if data.get("channel") != Visit.Channel.ON_SITE:
        point = {}
    for name in CHECK_IN_FIELDS:
        data[name] = point.get(name)


class CheckOutForm(forms.Form):
    """The check-out: the position the browser gave when the author tapped "Check out"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_point_fields("checkout"))

    def clean(self):
        data = super().clean()
        point = point_values(self, data, "checkout")
        if not point and not self.errors:
            self.add_error(None, _("No position came from the phone: allow location for this site, "
                                   "or skip the check-out."))
        return point


class FieldSettingsForm(forms.Form):
    geo_check_in = forms.BooleanField(label=_("On-site check-in with the phone's location"), required=False,
                                      help_text=_("Off: the visit form offers no check-in and no position is "
                                                  "stored. Check-ins already made stay with their visits."))


class IssueForm(forms.ModelForm):
    class Meta:
        model = CustomerIssue
        fields = ["kind", "description", "department"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_to_route()
        self.fields["department"].empty_label = _("Not routed: I follow it up myself")


IssueFormSet = forms.formset_factory(IssueForm, extra=1, max_num=5)


def issues_from(formset):
    return [f.cleaned_data for f in formset.forms if f.has_changed() and f.cleaned_data]


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CustomerIssue.Status.choices)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), required=False)


class DispatchForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Dispatched to"), queryset=Department.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_to_route()


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
