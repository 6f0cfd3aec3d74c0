"""Calls for applications (申报批次), their categories and the notices (通知公告) that announce them.

Every later programme of the same shape is a new Call in data: dates, thresholds, materials and
rubrics are fields and rows, not code.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SHANGHAI = ZoneInfo("Asia/Shanghai")


def end_of_day(date):
    """The notice's "截止时间为5月15日" means the whole of that day in Asia/Shanghai."""
    return dt.datetime.combine(date, dt.time(23, 59, 59), tzinfo=SHANGHAI)


class Notice(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    publish_date = models.DateField(_("发布日期"))
    body = models.TextField(_("正文"))
    view_count = models.PositiveIntegerField(_("访问量"), default=0)
    contact_person = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_published = models.BooleanField(_("已发布"), default=True)
    slug = models.SlugField(
        _("标识"), max_length=80, unique=True, null=True, blank=True, help_text=_("演示数据用于幂等加载")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-publish_date", "-id"]
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")

    def __str__(self):
        return self.title

    def paragraphs(self):
        return [line for line in self.body.splitlines() if line.strip()]


def attachment_path(instance, filename):
    return f"notices/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("附件名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=300)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.title

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1]


class CallQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(opens_at__lte=moment, deadline__gte=moment)

    def open_now(self):
        return self.open_at(timezone.now())


class Call(models.Model):
    """One round of applications, e.g. the 2018 互联网+小微企业 call."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    code = models.SlugField(_("代码"), max_length=40, unique=True, help_text=_("批次的唯一代码，如 yz2018"))
    receipt_prefix = models.CharField(
        _("受理编号前缀"), max_length=16, help_text=_("如 YZ2018，受理编号形如 YZ2018-SF-321003-0001")
    )
    notice = models.ForeignKey(
        Notice, verbose_name=_("通知"), null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    opens_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"))
    is_demo = models.BooleanField(_("演示批次"), default=False)
    # Investments count only inside this period (notice: 近两年 = 2017–2018 for the 2018 call).
    investment_period_start = models.DateField(_("投入统计起始日"), default=dt.date(2017, 1, 1))
    investment_period_end = models.DateField(_("投入统计截止日"), default=dt.date(2018, 12, 31))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-opens_at"]
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at")), name="call_deadline_after_opening"
            )
        ]

    def __str__(self):
        return self.title

    def is_open(self, moment=None):
        moment = moment or timezone.now()
        return self.opens_at <= moment <= self.deadline

    @property
    def status_label(self):
        now = timezone.now()
        if now < self.opens_at:
            return _("未开始")
        if now > self.deadline:
            return _("已截止")
        return _("申报中")


class Category(models.Model):
    class Code(models.TextChoices):
        DEMONSTRATION = "demonstration", _("示范/试点企业")
        NEW_PRODUCT = "new_product", _("研发推广应用新产品新技术")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("类别代码"), max_length=24, choices=Code.choices)
    name = models.CharField(_("名称"), max_length=100)
    short_code = models.CharField(_("编号缩写"), max_length=4, help_text=_("受理编号中的类别缩写，如 SF、XC"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    # Thresholds of the notice's section 二, as data; the 2018 values are the defaults.
    # Read with the Civil Code §1259: 超过 excludes the number, 不少于/以上 include it.
    investment_exceeds_yuan = models.DecimalField(
        _("近两年投入须超过（元）"), max_digits=14, decimal_places=2, default=Decimal("500000.00")
    )
    min_management_software_kinds = models.PositiveSmallIntegerField(_("关键生产管理软件至少（项）"), default=2)
    min_control_projects = models.PositiveSmallIntegerField(_("生产管控项目至少（项）"), default=2)
    min_online_sales_share = models.DecimalField(
        _("线上交易额占比至少"), max_digits=5, decimal_places=4, default=Decimal("0.5000")
    )
    min_rd_investment_yuan = models.DecimalField(
        _("研发投入不少于（元）"), max_digits=14, decimal_places=2, default=Decimal("300000.00")
    )
    min_patents = models.PositiveSmallIntegerField(_("专利至少（项）"), default=1)
    min_operating_years = models.PositiveSmallIntegerField(_("正常经营至少（年）"), default=1)
    allowed_size_classes = models.CharField(
        _("允许的企业规模"), max_length=40, default="small,micro", help_text=_("逗号分隔：micro, small, medium, large")
    )

    class Meta:
        ordering = ["call", "sort_order", "id"]
        verbose_name = _("申报类别")
        verbose_name_plural = _("申报类别")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="one_category_code_per_call")]

    def __str__(self):
        return f"{self.call.title} · {self.name}"


class CategoryFormQuerySet(models.QuerySet):
    def current_for(self, category_id):
        """The category's current (highest) version, or None."""
        return self.filter(category_id=category_id).order_by("-version").first()


class CategoryForm(models.Model):
    """One version of a category's application form: the definition as data (applications/forms/serialise.py).

    A new call's categories start with version 1 (the built-in 2018 definitions, or a copy of the source call's
    current version); an application keeps the version it was started on (`Application.form_version`).
    Versions are never edited: a changed form is a new version.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="form_versions")
    version = models.PositiveIntegerField(_("版本"))
    definition = models.JSONField(_("申请书定义"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CategoryFormQuerySet.as_manager()

    class Meta:
        ordering = ["category", "-version"]
        verbose_name = _("申请书定义版本")
        verbose_name_plural = _("申请书定义版本")
        constraints = [models.UniqueConstraint(fields=["category", "version"], name="one_form_version_number")]

    def __str__(self):
        return f"{self.category} v{self.version}"


class MaterialItem(models.Model):
    """One row of the notice's materials checklist (section 三) for a category."""

    DEFAULT_TYPES = "pdf,jpeg,png,ofd"
    DEFAULT_MAX_BYTES = 20 * 1024 * 1024

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="material_items")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("材料名称"), max_length=200)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    required = models.BooleanField(_("必须提供"), default=True)
    allowed_types = models.CharField(
        _("允许的文件类型"), max_length=60, default=DEFAULT_TYPES, help_text=_("逗号分隔：pdf, jpeg, png, ofd")
    )
    max_size_bytes = models.PositiveBigIntegerField(_("单个文件大小上限（字节）"), default=DEFAULT_MAX_BYTES)
    multiple = models.BooleanField(_("允许多个文件"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "sort_order", "id"]
        verbose_name = _("申报材料项")
        verbose_name_plural = _("申报材料项")
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="one_material_code_per_category")]

    def __str__(self):
        return self.name

    @property
    def allowed_type_list(self):
        return [t.strip() for t in self.allowed_types.split(",") if t.strip()]


from programmes.models_rubric import Criterion, Rubric  # noqa: E402, F401 - the rubric, kept in its own module
