from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_error
from core.views import run_service
from notifications import services
from notifications.forms import NotificationFilter, PreferencesForm, RobotForm, defaults_grid
from notifications.models import Channel, Notification, Preference, QuietHours, Robot

PAGE_SIZE = 25


def notification_list(request):
    """A person's notifications, newest first; filter by kind and read or unread."""
    form = NotificationFilter(request.GET or None)
    notifications = form.filter(Notification.objects.for_user(request.user))
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "form": form, "page_obj": page, "notifications": page.object_list, "title": _("Notifications"),
        "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
    })


def notification_open(request, pk):
    """Follow a notification to what it is about, and mark it read on the way."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notification_read(notification=notification, by=request.user)
    safe = url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return redirect(notification.link if notification.link and safe else "notifications:list")


@require_POST
def notification_mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    return run_service(request, services.notification_read, notification=notification, by=request.user,
                       success=None, redirect_to=_back(request))


@require_POST
def notifications_mark_all_read(request):
    return run_service(request, services.notifications_read_all, by=request.user,
                       success=_("All notifications marked read."), redirect_to=_back(request))


def _back(request):
    """Back to the list with its filters and page, never anywhere else."""
    url, query = reverse("notifications:list"), request.POST.get("next", "")
    if query.startswith("?") and url_has_allowed_host_and_scheme(url + query, allowed_hosts=None):
        return url + query
    return url


def notification_settings(request):
    """What a person is told, on which channel, and their quiet hours."""
    enabled = defaults_grid()
    for kind, channel, on in Preference.objects.filter(user=request.user).values_list("kind", "channel", "enabled"):
        (enabled[kind].add if on else enabled[kind].discard)(channel)
    quiet = QuietHours.objects.filter(user=request.user).first()
    initial = {"quiet_starts": quiet.starts, "quiet_ends": quiet.ends} if quiet else {}
    form = PreferencesForm(request.POST or None, enabled=enabled, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_save(
                user=request.user, choices=form.choices(), quiet_starts=form.cleaned_data["quiet_starts"],
                quiet_ends=form.cleaned_data["quiet_ends"])
        except services.ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form, "channels": Channel.choices,
                                                           "title": _("Notification settings")})


def robot_list(request):
    """The chat robots a person may change: their own, and for an admin every team's."""
    robots = Robot.objects.visible_to(request.user).select_related("team", "user")
    form = RobotForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.robot_save(by=request.user, platform=form.cleaned_data["platform"],
                                url=form.cleaned_data["url"], secret=form.cleaned_data["secret"],
                                team=form.cleaned_data.get("team"))
        except services.ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Robot saved. Send a test message to check it."))
            return redirect("notifications:robots")
    return render(request, "notifications/robots.html", {"robots": robots, "form": form,
                                                         "title": _("Chat robots")})


@require_POST
def robot_test(request, pk):
    robot = get_object_or_404(Robot.objects.visible_to(request.user), pk=pk)
    return run_service(request, services.robot_test, robot=robot, by=request.user,
                       success=_("Test message sent: look in the group chat."), redirect_to="notifications:robots")


@require_POST
def robot_delete(request, pk):
    robot = get_object_or_404(Robot.objects.visible_to(request.user), pk=pk)
    return run_service(request, services.robot_delete, robot=robot, by=request.user,
                       success=_("Robot removed."), redirect_to="notifications:robots")
