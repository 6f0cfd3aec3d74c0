"""The publicity (公示) of a proposed selection, the objections lodged during it, and the designation (认定) that
follows the period.

A `Publicity` shows, per call and category, the entries the city proposes (from evaluation's proposed selection);
anyone may object during the period, in writing, with real name and mobile (anonymous objections are refused,
domain.md §6). An upheld objection removes the entry (removed_at + reason), never deletes the row, so the page and
the audit keep what was published. `Designation` is the final outcome per application (publicity's designation
logic lives with the designation services; later fields come in later migrations).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from programmes.models import Call, Category
from programmes.vocabulary import DESIGNATION_KINDS


class Publicity(models.Model):
    """One 公示 of one call and category: the period (ends_on inclusive) and whom to call about it."""

    class State(models.TextChoices):
        PUBLISHED = "published", _("公示中")
        CLOSED = "closed", _("公示结束")
        WITHDRAWN = "withdrawn", _("已撤回")

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("申报类别"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("公示开始日期"))
    # Computed from starts_on, days and working_days (publicity.period.end_of); inclusive: the last day of objections.
    ends_on = models.DateField(_("公示截止日期"))
    days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    working_days = models.BooleanField(_("按工作日计算"), default=False)
    supervision_phone = models.CharField(_("监督电话"), max_length=32)
    supervision_contact = models.CharField(_("联系人"), max_length=64)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PUBLISHED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self):
        return f"{self.category} {self.starts_on}–{self.ends_on}"


class PublicityEntry(models.Model):
    """One application on the published list, with the facts shown publicly copied at publication."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="publicity_entries")
    position = models.PositiveIntegerField(_("序号"))
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    enterprise_name = models.CharField(_("企业名称"), max_length=128)
    category_name = models.CharField(_("申报类别"), max_length=128)
    summary = models.CharField(_("项目名称或概述"), max_length=300, blank=True)
    removed_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    removal_reason = models.TextField(_("撤下原因"), blank=True)
    adjusted_note = models.TextField(_("调整说明"), blank=True)

    class Meta:
        ordering = ["publicity", "position"]
        verbose_name = _("公示条目")
        verbose_name_plural = _("公示条目")
        constraints = [
            models.UniqueConstraint(fields=["publicity", "application"], name="one_entry_per_application"),
        ]

    def __str__(self):
        return self.enterprise_name


def objection_token():
    return uuid.uuid4().hex


class Objection(models.Model):
    """A real-name objection (异议) to one entry, lodged during the period; the city upholds or dismisses it."""

    class State(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    publicity = models.ForeignKey(Publicity, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(
        PublicityEntry, verbose_name=_("异议对象"), on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("姓名"), max_length=64)
    mobile = models.CharField(_("手机号码"), max_length=11)
    grounds = models.TextField(_("异议事由"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    reply = models.TextField(_("答复"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    # The objector's key to the status page (/publicity/objections/<token>/); shown once and sent by SMS.
    token = models.CharField(max_length=32, unique=True, default=objection_token, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self):
        return f"{self.name} → {self.entry}"


def objection_file_path(instance, filename):
    # Never the objector's filename on disk: a random name under the publicity's folder.
    return f"publicity/{instance.objection.publicity_id}/{uuid.uuid4().hex}"


class ObjectionFile(models.Model):
    """Evidence attached to an objection; in the default (private) storage, read only by the city."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=objection_file_path, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=150)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=60)

    class Meta:
        ordering = ["id"]
        verbose_name = _("异议证据")
        verbose_name_plural = _("异议证据")

    def __str__(self):
        return self.original_name


def certificate_path(instance, filename):
    return f"designations/{instance.call_id}/{uuid.uuid4().hex}.pdf"


class Designation(models.Model):
    """The final outcome (认定) of one application after the publicity: its kind, number and sealed certificate."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="designation")
    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("申报类别"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("认定类型"), max_length=32, choices=DESIGNATION_KINDS)
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("认定时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    certificate = models.FileField(_("证书"), upload_to=certificate_path, max_length=300, blank=True)
    certificate_sm3 = models.CharField(_("证书 SM3 摘要"), max_length=64, blank=True)

    class Meta:
        ordering = ["call", "category", "number"]
        verbose_name = _("认定")
        verbose_name_plural = _("认定")

    def __str__(self):
        return self.number
