from django.contrib import admin

from tiering.models import CadenceRequirement, Tier, TierChange, TierProposal


class RequirementInline(admin.TabularInline):
    model = CadenceRequirement
    extra = 0


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rank", "is_default"]
    inlines = [RequirementInline]


@admin.register(TierChange)
class TierChangeAdmin(admin.ModelAdmin):
    list_display = ["account", "from_tier", "to_tier", "source", "by", "at"]
    list_select_related = ["account", "from_tier", "to_tier", "by"]
    readonly_fields = [f.name for f in TierChange._meta.fields]


@admin.register(TierProposal)
class TierProposalAdmin(admin.ModelAdmin):
    list_display = ["account", "from_tier", "to_tier", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["account", "from_tier", "to_tier"]
