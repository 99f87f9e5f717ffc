"""The iCalendar text (RFC 5545) of a person's feed, written by the icalendar package."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

UID_DOMAIN = "kam-crm"  # not the host name: a UID must not change when the site moves


def calendar(items, *, name, site):
    """`items`: FeedItems; `site`: the scheme and host the links point to."""
    feed = Calendar()
    feed.add("prodid", "-//KAM CRM//Calendar feed//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", _("KAM CRM: %(name)s") % {"name": name})
    # Calendar apps poll; ask for a refresh every hour.
    feed.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("url", site + item.path)
        if item.description:
            event.add("description", item.description)
        event.add("transp", "TRANSPARENT")  # a due date does not make the person busy
        feed.add_component(event)
    return feed.to_ical()
