from functools import cached_property

from notifications.models import Notification


class Bell:
    """The navigation's unread count: one COUNT on the partial unread index, run only if the
    page shows the bell (a page without the navigation costs nothing)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self):
        return Notification.objects.for_user(self.user).unread().count()

    @property
    def label(self):
        return "99+" if self.unread > 99 else str(self.unread)


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
