"""The county's and the city's review: the bureaus' opinions, the city's re-check and the forwarding batch.

An opinion belongs to one submitted version (snapshot) and one review round of the application: each
submission and each send-back by the city starts a round in which both bureaus give their opinion again.
The state of the application itself is `Application.status`, changed only by the workflow's transition().
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region
from applications.models import Application, Snapshot
from programmes.models import Call
from programmes.vocabulary import BUREAUS, CITY_DECISIONS, OPINION_DECISIONS


class CountyOpinion(models.Model):
    """One bureau's opinion (通过 / 退回修改 / 不予推荐) on one version of an application."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="county_opinions")
    snapshot = models.ForeignKey(Snapshot, verbose_name=_("审核的提交版本"), on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField(_("审核轮次"))
    bureau = models.CharField(_("部门"), max_length=16, choices=BUREAUS)
    decision = models.CharField(_("审核意见"), max_length=16, choices=OPINION_DECISIONS)
    comment = models.TextField(_("意见说明"), blank=True)
    checklist = models.JSONField(_("已核查事项"), default=list, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("审核部门"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    class Meta:
        ordering = ["application", "round", "created_at"]
        verbose_name = _("县区审核意见")
        verbose_name_plural = _("县区审核意见")
        constraints = [
            # One opinion per bureau and round: two reviewers of one bureau racing get one opinion and a 409.
            models.UniqueConstraint(fields=["application", "round", "bureau"], name="one_opinion_per_bureau_and_round")
        ]

    def __str__(self):
        return f"{self.application_id} r{self.round} {self.bureau} {self.decision}"


class CityCheck(models.Model):
    """The city's re-check of a forwarded application: to expert review, or back to its county with a reason."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="city_checks")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField(_("审核轮次"))
    decision = models.CharField(_("复核结论"), max_length=16, choices=CITY_DECISIONS)
    comment = models.TextField(_("复核意见"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("复核时间"), auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at"]
        verbose_name = _("市级复核")
        verbose_name_plural = _("市级复核")

    def __str__(self):
        return f"{self.application_id} {self.decision}"


class Batch(models.Model):
    """A county-level unit's forwarding batch (上报批次): recommended applications, the documents, two seals."""

    class State(models.TextChoices):
        ASSEMBLED = "assembled", _("待盖章")
        SEALED = "sealed", _("已盖章")
        FORWARDED = "forwarded", _("已上报")

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("县区"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("文号"), max_length=64)
    # The number's parts (reviews/batches.py batch_number): the year of the letter and the unit's sequence in it.
    year = models.PositiveSmallIntegerField(_("年份"), default=0)
    sequence = models.PositiveIntegerField(_("年度序号"), default=0)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.ASSEMBLED)
    # The manifest: canonical JSON of the applications (receipt numbers, snapshot digests) and the documents'
    # SM3 digests; its own SM3 digest is what the seals sign besides the documents.
    manifest = models.TextField(_("清单"), blank=True)
    manifest_digest = models.CharField(_("清单摘要（SM3）"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("上报时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("上报批次")
        verbose_name_plural = _("上报批次")
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="one_batch_number_per_unit")]

    def __str__(self):
        return self.number


class BatchItem(models.Model):
    """One application in a batch, with the version (snapshot) that was recommended."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="batch_items")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField(_("审核轮次"))
    position = models.PositiveIntegerField(_("序号"))

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("上报批次中的申报书")
        verbose_name_plural = _("上报批次中的申报书")
        constraints = [
            # An application is forwarded once per round (after a send-back it may go in a later batch).
            models.UniqueConstraint(fields=["application", "round"], name="one_batch_per_application_round")
        ]


class BatchSeal(models.Model):
    """One bureau's seal on a batch: its SM2 signatures over the documents and the manifest."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="seals")
    bureau = models.CharField(_("部门"), max_length=16, choices=BUREAUS)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key_id = models.CharField(_("密钥编号"), max_length=32)
    signed_at = models.DateTimeField(_("盖章时间"))

    class Meta:
        ordering = ["batch", "signed_at"]
        verbose_name = _("批次印章")
        verbose_name_plural = _("批次印章")
        constraints = [models.UniqueConstraint(fields=["batch", "bureau"], name="one_seal_per_bureau_and_batch")]


def batch_document_path(instance, filename):
    # A random name under the batch's folder; the download names the file after the batch number.
    return f"batches/{instance.batch_id}/{uuid.uuid4().hex}"


class BatchDocument(models.Model):
    """One generated file of a batch, in one stage: as generated (seals=0), after the first and the second seal.

    The manifest lists the SM3 of the documents as generated; a sealed PDF is that file with each seal appended
    as an incremental update, so its first `size` bytes of the seals=0 row are still the listed ones.
    """

    class Kind(models.TextChoices):
        SUMMARY_XLSX = "summary_xlsx", _("推荐汇总表（Excel）")
        SUMMARY_PDF = "summary_pdf", _("推荐汇总表（PDF）")
        LETTER_PDF = "letter_pdf", _("上报文件（PDF）")
        MANIFEST = "manifest", _("上报清单（JSON）")

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文件"), max_length=16, choices=Kind.choices)
    seals = models.PositiveSmallIntegerField(_("所含印章数"), default=0)
    file = models.FileField(_("文件"), upload_to=batch_document_path, max_length=300)
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    # For the PDFs as generated: where each bureau's stamp goes ({"page": i, "industry": [x, y], "finance": …},
    # millimetres from the lower left corner), found in the rendered layout (reviews/documents.py).
    seal_spots = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["batch", "kind", "seals"]
        verbose_name = _("上报批次文件")
        verbose_name_plural = _("上报批次文件")
        constraints = [models.UniqueConstraint(fields=["batch", "kind", "seals"], name="one_document_per_stage")]

    def __str__(self):
        return f"{self.batch_id} {self.kind} {self.seals}"
