from django.contrib import admin

from api.models import AccessToken


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    """For operators: whose tokens exist, their access and last use. A token is made only by its
    owner on their page (it is shown once there); nothing here can show or make one."""

    list_display = ["name", "user", "scope", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "scope", "hint", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False
