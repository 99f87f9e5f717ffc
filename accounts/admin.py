from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import (
    Account,
    AccountTeamMember,
    Competitor,
    Handover,
    LostReason,
    ObjectionType,
    Order,
    ProductPosition,
    ProspectClaim,
)


class MemberInline(admin.TabularInline):
    model = AccountTeamMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "owner", "region", "archived_at"]
    list_filter = ["kind", "status", "region"]
    search_fields = ["name"]
    autocomplete_fields = ["owner", "parent"]
    inlines = [MemberInline]
    list_select_related = ["owner"]


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ["account", "signed_on", "product", "amount"]
    search_fields = ["account__name", "product", "reference"]
    autocomplete_fields = ["account"]
    list_select_related = ["account"]


@admin.register(ProspectClaim)
class ProspectClaimAdmin(admin.ModelAdmin):
    list_display = ["account", "claimant", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    autocomplete_fields = ["account", "claimant", "decided_by"]
    list_select_related = ["account", "claimant", "decided_by"]


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    """To look up; deciding happens on the handover page, where the owner change is recorded."""

    list_display = ["account", "from_owner", "to_owner", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["account__name"]
    list_select_related = ["account", "from_owner", "to_owner", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register([Competitor, ProductPosition])


@admin.register(LostReason, ObjectionType)
class ChurnChoiceAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_zh_hans", "name_zh_hant", "position", "active"]
    list_editable = ["position", "active"]
