from django.contrib import admin

from programmes.models import Call, Category, MaterialItem, Notice, NoticeAttachment
from programmes.services import NOTICE_FIELDS, notice_save


class NoticeAttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    extra = 0


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "publish_date", "view_count", "is_published"]
    search_fields = ["title", "body"]
    fields = [*NOTICE_FIELDS, "slug", "view_count", "created_by"]
    readonly_fields = ["slug", "view_count", "created_by"]
    inlines = [NoticeAttachmentInline]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and request.user.has_perm("programmes.manage_notice")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and request.user.has_perm("programmes.manage_notice")

    def save_model(self, request, obj, form, change):
        # The same service as the notice pages, so an admin's edit is audited too.
        notice_save(
            actor=request.user, notice=obj, data={n: form.cleaned_data[n] for n in NOTICE_FIELDS}, request=request
        )


class CategoryInline(admin.StackedInline):
    model = Category
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "code", "opens_at", "deadline", "is_demo"]
    list_filter = ["year", "is_demo"]
    inlines = [CategoryInline]


class MaterialItemInline(admin.TabularInline):
    model = MaterialItem
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["call", "code", "name"]
    list_filter = ["call"]
    inlines = [MaterialItemInline]
