from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from core.exports import ExportMixin
from core.params import LenientFilterMixin
from users.exports import TEAMS
from users.filters import TeamFilter
from users.models import Team


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
