from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    """The account 360 and working together (issue 23, X-05): one timeline per account and contact,
    comments with @mentions, global search, saved views, portfolio handover and merging duplicates.
    It sits on the top floor beside reports: it reads every app below and nothing imports it."""

    name = "hub"
    verbose_name = _("Account 360")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from hub.savedviews import on_login

        # The session learns the person's default views at login (hub.savedviews).
        user_logged_in.connect(on_login, dispatch_uid="hub-default-views")

        from accounts.signals import owner_changed
        from hub.portfolio import move_open_work

        # An account that changes hands takes its open work along (K-05; hub.portfolio).
        owner_changed.connect(move_open_work, dispatch_uid="hub-move-open-work")

        from core.demo import demo_seeded
        from hub.demo import seed_conversations

        # seed_demo's conversation on an account (hub.demo); reports cannot import hub.
        demo_seeded.connect(seed_conversations, dispatch_uid="hub-demo-conversation")
