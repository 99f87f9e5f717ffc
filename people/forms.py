from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.widgets import SearchSelect, SearchSelectMultiple
from users.forms import find_team_by_name
from users.models import Department, Team, User


class PeopleFilter(forms.Form):
    """The people list's filters; an admin's, so the team is found by name (users:team-options)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=150,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, username or e-mail")}))
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Every role")), *User.Role.choices])
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.order_by("name"),
                                  empty_label=_("Every team"),
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    department = forms.ModelChoiceField(label=_("Department"), required=False,
                                        queryset=Department.objects.order_by("code"), empty_label=_("Any department"))
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("Active")), ("inactive", _("Deactivated")), ("all", _("Active and deactivated"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        find_team_by_name(self.fields["team"], user)

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
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["state"] != "all":
            queryset = queryset.filter(is_active=data["state"] != "inactive")
        return queryset


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "role", "team", "department", "language"]
        help_texts = {"department": _("Department staff only: the department whose queue they work. They are in "
                                      "no team and carry no accounts.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        find_team_by_name(self.fields["team"], user)
        departments = Department.objects.active()
        if self.instance.department_id:  # a closed department stays shown for its staff
            departments = departments | Department.objects.filter(pk=self.instance.department_id)
        self.fields["department"].queryset = departments.order_by("code")

    def clean(self):
        data = super().clean()
        staff = data.get("role") == User.Role.DEPARTMENT
        if staff and not data.get("department"):
            self.add_error("department", _("Choose the department whose queue they work."))
        if staff and data.get("team"):
            self.add_error("team", _("Department staff are in no team."))
        if not staff and data.get("department"):
            self.add_error("department", _("Only department staff belong to a department."))
        return data


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


def team_leaders():
    """Who may lead a team: active supervisors and admins."""
    return User.objects.filter(is_active=True, role__in=[User.Role.SUPERVISOR, User.Role.ADMIN]).order_by("username")


def team_members():
    """Who may be a team's member: every active person but admins (and department staff, who are
    in no team)."""
    return (User.objects.filter(is_active=True).exclude(role__in=[User.Role.ADMIN, User.Role.DEPARTMENT])
            .order_by("username"))


class TeamForm(forms.ModelForm):
    """A team's name, supervisor and members. Both are chosen among the company's people (thousands
    at a million accounts): the page names those chosen, the others are found by name (issue 19)."""

    members = forms.ModelMultipleChoiceField(
        label=_("Members"), required=False, queryset=team_members().select_related("team"),
        widget=SearchSelectMultiple(reverse_lazy("people:member-options")),
        help_text=_("A person is in one team at a time: choosing someone from another team moves them here. "
                    "Deselect a member to take them out."))

    class Meta:
        model = Team
        fields = ["name", "supervisor"]
        widgets = {"supervisor": SearchSelect(reverse_lazy("people:leader-options"))}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = team_leaders()
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.members.values_list("pk", flat=True))
        self.fields["members"].label_from_instance = (
            lambda u: f"{u} ({u.username}) · {u.team}" if u.team_id and u.team_id != self.instance.pk
            else f"{u} ({u.username})")


class DepartmentForm(forms.ModelForm):
    """A department's names in the three languages, its head (one of its staff) and whether it
    takes new work."""

    class Meta:
        model = Department
        fields = ["code", "name_en", "name_zh_hans", "name_zh_hant", "head", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["head"].queryset = self.instance.members.filter(is_active=True).order_by("username")
        else:  # nobody works in it yet: its staff are added, then one of them made head
            del self.fields["head"]
