"""The scoring rubric of a category (评分标准): criteria with their maximum points, as data of the call.

A later call changes its rubric in data. The city edits it until scoring starts: the evaluation app stamps
`Rubric.locked_at` in the transaction that saves the first score, and `programmes.rubric.rubric_save` answers
409 from then on, so every score of a category was given against the same criteria.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rubric(models.Model):
    category = models.OneToOneField(
        "programmes.Category", verbose_name=_("申报类别"), on_delete=models.CASCADE, related_name="rubric"
    )
    locked_at = models.DateTimeField(_("开始评分时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分标准")
        verbose_name_plural = _("评分标准")

    def __str__(self):
        return str(self.category)

    @property
    def total_points(self) -> Decimal:
        return sum((c.max_points for c in self.criteria.all()), Decimal("0"))


class Criterion(models.Model):
    """One scoring criterion: an expert gives 0…max_points in multiples of `step`."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("代码"), max_length=40)
    title = models.CharField(_("评分项"), max_length=200)
    max_points = models.DecimalField(_("满分"), max_digits=6, decimal_places=2)
    step = models.DecimalField(_("计分步长"), max_digits=4, decimal_places=2, default=Decimal("0.5"))
    guidance = models.TextField(_("评分说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric", "sort_order", "id"]
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="one_criterion_code_per_rubric"),
            models.CheckConstraint(condition=models.Q(max_points__gt=0), name="criterion_max_points_positive"),
            models.CheckConstraint(condition=models.Q(step__gt=0), name="criterion_step_positive"),
        ]

    def __str__(self):
        return self.title
