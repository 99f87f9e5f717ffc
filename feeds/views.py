from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.views import confirm_page, run_service
from feeds import services
from feeds.ical import calendar
from feeds.models import CalendarFeedToken
from feeds.sources import feed_items


def feed_page(request):
    """My calendar feed: the link to paste into a calendar app, and its controls."""
    token = CalendarFeedToken.objects.filter(user=request.user).first()
    link = request.build_absolute_uri(reverse("feeds:feed", args=[token.secret])) if token else ""
    if request.method == "POST":  # the first link: nothing to revoke, so no confirmation
        return run_service(request, services.calendar_feed_token_issue, user=request.user,
                           success=_("Your calendar link is ready. Paste it into your calendar app."),
                           redirect_to="feeds:page")
    return render(request, "feeds/page.html", {"token": token, "link": link})


def feed_regenerate(request):
    if request.method == "POST":
        return run_service(request, services.calendar_feed_token_issue, user=request.user,
                           success=_("New calendar link made; the old one no longer works."), redirect_to="feeds:page")
    return confirm_page(request, title=_("Make a new calendar link?"),
                        message=_("The current link stops working at once: calendars subscribed to it "
                                  "must be given the new one."),
                        label=_("Make a new link"), cancel_url=reverse("feeds:page"))


def feed_revoke(request):
    if request.method == "POST":
        return run_service(request, services.calendar_feed_token_revoke, user=request.user,
                           success=_("Calendar link turned off."), redirect_to="feeds:page")
    return confirm_page(request, title=_("Turn off the calendar link?"),
                        message=_("The link stops working at once and calendars subscribed to it stop updating."),
                        label=_("Turn off"), cancel_url=reverse("feeds:page"))


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
