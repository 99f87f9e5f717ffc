from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Account
from core.pagination import CappedPaginator
from core.params import NameSearchForm, reads_query
from core.views import confirm_page, form_page, people_page, run_service, submit_form
from people import permissions
from people.forms import (
    DepartmentForm,
    PeopleFilter,
    PersonCreateForm,
    PersonForm,
    TeamForm,
    team_leaders,
    team_members,
)
from users import services, twofactor
from users.models import Department, Team, User

PAGE_SIZE = 25


def _admin_only(request):
    if not permissions.can_administer_people(request.user):
        raise Http404  # who works here and in which role is for admins to change


@reads_query(PeopleFilter)
def person_list(request):
    _admin_only(request)
    form = PeopleFilter(request.GET or None, user=request.user)
    people = form.filter(User.objects.select_related("team", "department").order_by("username"))
    page = CappedPaginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/list.html", {
        "form": form, "page_obj": page, "people": page.object_list, "title": _("People"), "filtered": form.is_bound,
    })


def person_create(request):
    _admin_only(request)
    form = PersonCreateForm(request.POST or None, user=request.user)

    def create(data):
        fields = {key: data[key] for key in ("username", "display_name", "email", "role", "team", "department",
                                             "language")}
        if data["how"] == PersonCreateForm.INVITE:
            return services.user_invite(by=request.user, **fields)
        return services.user_create(by=request.user, password=data["password1"], **fields)

    done = submit_form(request, form, create, redirect_to=lambda user: reverse("people:edit", args=[user.pk]),
                       success=lambda user: _("%(user)s can now sign in.") % {"user": user})
    return done or form_page(request, form, title=_("New user"), cancel_url=reverse("people:list"),
                             intro=_("An invited person gets an e-mail with a link to choose their password. "
                                     "Admins must also set up two-factor sign-in at their first sign-in."))


def person_edit(request, pk):
    _admin_only(request)
    person = get_object_or_404(User.objects.select_related("team"), pk=pk)
    form = PersonForm(request.POST or None, instance=User.objects.get(pk=pk), user=request.user)

    def save(data):
        return services.user_update(user=person, by=request.user, role=data["role"], team=data["team"],
                                    department=data["department"], display_name=data["display_name"],
                                    email=data["email"], language=data["language"])

    done = submit_form(request, form, save, redirect_to=reverse("people:edit", args=[pk]),
                       success=_("Saved."))
    return done or render(request, "people/edit.html", {
        "form": form, "person": person, "title": str(person), "cancel_url": reverse("people:list"),
        "owned": Account.objects.filter(owner=person).count(), "two_factor": twofactor.has_second_factor(person),
    })


def person_deactivate(request, pk):
    _admin_only(request)
    person = get_object_or_404(User, pk=pk, is_active=True)
    if request.method != "POST":
        owned = Account.objects.filter(owner=person).count()
        message = _("%(user)s will no longer be able to sign in; their sessions end at once.") % {"user": person}
        if owned:
            message += " " + _("%(n)s accounts are still in their name: hand them over first from each account's "
                               "page (Accounts, filtered by this manager), or they stay with a person who left."
                               ) % {"n": owned}
        return confirm_page(request, title=_("Deactivate %(user)s?") % {"user": person}, message=message,
                            label=_("Deactivate"), cancel_url=reverse("people:edit", args=[pk]))
    return run_service(request, services.user_deactivate, user=person, by=request.user,
                       success=_("%(user)s is deactivated.") % {"user": person},
                       redirect_to=reverse("people:edit", args=[pk]))


@require_POST
def person_reactivate(request, pk):
    _admin_only(request)
    person = get_object_or_404(User, pk=pk)
    return run_service(request, services.user_reactivate, user=person, by=request.user,
                       success=_("%(user)s can sign in again.") % {"user": person},
                       redirect_to=reverse("people:edit", args=[pk]))


def team_create(request):
    _admin_only(request)
    form = TeamForm(request.POST or None)
    done = submit_form(request, form, lambda data: services.team_create(
        name=data["name"], supervisor=data["supervisor"], members=data["members"], by=request.user),
        redirect_to=lambda team: reverse("users:team-detail", args=[team.pk]),
        success=lambda team: _("Team %(team)s is created.") % {"team": team})
    return done or form_page(request, form, title=_("New team"), cancel_url=reverse("users:team-list"))


def team_edit(request, pk):
    _admin_only(request)
    team = get_object_or_404(Team.objects.select_related("supervisor"), pk=pk)
    form = TeamForm(request.POST or None, instance=Team.objects.get(pk=pk))
    done = submit_form(request, form, lambda data: services.team_update(
        team=team, by=request.user, name=data["name"], supervisor=data["supervisor"], members=data["members"]),
        redirect_to=reverse("users:team-detail", args=[pk]), success=_("Saved."))
    return done or form_page(request, form, title=_("Edit team %(team)s") % {"team": team},
                             cancel_url=reverse("users:team-detail", args=[pk]))


@reads_query(NameSearchForm)
def leader_options(request):
    """htmx: the supervisors and admins whose name holds `q`, for a team's supervisor."""
    _admin_only(request)
    chosen = NameSearchForm(request.GET).values()
    return people_page(request, team_leaders(), q=chosen["q"], page=chosen["page"], url_name="people:leader-options")


@reads_query(NameSearchForm)
def member_options(request):
    """htmx: the people whose name holds `q` who may be a team's member, each with their team now."""
    _admin_only(request)
    chosen = NameSearchForm(request.GET).values()
    return people_page(request, team_members(), q=chosen["q"], page=chosen["page"], url_name="people:member-options")


def person_two_factor_reset(request, pk):
    """A lost phone: the person's authenticator and recovery codes go; they set up a new one
    at their next sign-in (required) or when they like (optional)."""
    _admin_only(request)
    person = get_object_or_404(User, pk=pk)
    if request.method != "POST":
        return confirm_page(request, title=_("Reset two-factor sign-in of %(user)s?") % {"user": person},
                            message=_("Their authenticator app and recovery codes stop working."),
                            label=_("Reset"), cancel_url=reverse("people:edit", args=[pk]))
    return run_service(request, twofactor.two_factor_disable, user=person, by=request.user, request=request,
                       success=_("Two-factor sign-in of %(user)s is reset.") % {"user": person},
                       redirect_to=reverse("people:edit", args=[pk]))


def department_list(request):
    """The departments routed work reaches (X-02): each with its head and its staff."""
    _admin_only(request)
    departments = Department.objects.select_related("head").annotate(
        staff=Count("members", filter=Q(members__is_active=True))).order_by("-active", "code")
    return render(request, "people/departments.html", {"departments": departments, "title": _("Departments")})


def department_create(request):
    _admin_only(request)
    form = DepartmentForm(request.POST or None)
    done = submit_form(request, form, lambda data: services.department_create(by=request.user, **data),
                       redirect_to=reverse("people:departments"),
                       success=lambda department: _("Department %(department)s is created. Add its staff as "
                                                    "people with the role Department staff.")
                       % {"department": department})
    return done or form_page(request, form, title=_("New department"), cancel_url=reverse("people:departments"))


def department_edit(request, pk):
    _admin_only(request)
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentForm(request.POST or None, instance=Department.objects.get(pk=pk))

    def save(data):
        return services.department_update(department=department, by=request.user, **data)

    done = submit_form(request, form, save, redirect_to=reverse("people:departments"), success=_("Saved."))
    return done or form_page(request, form, title=_("Edit department %(department)s") % {"department": department},
                             cancel_url=reverse("people:departments"))
