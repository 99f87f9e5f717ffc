import logging

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from core.exports import ExportMixin
from core.params import LenientFilterMixin, NameSearchForm, reads_query
from core.views import options_page
from users.exports import TEAMS
from users.filters import TeamFilter
from users.models import Team
from users.ratelimit import over_limit
from users.tasks import password_reset_send

logger = logging.getLogger(__name__)


class TeamListView(LenientFilterMixin, ExportMixin, FilterView):
    filterset_class = TeamFilter
    template_name = "users/team_list.html"
    context_object_name = "teams"
    paginate_by = 25
    export_columns, export_filename = TEAMS, "teams"

    def get_queryset(self):
        return (
            Team.objects.visible_to(self.request.user)
            .select_related("supervisor")
            .annotate(member_count=Count("members"))
            .order_by("name")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.chosen.get("q", ""), title=_("Teams"), **kwargs)


class TeamDetailView(DetailView):
    template_name = "users/team_detail.html"
    context_object_name = "team"

    def get_queryset(self):
        return Team.objects.visible_to(self.request.user).with_people()


@reads_query(NameSearchForm)
def team_options(request):
    """htmx: the teams the user sees whose name holds `q`, a page at a time, each with its
    supervisor: the team fields and filters of an admin (users.forms.find_team_by_name)."""
    chosen = NameSearchForm(request.GET).values()
    teams = Team.objects.visible_to(request.user).select_related("supervisor").order_by("name", "pk")
    if chosen["q"]:
        teams = teams.filter(name__icontains=chosen["q"])
    return options_page(request, teams, page=chosen["page"], url_name="users:team-options",
                        option=lambda team: (team.pk, team.name, team.supervisor),
                        empty_text=gettext("No team you can choose has that name."))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, made silent and slow to abuse.

    Django already answers a known and an unknown address alike (a redirect to the
    same "if an account uses that address…" page), but it looks the users up and
    sends the mail inside the request, so a known address answers measurably later
    (SMTP takes its time). Here the request only counts and queues the address; the
    worker looks it up and mails (users.tasks.password_reset_send). Requests are
    limited per e-mail address and per client address (as django-axes sees it,
    AXES_PROXY_COUNT included), counted for known and unknown addresses alike.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
        # Both counters move on every request, so neither can be probed through the other.
        limited = [over_limit("password-reset-email", email.strip().lower(),
                              limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS, window_seconds=window),
                   over_limit("password-reset-ip", get_client_ip_address(self.request) or "unknown",
                              limit=settings.PASSWORD_RESET_LIMIT_PER_IP, window_seconds=window)]
        if any(limited):
            form.add_error(None, _("Too many reset requests from here or for this address. Try again in "
                                   "%(minutes)s minutes.") % {"minutes": settings.PASSWORD_RESET_WINDOW_MINUTES})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        try:
            password_reset_send.delay(email)
        except Exception:  # kombu raises several kinds for an unreachable broker
            logger.exception("could not queue a password reset")
            form.add_error(None, _("The e-mail could not be sent just now. Try again in a few minutes."))
            return self.render_to_response(self.get_context_data(form=form), status=503)
        return HttpResponseRedirect(self.get_success_url())
