"""Applications (申报书): the draft an enterprise fills, its materials, and the frozen submission.

The form itself is JSON (`data`) validated by the form definition version it was started on (applications/forms/),
so that a later call can change its form in data. What the county and city review is the Snapshot,
never the live draft.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region
from programmes.models import Call, Category, CategoryForm, MaterialItem


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交（待县级审核）")
        WITHDRAWN = "withdrawn", _("已撤回")
        RETURNED = "returned", _("已退回修改")
        # The county and city review (applications/workflow.py has the edges, reviews/ the opinions and batches).
        COUNTY_REVIEW = "county_review", _("县区审核中")
        NOT_RECOMMENDED = "not_recommended", _("县区不予推荐")
        RECOMMENDED = "recommended", _("县区已推荐")
        FORWARDED = "forwarded", _("已上报市级")
        SENT_BACK = "sent_back", _("退回县区")
        EXPERT_REVIEW = "expert_review", _("进入专家评审")
        # The selection's outcome (publicity.designations takes these rows after the publicity period).
        DESIGNATED = "designated", _("已认定")
        NOT_SELECTED = "not_selected", _("未入选")

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="applications")
    category = models.ForeignKey(
        Category, verbose_name=_("申报类别"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        Organisation, verbose_name=_("申报企业"), on_delete=models.PROTECT, related_name="applications"
    )
    # The county-level unit that reviews it: the enterprise's registered region, fixed at submission.
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # The version of the category's form definition the application was started on; it keeps it for good.
    form_version = models.ForeignKey(
        CategoryForm, verbose_name=_("申请书定义版本"), on_delete=models.PROTECT, related_name="applications"
    )
    data = models.JSONField(_("申报书内容"), default=dict, blank=True)
    # Optimistic locking: every save of the draft must name the version it was based on.
    version = models.PositiveIntegerField(_("草稿版本"), default=1)
    declaration_accepted = models.BooleanField(_("已签署承诺书"), default=False)
    receipt_no = models.CharField(_("受理编号"), max_length=40, unique=True, null=True, blank=True)
    digest = models.CharField(_("快照摘要（SHA-256）"), max_length=64, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Which review round the county is in: each submission and each send-back by the city starts a new one, in
    # which both bureaus give their opinion again (reviews.CountyOpinion is unique per round and bureau).
    review_round = models.PositiveIntegerField(_("审核轮次"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("申报书")
        verbose_name_plural = _("申报书")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "category", "enterprise"], name="one_application_per_category_and_enterprise"
            )
        ]

    def __str__(self):
        return self.receipt_no or f"{self.enterprise} · {self.category.name}（{self.get_status_display()}）"

    def save(self, *args, **kwargs):
        # Started on the category's current form version unless one is given (services always give it).
        if self.form_version_id is None and self.category_id is not None:
            self.form_version = CategoryForm.objects.current_for(self.category_id)
        super().save(*args, **kwargs)


def material_path(instance, filename):
    # Never the user's filename on disk: a random name under the application's folder.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class CurrentMaterials(models.Manager):
    """The enterprise's current files: what `application.materials` and `Material.objects` mean everywhere."""

    def get_queryset(self):
        return super().get_queryset().filter(replaced_at__isnull=True)


class Material(models.Model):
    """One uploaded file for one checklist item. Stored privately; served only through a permission check.

    A file listed in the latest submitted snapshot (`submitted`) outlives its replacement or deletion by the
    enterprise (`replaced_at` set, file kept), because county and city staff read what was submitted, not
    the draft that follows a withdrawal or a return.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    item = models.ForeignKey(MaterialItem, verbose_name=_("材料项"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("文件"), upload_to=material_path, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=150)
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    submitted = models.BooleanField(_("列入最近一次提交"), default=False)
    replaced_at = models.DateTimeField(_("被替换或删除的时间"), null=True, blank=True)

    objects = CurrentMaterials()
    all_versions = models.Manager()  # noqa: DJ012 - a second manager, not a field

    class Meta:
        base_manager_name = "all_versions"
        ordering = ["item__sort_order", "uploaded_at", "id"]
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")

    def __str__(self):
        return self.original_name


class Snapshot(models.Model):
    """The frozen, canonical JSON of an application at submission. Tamper-evident by its SHA-256."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField(_("提交版本"))
    canonical_json = models.TextField(_("规范化 JSON"))
    digest = models.CharField(_("SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-version"]
        verbose_name = _("提交快照")
        verbose_name_plural = _("提交快照")
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="one_snapshot_per_version")]

    def __str__(self):
        return f"{self.application_id} v{self.version} {self.digest[:12]}"


class ReceiptCounter(models.Model):
    """Gap-free receipt numbers per (call, category, region): incremented by an UPDATE that locks the row."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "category", "region"], name="one_counter_per_unit")]


from applications.models_flags import ApplicationFlag, FlagKey  # noqa: E402, F401 - the flags' models, kept in their own module
