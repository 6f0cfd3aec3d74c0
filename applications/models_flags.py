"""Automatic flags on submitted applications (issue 9 item 4): computed by applications/flags.py from what was
submitted, replaced for a whole call at once; the reviewers see them on the detail page and filter the queue by them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.vocabulary import FLAG_KINDS


class ApplicationFlag(models.Model):
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("申报书"), on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(_("提示类型"), max_length=32, choices=FLAG_KINDS)
    # Why, in Chinese, without the other enterprise's name (the name is shown only to those who may see it).
    message = models.TextField(_("说明"))
    # The other application of a pair (same invoice, same file, the other category), when there is one.
    other_application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("相关申报书"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    details = models.JSONField(_("详情"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("自动提示")
        verbose_name_plural = _("自动提示")
        indexes = [models.Index(fields=["kind", "application"], name="flag_kind_application")]

    def __str__(self):
        return f"{self.application_id} · {self.get_kind_display()}"


class FlagKey(models.Model):
    """What two submitted applications of a call may share — a normalised invoice number, a file's SHA-256 —
    one row per application and value, so that a submission finds the applications it shares one with in an
    indexed query instead of reading every snapshot of the call (applications/flags.py keeps it current)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("发票号码")
        SHA256 = "sha256", _("文件 SHA-256")

    call = models.ForeignKey("programmes.Call", on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=80)
    label = models.CharField(max_length=150, blank=True)  # as submitted: the invoice number typed, the file's name

    class Meta:
        indexes = [models.Index(fields=["call", "kind", "value"], name="flagkey_call_kind_value")]
