from django.contrib import admin

from opportunities.models import Opportunity, OpportunityRole, Stage, StageChange


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name_en", "position", "probability", "kind", "active"]
    list_editable = ["position", "probability", "active"]


class RoleInline(admin.TabularInline):
    model = OpportunityRole
    extra = 0
    raw_id_fields = ["buyer_role"]


class ChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    readonly_fields = ["from_stage", "to_stage", "kind", "changed_by", "changed_at"]
    exclude = ["account"]
    can_delete = False


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "stage", "amount", "currency", "expected_close", "owner"]
    list_filter = ["stage"]
    search_fields = ["name", "account__name"]
    raw_id_fields = ["account", "owner", "order"]
    filter_horizontal = ["products", "competitors"]
    inlines = [RoleInline, ChangeInline]
    list_select_related = ["account", "stage", "owner"]
