from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        # Files on a contact (issue 23): seen by whoever sees the contact, changed by who may change
        # its account (contacts.permissions).
        from attachments import registry
        from contacts import permissions
        from contacts.models import Contact

        registry.register(Contact, kind="contact",
                          visible=lambda user: Contact.objects.visible_to(user).select_related("account"),
                          can_change=permissions.can_edit_contact)
