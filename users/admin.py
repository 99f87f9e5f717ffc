from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from users.models import Department, Team, User

CRM_FIELDS = (_("CRM"), {"fields": ["display_name", "role", "team", "department"]})


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "team", "department", "is_active"]
    list_filter = ["role", "team", "department", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (*DjangoUserAdmin.fieldsets, CRM_FIELDS)
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, CRM_FIELDS)


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


class DepartmentMemberInline(MemberInline):
    fk_name = "department"


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh_hans", "name_zh_hant", "head", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name_en", "name_zh_hans", "name_zh_hant"]
    autocomplete_fields = ["head"]
    inlines = [DepartmentMemberInline]
