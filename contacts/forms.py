from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import people_choices
from contacts.models import (
    NEXT_REVIEW_AFTER,
    BuyerRole,
    Contact,
    DecisionStep,
    Relationship,
    RolePlanReview,
    SelfQuestionReview,
)
from core.calendars import lunar_date_problem
from core.collation import name_order
from core.forms import add_create_key

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(layout=None):
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = layout
    return helper


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name", "gender", "title", "department", "reports_to",
            "mobile", "phone", "email", "wechat", "address", "language",
            "birthday_calendar", "birth_year", "birth_month", "birth_day", "birth_leap_month",
            "preferred_channel", "contact_rhythm", "personality", "hobbies", "family_notes",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "hobbies": forms.Textarea(attrs={"rows": 2}),
            "family_notes": forms.Textarea(attrs={"rows": 2}),
            "mobile": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "birth_month": forms.NumberInput(attrs={"min": 1, "max": 12}),
            "birth_day": forms.NumberInput(attrs={"min": 1, "max": 31}),
        }

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        managers = Contact.objects.filter(account=account, archived_at__isnull=True).order_by(*name_order())
        self.fields["reports_to"].queryset = managers.exclude(pk=self.instance.pk) if self.instance.pk else managers
        self.helper = _helper(Layout(
            Fieldset(_("Person"), "name", "gender", "title", "department", "reports_to"),
            Fieldset(_("Reaching them"), "mobile", "phone", "email", "wechat", "address",
                     "preferred_channel", "contact_rhythm", "language"),
            Fieldset(_("Birthday"), Div(
                Div("birthday_calendar", css_class="col-12 col-sm-4"), Div("birth_year", css_class="col-4 col-sm-3"),
                Div("birth_month", css_class="col-4 col-sm-2"), Div("birth_day", css_class="col-4 col-sm-3"),
                css_class="row"), "birth_leap_month"),
            Fieldset(_("Getting to know them"), "personality", "hobbies", "family_notes"),
        ))
        if not self.instance.pk:
            add_create_key(self)

    def clean(self):
        data = super().clean()
        month, day = data.get("birth_month"), data.get("birth_day")
        if bool(month) != bool(day):
            self.add_error("birth_day" if month else "birth_month", _("Give both the month and the day, or neither."))
        if month and not 1 <= month <= 12:
            self.add_error("birth_month", _("A month is 1 to 12."))
        lunar = data.get("birthday_calendar") == Contact.Calendar.LUNAR
        if month and day and 1 <= month <= 12:
            longest = 30 if lunar else [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            if not 1 <= day <= longest:
                self.add_error("birth_day", _("Month %(month)s has at most %(days)s days.")
                               % {"month": month, "days": longest})
        if data.get("birth_leap_month") and not lunar:
            self.add_error("birth_leap_month", _("Only lunar birthdays fall in a leap month."))
        year, leap = data.get("birth_year"), bool(data.get("birth_leap_month"))
        if lunar and year and 1900 <= year <= 2100 and month and day and 1 <= month <= 12 and 1 <= day <= 30:
            problem = lunar_date_problem(year, month, day, leap)  # the importer refuses the same (issue 17)
            if problem == "leap":
                self.add_error("birth_leap_month", _("In %(year)s the lunar calendar had no leap month %(month)s.")
                               % {"year": year, "month": month})
            elif problem == "day":
                self.add_error("birth_day", _("That lunar month of %(year)s had 29 days.") % {"year": year})
        return data


class LeftForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class BuyerRoleForm(forms.ModelForm):
    class Meta:
        model = BuyerRole
        fields = [
            "role", "duties", "influence", "support", "contact_level", "counterpart",
            "plan_goal", "plan_method", "plan_timing", "plan_next_action", "plan_frequency", "plan_next_review_on",
        ]
        widgets = {"plan_next_review_on": DATE,
                   "influence": forms.NumberInput(attrs={"min": 1, "max": 5}),
                   "contact_level": forms.NumberInput(attrs={"min": 1, "max": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Our own team's people (everyone for an admin), and whoever holds the role already.
        self.fields["counterpart"].queryset = people_choices(user, keep=[self.instance.counterpart_id])
        # K-13: the rating beside what the visits logged say; the danger rules take the visits'
        # level when the two are more than one step apart.
        contact = getattr(self.instance, "contact", None)
        if contact is not None:
            self.fields["contact_level"].help_text = _(
                "Your rating, 1 (never met) to 5 (close). From the visits logged: %(computed)s. When the two are "
                "more than one step apart, the danger rules use the visits.") % {"computed": contact.touch_level_text}
        self.helper = _helper(Layout(
            Fieldset(_("Role"), "role", "duties", "influence", "support", "contact_level", "counterpart"),
            Fieldset(_("Service plan"), "plan_goal", "plan_method", "plan_timing", "plan_next_action",
                     "plan_frequency", "plan_next_review_on"),
        ))


class RelationshipForm(forms.ModelForm):
    class Meta:
        model = Relationship
        fields = ["kind", "to_contact", "note"]

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_contact"].queryset = (
            Contact.objects.filter(account_id=contact.account_id, archived_at__isnull=True).exclude(pk=contact.pk)
        )
        self.helper = _helper()


class DecisionStepForm(forms.ModelForm):
    class Meta:
        model = DecisionStep
        fields = ["position", "description", "responsible"]

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = Contact.objects.filter(account=account, archived_at__isnull=True)
        self.helper = _helper()


class SelfQuestionReviewForm(forms.ModelForm):
    class Meta:
        model = SelfQuestionReview
        fields = ["reviewed_on"] + [field for field, _label in SelfQuestionReview.QUESTIONS]
        widgets = {"reviewed_on": DATE, **{f: forms.Textarea(attrs={"rows": 2})
                                           for f, _label in SelfQuestionReview.QUESTIONS}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()
        self.helper = _helper()


class RolePlanReviewForm(forms.ModelForm):
    """K-14: record a review of a role holder's service plan."""

    class Meta:
        model = RolePlanReview
        fields = ["reviewed_on", "outcome", "next_review_on"]
        widgets = {"reviewed_on": DATE, "next_review_on": DATE, "outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["reviewed_on"].initial = today
        self.fields["next_review_on"].initial = today + timedelta(days=30)
        self.helper = _helper()

    def clean(self):
        # Said at the field (the model's check would say it above the form).
        data = super().clean()
        reviewed, following = data.get("reviewed_on"), data.get("next_review_on")
        if reviewed and following and following <= reviewed:
            self.add_error("next_review_on", NEXT_REVIEW_AFTER)
        return data
