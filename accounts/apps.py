from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Contracts, minutes and photos on an account (issue 23): seen by whoever sees the account,
        # added and removed by who may change it. The edit flag rides on the scope's query, so the
        # file views answer "may they change it" without another.
        from accounts import permissions
        from accounts.models import Account
        from attachments import registry

        registry.register(Account, kind="account",
                          visible=lambda user: Account.objects.visible_to(user).with_edit_flag(user),
                          can_change=permissions.can_edit_account, account_of=lambda account: account.pk)
