from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation


class PasswordResetMailForm(PasswordResetForm):
    """Django's reset form, writing each e-mail in its reader's language and counting them."""

    sent = 0

    def send_mail(self, *args, **kwargs):
        context = args[2] if len(args) > 2 else kwargs["context"]
        with translation.override(context["user"].language):
            super().send_mail(*args, **kwargs)
        self.sent += 1
