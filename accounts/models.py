"""Users, their organisations and the administrative regions that organisations belong to."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入有效的 11 位中国大陆手机号码。"))


class Region(models.Model):
    """A county-level unit (县/市/区 or functional zone) or the city itself. Rows come from a data migration."""

    class Kind(models.TextChoices):
        CITY = "city", _("市")
        COUNTY = "county", _("县（市、区）")
        ZONE = "zone", _("功能区")

    code = models.CharField(_("代码"), max_length=16, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    industry_bureau = models.CharField(_("工信（经发）部门"), max_length=64)
    finance_bureau = models.CharField(_("财政部门"), max_length=64)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")

    def __str__(self):
        return self.name

    @property
    def is_county_level(self):
        return self.kind != self.Kind.CITY


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        COUNTY_INDUSTRY = "county_industry", _("县级工信（经发）部门")
        COUNTY_FINANCE = "county_finance", _("县级财政部门")
        CITY_INDUSTRY = "city_industry", _("市工信局")
        CITY_FINANCE = "city_finance", _("市财政局")
        EXPERT_POOL = "expert_pool", _("专家库")
        SYSTEM = "system", _("系统运维")

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "region__sort_order", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            # One industry and one finance bureau per county-level unit, one of each for the city.
            models.UniqueConstraint(
                fields=["kind", "region"],
                condition=~models.Q(kind__in=["enterprise", "expert_pool", "system"]),
                name="one_bureau_per_region_and_kind",
            )
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业用户")
        COUNTY_INDUSTRY = "county_industry", _("县级工信审核员")
        COUNTY_FINANCE = "county_finance", _("县级财政审核员")
        CITY_OFFICER = "city_officer", _("市级管理员")
        EXPERT = "expert", _("评审专家")
        ADMIN = "admin", _("系统管理员")

    role = models.CharField(_("角色"), max_length=24, choices=Role.choices, default=Role.ENTERPRISE)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    mobile = models.CharField(
        _("手机号码"), max_length=11, unique=True, null=True, blank=True, validators=[mobile_validator]
    )
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    @property
    def region(self):
        return self.organisation.region if self.organisation_id else None

    def check_password(self, raw_password):
        # Remembered on this object: a login whose password was checked leaves a staff session waiting for the
        # second factor (accounts/two_factor.py), whichever view authenticated it.
        self.password_checked = super().check_password(raw_password)
        return self.password_checked


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    @staticmethod
    def hash(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user):
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, key_hash=cls.hash(key), expires_at=timezone.now() + settings.API_TOKEN_TTL
        )
        return key, token

    @property
    def is_valid(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
