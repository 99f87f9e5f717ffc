from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the log is evidence, nobody edits it."""

    list_display = ["at", "action", "actor_name", "target_name", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
