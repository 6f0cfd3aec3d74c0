from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, Organisation, Region, User
from accounts.services import api_token_revoke
from core.admin import ReadOnlyAdminMixin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "organisation", "mobile", "is_active"]
    list_filter = ["role", "is_active", "organisation__region"]
    search_fields = ["username", "display_name", "mobile"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("申报系统", {"fields": ["role", "organisation", "mobile", "display_name"]}),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "industry_bureau", "finance_bureau"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Tokens are issued by the API only (the key is shown once to its owner); here they are listed and revoked,
    through the same service as the API, so each revocation is audited."""

    list_display = ["user", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "key_hash", "created_at", "expires_at", "revoked_at"]
    actions = ["revoke"]

    def has_revoke_permission(self, request):
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description=_("吊销所选令牌"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, actor=request.user, request=request)
