from django.contrib import admin

from programmes.models import Call, Category, MaterialItem, Notice, NoticeAttachment


class NoticeAttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    extra = 0


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "publish_date", "view_count", "is_published"]
    search_fields = ["title", "body"]
    inlines = [NoticeAttachmentInline]


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
