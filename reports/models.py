"""The figures the dashboards add up, one narrow row per application, taken from its latest snapshot.

A snapshot is frozen, so its derived figures never change: they are copied here once when the snapshot is
written (reports/signals.py), instead of parsing every snapshot's canonical JSON (kilobytes each) on every
dashboard request. The dashboards then sum indexed decimal columns in one query whatever the number of
applications.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application


class ApplicationFigures(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="report_figures", primary_key=True
    )
    snapshot_version = models.PositiveIntegerField(_("提交版本"))
    investment_yuan = models.DecimalField(_("投资总额（元）"), max_digits=16, decimal_places=2, null=True)
    rd_investment_yuan = models.DecimalField(_("研发投入（元）"), max_digits=16, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("申报书统计数字")
        verbose_name_plural = _("申报书统计数字")
