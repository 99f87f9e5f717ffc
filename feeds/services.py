from django.db import transaction

from feeds.models import CalendarFeedToken


@transaction.atomic
def calendar_feed_token_issue(*, user):
    """A new feed link for `user`; the previous one, if any, stops working."""
    CalendarFeedToken.objects.filter(user=user).delete()
    return CalendarFeedToken.objects.create(user=user)


@transaction.atomic
def calendar_feed_token_revoke(*, user):
    CalendarFeedToken.objects.filter(user=user).delete()
