from django.contrib import admin

from enterprises.models import Declaration, EnterpriseProfile, EnterpriseProfileVersion


class DeclarationInline(admin.TabularInline):
    model = Declaration
    extra = 0
    readonly_fields = ("kind", "wording", "accepted", "by", "at")
    can_delete = False


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "registered_region", "industry", "employees", "version", "updated_at")
    list_filter = ("registered_region", "industry")
    search_fields = ("name", "uscc", "contact_person", "mobile")
    readonly_fields = ("version", "created_at", "updated_at", "updated_by")
    inlines = [DeclarationInline]


@admin.register(EnterpriseProfileVersion)
class EnterpriseProfileVersionAdmin(admin.ModelAdmin):
    list_display = ("profile", "version", "saved_by", "saved_at")
    readonly_fields = ("profile", "version", "data", "saved_by", "saved_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
