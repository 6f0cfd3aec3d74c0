from django.contrib import admin

from applications.models import Application, Material, ReceiptCounter, Snapshot
from core.admin import ReadOnlyAdminMixin


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ("item", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False


class SnapshotInline(admin.TabularInline):
    model = Snapshot
    extra = 0
    fields = ("version", "digest", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("receipt_no", "enterprise", "call", "category", "status", "version", "submitted_at", "updated_at")
    list_filter = ("call", "category__code", "status", "region")
    search_fields = ("receipt_no", "enterprise__name", "digest")
    # Status, data and the frozen fields change only through the services (workflow, audit); never by hand here.
    readonly_fields = (
        "call", "category", "enterprise", "region", "created_by", "status", "data", "version",
        "declaration_accepted", "receipt_no", "digest", "submitted_at", "created_at", "updated_at",
    )  # fmt: skip
    inlines = [MaterialInline, SnapshotInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "version", "digest", "created_at")
    search_fields = ("digest", "application__receipt_no")
    readonly_fields = ("application", "version", "canonical_json", "digest", "created_at")


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(admin.ModelAdmin):
    list_display = ("call", "category", "region", "last_number")
    readonly_fields = ("call", "category", "region", "last_number")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
