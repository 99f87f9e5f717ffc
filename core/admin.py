from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.models import OutboxMessage
from core.outbox import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """For operators: what was sent, what waits and why, and the dead letters to send again."""

    list_display = ["created_at", "channel", "recipient", "dedupe_key", "attempts", "sent_at", "dead"]
    list_filter = ["channel", "dead", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient", "dedupe_key"]
    exclude = ["payload"]  # a robot's signing secret rides in it
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name != "payload"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again"))
    def retry(self, request, queryset):
        for message in queryset.filter(sent_at__isnull=True):
            outbox_retry(message=message, by=request.user)
