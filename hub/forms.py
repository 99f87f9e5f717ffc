from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from attachments.forms import ACCEPT, MAX_FILES, MultipleFileField, MultipleFileInput
from attachments.services import check_upload
from core.params import NameSearchForm, QueryForm
from core.widgets import SearchSelect
from hub.models import Comment
from hub.savedviews import LISTS
from hub.timeline import KINDS, Cursor


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=Comment.MAX_LENGTH, strip=True,
                           widget=forms.Textarea(attrs={"rows": 3, "data-mentions": "1"}),
                           help_text=_("Type @ and a name to mention a colleague who may see this; they are told."))
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    # Offered where the comment's subject takes files and the writer may add them (hub.views);
    # they are attached to that subject, so its files panel and timeline show them too.
    files = MultipleFileField(label=_("Attach files"), required=False,
                              widget=MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}),
                              help_text=_("Photos (JPEG, PNG, WebP, GIF) or PDF documents."))

    def clean_files(self):
        uploads, errors = self.cleaned_data.get("files") or [], []
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("At most %(n)s files at a time.") % {"n": MAX_FILES})
        for upload in uploads:
            try:
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


class TimelineForm(QueryForm):
    """`?kind=visit&kind=order` and the keyset cursor `?before=` (hub.timeline.Cursor)."""

    kind = forms.MultipleChoiceField(label=_("Show"), required=False, choices=list(KINDS.items()),
                                     widget=forms.CheckboxSelectMultiple)
    before = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def clean_before(self):
        return Cursor.parse(self.cleaned_data.get("before"))

    def values(self):
        values = super().values()
        values["kind"] = values["kind"] or []
        return values


class MentionQueryForm(QueryForm):
    q = forms.CharField(required=False, max_length=50)


class SearchForm(QueryForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True)
    kind = forms.ChoiceField(label=_("Only"), required=False, choices=[
        ("", _("Everything")), ("account", _("Accounts")), ("contact", _("Contacts")), ("visit", _("Visits")),
        ("issue", _("Customer issues")), ("plan", _("Account plans"))])


class MergeForm(QueryForm):
    """?keep=<id>&merge=<id>: the survivor and the duplicate, both looked up in the user's scope."""

    keep = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    merge = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class SavedViewsQueryForm(QueryForm):
    """`?list=accounts:list&query=status%3Dactive`: which list, and its filters now."""

    list = forms.ChoiceField(required=False, choices=[("", "")] + list(LISTS.items()))
    query = forms.CharField(required=False, max_length=2000)


class SavedViewForm(forms.Form):
    list_name = forms.ChoiceField(choices=list(LISTS.items()), widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=80)
    shared = forms.BooleanField(label=_("Share with my team"), required=False)
    is_default = forms.BooleanField(label=_("Open the list with it"), required=False)


class PortfolioQueryForm(QueryForm):
    """`?giver=<id>`: whose portfolio is shown (among the people the user may hand over for)."""

    giver = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class PortfolioPeopleForm(PortfolioQueryForm, NameSearchForm):
    """`?giver=`, `?q=` and `?page=` of the portfolio form's people picker."""


class PortfolioForm(forms.Form):
    accounts = forms.ModelMultipleChoiceField(label=_("Accounts"), queryset=None,
                                              widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                              error_messages={"required": _("Choose at least one of their accounts.")})
    to_owner = forms.ModelChoiceField(label=_("Hand them to"), queryset=None,
                                      help_text=_("Someone of another team gets them once their supervisor approves."))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, accounts, people, people_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = accounts
        # Everyone in the company (5,400 at a million accounts): found by name, not listed (issue 19).
        # Set before the queryset, which hands the widget its choices.
        self.fields["to_owner"].widget = SearchSelect(people_url)
        self.fields["to_owner"].queryset = people
        self.fields["to_owner"].label_from_instance = lambda u: f"{u} ({u.team or '—'})"


class BulkForm(forms.Form):
    account = forms.ModelMultipleChoiceField(queryset=None, error_messages={
        "required": _("Choose at least one account in the list.")})
    action = forms.ChoiceField(choices=[("add_member", _("Add a team member")),
                                        ("tier_override", _("Request a tier override")), ("archive", _("Archive"))])
    member = forms.ModelChoiceField(label=_("Team member to add"), queryset=None, required=False)
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=None, required=False)
    reason = forms.CharField(label=_("Why"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, accounts, people, tiers, people_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        if people_url:  # an admin's people are everyone: found by name, not listed (issue 19)
            self.fields["member"].widget = SearchSelect(people_url)
        self.fields["member"].queryset = people
        self.fields["tier"].queryset = tiers
