from django.shortcuts import render

from users.models import Team, User


def home(request):
    """The start page. Grows into the manager/supervisor/admin dashboards."""
    user = request.user
    teams = Team.objects.visible_to(user).select_related("supervisor").order_by("name")[:10]
    colleagues = (
        User.objects.visible_to(user).exclude(pk=user.pk).select_related("team").order_by("username")[:20]
    )
    return render(request, "reports/home.html", {"teams": teams, "colleagues": colleagues})
