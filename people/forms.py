from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from users.models import Team, User


class PeopleFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=150,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, username or e-mail")}))
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Every role")), *User.Role.choices])
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.order_by("name"),
                                  empty_label=_("Every team"))
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("Active")), ("inactive", _("Deactivated")), ("all", _("Active and deactivated"))])

    def filter(self, queryset):
        if not self.is_bound:
            return queryset.filter(is_active=True)
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(Q(username__icontains=data["q"]) | Q(display_name__icontains=data["q"])
                                       | Q(email__icontains=data["q"]))
        if data["role"]:
            queryset = queryset.filter(role=data["role"])
        if data["team"]:
            queryset = queryset.filter(team=data["team"])
        if data["state"] != "all":
            queryset = queryset.filter(is_active=data["state"] != "inactive")
        return queryset


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "role", "team", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        if self.instance.role != User.Role.DEPARTMENT:
            # Department staff need their department, which is set with the department,
            # not here: offering the role would only lead to a refusal after the form is filled.
            self.fields["role"].choices = [c for c in self.fields["role"].choices if c[0] != User.Role.DEPARTMENT]


class PersonCreateForm(PersonForm):
    INVITE, PASSWORD = "invite", "password"
    how = forms.ChoiceField(label=_("First sign-in"), widget=forms.RadioSelect, initial=INVITE, choices=[
        (INVITE, _("E-mail them a link to choose their password")),
        (PASSWORD, _("Set a first password now and tell them"))])
    password1 = forms.CharField(label=_("Password"), required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    class Meta(PersonForm.Meta):
        fields = ["username", *PersonForm.Meta.fields]

    def clean(self):
        data = super().clean()
        if data.get("how") == self.INVITE and not data.get("email"):
            self.add_error("email", _("An invitation needs an e-mail address."))
        if data.get("how") == self.PASSWORD:
            first, second = data.get("password1"), data.get("password2")
            if not first:
                self.add_error("password1", _("Choose a first password."))
            elif first != second:
                self.add_error("password2", _("The two passwords differ."))
            else:
                candidate = User(username=data.get("username") or "", email=data.get("email") or "",
                                 display_name=data.get("display_name") or "")
                try:
                    password_validation.validate_password(first, candidate)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return data


def _leaders():
    return User.objects.filter(is_active=True, role__in=[User.Role.SUPERVISOR, User.Role.ADMIN]).order_by("username")


class TeamForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=User.objects.filter(is_active=True).exclude(role=User.Role.ADMIN).select_related("team")
        .order_by("username"),
        help_text=_("A person is in one team at a time: ticking someone from another team moves them here."))

    class Meta:
        model = Team
        fields = ["name", "supervisor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = _leaders()
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.members.values_list("pk", flat=True))
        self.fields["members"].label_from_instance = (
            lambda u: f"{u} ({u.username}) · {u.team}" if u.team_id and u.team_id != self.instance.pk
            else f"{u} ({u.username})")
