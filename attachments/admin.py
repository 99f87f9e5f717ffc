from django.contrib import admin

from attachments.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "mime_type", "size", "content_type", "object_id", "uploaded_by",
                    "uploaded_at"]
    list_filter = ["kind", "content_type"]
    exclude = ["file", "thumbnail"]  # their URLs would be public media ones: files are served by our view
    readonly_fields = ["content_type", "object_id", "mime_type", "size", "uploaded_by",
                       "uploaded_at"]
