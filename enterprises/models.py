"""An enterprise's profile (企业信息), its declarations and the history of every saved version.

A submitted application never reads the live profile: it keeps the snapshot taken at submission
(`enterprises.selectors.profile_snapshot`). Every save also writes an `EnterpriseProfileVersion` row with the
full JSON of that version, who saved it and when.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, mobile_validator
from enterprises.sizeclass import INDUSTRIES

# Region codes: the nine Yangzhou unit codes, or any 6-digit GB/T 2260 code (recorded, and explained as
# ineligible by the eligibility engine).
region_code_validator = RegexValidator(
    r"^(\d{6}|yz-etdz|yz-ecocity|yz-shouxihu)$", _("区域代码应为 6 位数字的行政区划代码或扬州市功能区代码。")
)


class EnterpriseProfile(models.Model):
    organisation = models.OneToOneField(
        Organisation, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="profile"
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=128)
    legal_representative = models.CharField(_("法定代表人"), max_length=64)
    contact_person = models.CharField(_("联系人"), max_length=64)
    mobile = models.CharField(_("联系人手机"), max_length=11, validators=[mobile_validator])
    email = models.EmailField(_("电子邮箱"), blank=True)
    registered_region = models.CharField(_("注册地"), max_length=16, validators=[region_code_validator])
    tax_region = models.CharField(_("纳税地"), max_length=16, validators=[region_code_validator])
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    independent_legal_person = models.BooleanField(_("具有独立法人资格"), default=False)
    industry = models.CharField(_("所属行业"), max_length=32, choices=INDUSTRIES)
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    revenue_yuan = models.DecimalField(
        _("上年营业收入（元）"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    assets_yuan = models.DecimalField(
        _("资产总额（元）"), max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("企业信息")
        verbose_name_plural = _("企业信息")

    def __str__(self):
        return f"{self.name}（{self.uscc}）"

    def declaration(self, kind):
        for d in self.declarations.all():
            if d.kind == kind:
                return d
        return None

    def declared(self, kind):
        d = self.declaration(kind)
        return bool(d and d.accepted)


class Declaration(models.Model):
    """One declaration (承诺) of the enterprise: its exact wording, whether it is ticked, by whom and when."""

    class Kind(models.TextChoices):
        SOUND_MANAGEMENT = "sound_management", _("健全的组织机构、管理制度和独立的财务核算制度")
        GOOD_CREDIT = "good_credit", _("信用良好")
        NO_ILLEGAL_RECORD = "no_illegal_record", _("无违法记录")

    profile = models.ForeignKey(EnterpriseProfile, on_delete=models.CASCADE, related_name="declarations")
    kind = models.CharField(_("声明"), max_length=24, choices=Kind.choices)
    wording = models.TextField(_("声明全文"))
    accepted = models.BooleanField(_("已勾选"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("勾选人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("勾选时间"), null=True)

    class Meta:
        verbose_name = _("企业声明")
        verbose_name_plural = _("企业声明")
        constraints = [models.UniqueConstraint(fields=["profile", "kind"], name="one_declaration_per_kind")]

    def __str__(self):
        return self.get_kind_display()


class EnterpriseProfileVersion(models.Model):
    """The full JSON of one saved version of a profile (as `profile_snapshot` gives it)."""

    profile = models.ForeignKey(EnterpriseProfile, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    data = models.JSONField(_("内容"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保存人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    class Meta:
        ordering = ["profile", "-version"]
        verbose_name = _("企业信息历史版本")
        verbose_name_plural = _("企业信息历史版本")
        constraints = [models.UniqueConstraint(fields=["profile", "version"], name="one_profile_version_number")]

    def __str__(self):
        return f"{self.profile_id} v{self.version}"
