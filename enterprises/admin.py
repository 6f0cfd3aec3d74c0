"""The admin site shows enterprise profiles and their history, and changes neither.

Every change of a profile goes through `enterprises.services.profile_save`, which writes the next version and
an audit event; an admin form saving the model directly would change the profile past its history.
"""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from enterprises.models import Declaration, EnterpriseProfile, EnterpriseProfileVersion


class DeclarationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Declaration
    extra = 0
    readonly_fields = ("kind", "wording", "accepted", "by", "at")


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "uscc", "registered_region", "industry", "employees", "version", "updated_at")
    list_filter = ("registered_region", "industry")
    search_fields = ("name", "uscc", "contact_person", "mobile")
    readonly_fields = ("version", "created_at", "updated_at", "updated_by")
    inlines = [DeclarationInline]
    actions = None


@admin.register(EnterpriseProfileVersion)
class EnterpriseProfileVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("profile", "version", "saved_by", "saved_at")
    readonly_fields = ("profile", "version", "data", "saved_by", "saved_at")
    actions = None
