from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from feeds import services
from feeds.ical import calendar
from feeds.models import CalendarFeedToken
from feeds.sources import feed_items


def feed_page(request):
    """My calendar feed: the link to paste into a calendar app, and its controls."""
    token = CalendarFeedToken.objects.filter(user=request.user).first()
    link = request.build_absolute_uri(reverse("feeds:feed", args=[token.secret])) if token else ""
    if request.method == "POST":  # the first link: nothing to revoke, so no confirmation
        services.calendar_feed_token_issue(user=request.user)
        messages.success(request, _("Your calendar link is ready. Paste it into your calendar app."))
        return redirect("feeds:page")
    return render(request, "feeds/page.html", {"token": token, "link": link})


def _confirm(request, *, title, message, label, action, success):
    if request.method == "POST":
        action(user=request.user)
        messages.success(request, success)
        return redirect("feeds:page")
    return render(request, "partials/confirm.html", {
        "title": title, "message": message, "confirm_label": label, "cancel_url": reverse("feeds:page")})


def feed_regenerate(request):
    return _confirm(request, title=_("Make a new calendar link?"),
                    message=_("The current link stops working at once: calendars subscribed to it "
                              "must be given the new one."),
                    label=_("Make a new link"), action=services.calendar_feed_token_issue,
                    success=_("New calendar link made; the old one no longer works."))


def feed_revoke(request):
    return _confirm(request, title=_("Turn off the calendar link?"),
                    message=_("The link stops working at once and calendars subscribed to it stop updating."),
                    label=_("Turn off"), action=services.calendar_feed_token_revoke,
                    success=_("Calendar link turned off."))


@login_not_required  # calendar apps cannot log in: the secret in the URL is the credential
@require_safe
@never_cache
def feed(request, secret):
    token = CalendarFeedToken.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    if token is None:
        raise Http404
    user = token.user
    with translation.override(user.language):
        body = calendar(feed_items(user), name=str(user), site=f"{request.scheme}://{request.get_host()}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kam-crm.ics"'
    return response
