from django.contrib import admin

from hub.models import Comment, SavedView


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["account", "author", "created_at"]
    list_select_related = ["account", "author"]
    raw_id_fields = ["account", "visit", "issue", "plan", "reply_to", "author", "mentioned"]
    search_fields = ["body"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "list_name", "owner", "shared", "is_default"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
