from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Organisation, Region, User
from accounts.services import api_token_revoke
from accounts.two_factor import two_factor_reset
from core.admin import ReadOnlyAdminMixin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "organisation", "mobile", "is_active"]
    actions = ["reset_two_factor"]
    list_filter = ["role", "is_active", "organisation__region"]
    search_fields = ["username", "display_name", "mobile"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("申报系统", {"fields": ["role", "organisation", "mobile", "display_name"]}),
    )

    @admin.action(description=_("重置两步验证（丢失手机时；下次登录重新绑定）"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        count = sum(1 for user in queryset if two_factor_reset(user=user, actor=request.user, request=request))
        self.message_user(
            request,
            ngettext("已重置 %(n)s 个账户的两步验证。", "已重置 %(n)s 个账户的两步验证。", count) % {"n": count},
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


# Devices are removed only by the audited reset above, never edited here (the TOTP secret stays out of the admin).
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _admin_login(request, extra_context=None):
    """The admin has no login of its own: /admin/login/ sends people to the login page (password, then the
    second factor) and back."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if not admin.site.has_permission(request):
            raise PermissionDenied
        return redirect(next_url)
    return redirect_to_login(next_url, login_url=reverse("accounts:login"))


admin.site.login = _admin_login
