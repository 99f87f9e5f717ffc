from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.forms import add_service_error
from core.models import OutboxMessage
from core.views import confirm_page, run_service
from notifications import permissions, services
from notifications.forms import (
    NotificationFilter,
    OutboxFilter,
    PreferencesForm,
    RobotForm,
    WebhookForm,
    defaults_grid,
)
from notifications.models import Channel, Notification, Preference, QuietHours, Robot, Webhook

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


def _back(request, list_name="notifications:list"):
    """Back to the list with its filters and page, never anywhere else."""
    url, query = reverse(list_name), request.POST.get("next", "")
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


def robot_delete(request, pk):
    robot = get_object_or_404(Robot.objects.visible_to(request.user), pk=pk)
    if request.method != "POST":
        return confirm_page(request, title=_("Remove this robot?"),
                            message=_("%(platform)s · %(owner)s: nothing more is posted to its group chat.")
                            % {"platform": robot.get_platform_display(), "owner": robot.team or _("Me only")},
                            label=_("Remove"), cancel_url=reverse("notifications:robots"))
    return run_service(request, services.robot_delete, robot=robot, by=request.user,
                       success=_("Robot removed."), redirect_to="notifications:robots")


# --- What the system sends (admins) -------------------------------------------------------------------

def _outbox_admin(request):
    if not permissions.can_see_outbox(request.user):
        raise Http404  # the addresses and texts of others' messages are shown to no one else


def outbox_list(request):
    """Every e-mail and robot post the system queued: waiting, retrying, given up or sent."""
    _outbox_admin(request)
    form = OutboxFilter(request.GET or None)
    outgoing = form.filter(OutboxMessage.objects.order_by("-created_at", "-id"))
    page = Paginator(outgoing, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {
        "form": form, "page_obj": page, "outgoing": page.object_list, "title": _("Outgoing messages"),
        "dead_count": OutboxMessage.objects.dead_letters().count(),
        "filtered": form.is_bound,
    })


@require_POST
def outbox_retry(request, pk):
    _outbox_admin(request)
    message = get_object_or_404(OutboxMessage, pk=pk)
    return run_service(request, services.outbox_message_retry, message=message, by=request.user,
                       success=_("The message is queued again."), redirect_to=_back(request, "notifications:outbox"))


def outbox_retry_dead(request):
    _outbox_admin(request)
    if request.method != "POST":
        return confirm_page(request, title=_("Retry every dead letter?"),
                            message=_("Each message that gave up is sent again, its attempts starting over. "
                                      "Mend the receiver first (the error is shown with each message)."),
                            label=_("Retry them all"), cancel_url=reverse("notifications:outbox"))
    return run_service(request, services.outbox_retry_dead, by=request.user,
                       success=lambda n: ngettext("%(n)s message is queued again.", "%(n)s messages are queued again.",
                                                  n) % {"n": n},
                       redirect_to="notifications:outbox")




# --- Outbound webhooks (admins) -------------------------------------------------------------------------

def _webhook_admin(request):
    if not permissions.can_manage_webhooks(request.user):
        raise Http404  # their addresses and secrets are shown to no one else


def webhook_list(request):
    """Other systems told of changes here: each webhook, its events and secret, and a form to add one."""
    _webhook_admin(request)
    return _webhook_page(request, WebhookForm(request.POST or None), None)


def webhook_edit(request, pk):
    _webhook_admin(request)
    webhook = get_object_or_404(Webhook, pk=pk)
    return _webhook_page(request, WebhookForm(request.POST or None, instance=webhook), webhook)


def _webhook_page(request, form, webhook):
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_save(by=request.user, webhook=webhook, **form.cleaned_data)
        except services.ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Webhook saved. Send a test event to check the receiver."))
            return redirect("notifications:webhooks")
    page = Paginator(Webhook.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/webhooks.html", {
        "webhooks": page.object_list, "page_obj": page, "form": form, "editing": webhook,
        "title": _("Edit webhook") if webhook else _("Webhooks"),
    }, status=400 if form.is_bound and form.errors else 200)


@require_POST
def webhook_ping(request, pk):
    _webhook_admin(request)
    webhook = get_object_or_404(Webhook, pk=pk)
    return run_service(request, services.webhook_ping, webhook=webhook, by=request.user,
                       success=_("Test event queued: its delivery shows on the outgoing messages page."),
                       redirect_to="notifications:webhooks")


def webhook_delete(request, pk):
    _webhook_admin(request)
    webhook = get_object_or_404(Webhook, pk=pk)
    if request.method != "POST":
        return confirm_page(request, title=_("Remove the webhook “%(name)s”?") % {"name": webhook},
                            message=_("No more events are sent to %(url)s. Events already queued are still "
                                      "delivered.") % {"url": webhook.url},
                            label=_("Remove"), cancel_url=reverse("notifications:webhooks"))
    return run_service(request, services.webhook_delete, webhook=webhook, by=request.user,
                       success=_("Webhook removed."), redirect_to="notifications:webhooks")
