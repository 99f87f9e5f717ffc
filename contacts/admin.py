from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from contacts.models import BuyerRole, Contact, DecisionStep, PersonnelChange, Relationship, SelfQuestionReview


class RoleInline(admin.StackedInline):
    model = BuyerRole
    extra = 0
    exclude = ["account"]
    autocomplete_fields = ["counterpart"]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "account", "title", "status"]
    list_filter = ["status", "birthday_calendar"]
    search_fields = ["name", "account__name", "mobile", "email"]
    autocomplete_fields = ["account", "reports_to"]
    inlines = [RoleInline]
    list_select_related = ["account"]

    def save_formset(self, request, form, formset, change):
        # A role lives on its contact's account (a composite key checks it).
        for role in formset.save(commit=False):
            role.account_id = form.instance.account_id
            role.save()
        for role in formset.deleted_objects:
            role.delete()


@admin.register(PersonnelChange)
class PersonnelChangeAdmin(admin.ModelAdmin):
    list_display = ["contact", "kind", "recorded_at", "handled_at"]
    list_filter = ["kind"]
    list_select_related = ["contact"]


admin.site.register([Relationship, DecisionStep, SelfQuestionReview])
