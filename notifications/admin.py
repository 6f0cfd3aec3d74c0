from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from notifications.models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "kind", "read_at", "email_state", "sms_state"]
    list_filter = ["kind", "email_state", "sms_state"]
    search_fields = ["subject", "recipient__username", "object_id"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
