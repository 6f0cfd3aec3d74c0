from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from reviews.seals.image import data_uri
from reviews.seals.models import SealKey


@admin.register(SealKey)
class SealKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: keys are made by seal_key_for (audited); the encrypted private key is never shown."""

    list_display = ["organisation", "key_id", "created_at", "retired_at"]
    list_filter = ["organisation__kind"]
    search_fields = ["key_id", "organisation__name"]
    fields = ["organisation", "key_id", "public_key", "picture", "created_at", "retired_at"]
    readonly_fields = fields
    actions = None

    @admin.display(description=_("印章图像"))
    def picture(self, key):
        return format_html('<img src="{}" width="160" height="160" alt="">', data_uri(bytes(key.seal_png)))
