from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from users.models import Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("CRM"), {"fields": ["display_name", "role", "team"]}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("CRM"), {"fields": ["display_name", "role", "team"]}),)


class MemberInline(admin.TabularInline):
    model = User
    fields = ["username", "display_name", "role"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "supervisor", "created_at"]
    search_fields = ["name", "supervisor__username", "supervisor__display_name"]
    autocomplete_fields = ["supervisor"]
    inlines = [MemberInline]
