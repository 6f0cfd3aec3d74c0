"""The expert review (专家评审): the pool of experts, the panels drawn per call and category, each expert's
assignment to one application, and the score an expert gives against the category's rubric
(programmes.Rubric).

An application enters here in `expert_review` (the city's `to_experts`). The draw itself is pure
(evaluation/draw.py, reproducible from the seed and the recorded pool); recusal rules are evaluation/recusal.py.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from applications.models import Application
from programmes.models import Call, Category
from programmes.vocabulary import EXPERT_FIELDS


class EvaluationSettings(models.Model):
    """How one call is evaluated; a call without a row uses the defaults below (selectors.settings_for)."""

    call = models.OneToOneField(Call, verbose_name=_("申报批次"), on_delete=models.CASCADE, related_name="+")
    anonymise = models.BooleanField(
        _("匿名评审"), default=True, help_text=_("专家看不到企业名称、信用代码、人员姓名和附件文件名")
    )
    recuse_same_region = models.BooleanField(_("同一县区的专家回避"), default=False)
    # Drop the highest and the lowest total when at least this many experts scored (0: never drop).
    trim_min_scores = models.PositiveSmallIntegerField(_("去掉最高分和最低分的最少评分人数"), default=5)
    outlier_margin = models.DecimalField(
        _("偏离提示阈值（分）"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("15.00"),
        help_text=_("某位专家的总分与其他专家平均分相差超过此值时提示"),
    )
    default_panel_size = models.PositiveSmallIntegerField(_("默认专家组人数"), default=5)

    class Meta:
        verbose_name = _("评审设置")
        verbose_name_plural = _("评审设置")


class Expert(models.Model):
    """One expert of the pool, with what recusal needs: the employer (by credit code where known) and region."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert")
    field = models.CharField(_("专业领域"), max_length=32, choices=EXPERT_FIELDS)
    employer_name = models.CharField(_("工作单位"), max_length=128)
    employer_credit_code = models.CharField(_("工作单位统一社会信用代码"), max_length=18, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所在县区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("职称"), max_length=64, blank=True)
    contact = models.CharField(_("联系方式"), max_length=64, blank=True)
    # Enterprises (credit codes or names) the expert declared a relation with: worked for or advised within three
    # years, a relative working there, litigation (财库〔2016〕198号); recusal.py's declared_relation rule reads it.
    declared_relations = models.JSONField(_("申报的利害关系单位"), default=list, blank=True)
    active = models.BooleanField(_("在库"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")

    def __str__(self):
        return self.user.display_name or self.user.get_username()


class Panel(models.Model):
    """The draw for one call and category: its seed and the inputs it was drawn from, so it can be reproduced."""

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("申报类别"), on_delete=models.PROTECT, related_name="+")
    size = models.PositiveSmallIntegerField(_("每份申报书的专家人数"), default=5)
    seed = models.BigIntegerField(_("随机种子"))
    # The draw's inputs and its order: the eligible experts' ids (sorted), the applications' ids (sorted), the
    # recusal rules applied, and the experts in the order the seed shuffled them (replacements come from it).
    pool = models.JSONField(_("候选专家"), default=list)
    applications = models.JSONField(_("参评申报书"), default=list)
    rules = models.JSONField(_("回避规则"), default=list)
    order = models.JSONField(_("抽取顺序"), default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        ordering = ["call", "category", "-drawn_at"]
        verbose_name = _("专家组")
        verbose_name_plural = _("专家组")
        constraints = [models.UniqueConstraint(fields=["call", "category"], name="one_panel_per_call_and_category")]

    def __str__(self):
        return f"{self.category} #{self.seed}"


class Assignment(models.Model):
    """One expert asked to score one application."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("待声明")
        DECLARED = "declared", _("评审中")
        CONFLICT = "conflict", _("已回避")
        SCORED = "scored", _("已提交评分")

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveIntegerField(_("抽取顺序"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.ASSIGNED)
    declared_at = models.DateTimeField(_("声明时间"), null=True, blank=True)
    confidentiality_signed_at = models.DateTimeField(_("签署保密承诺时间"), null=True, blank=True)
    declaration_note = models.TextField(_("声明说明"), blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("替换的回避专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "position"]
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        constraints = [
            # An expert who stepped aside is never drawn again for the same application.
            models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert_and_application")
        ]
        indexes = [models.Index(fields=["expert", "state"], name="assignment_expert_state")]

    def __str__(self):
        return f"{self.application_id} · {self.expert_id} ({self.state})"


class Score(models.Model):
    """An expert's score of one application: points per criterion code (decimal strings), revised until
    submitted, then locked; the city may reopen it with an audited reason."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="score")
    scores = models.JSONField(_("各项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    locked = models.BooleanField(_("已锁定"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")

    def __str__(self):
        return f"{self.assignment_id}: {self.total}"


class Selection(models.Model):
    """The quota of a category and, from the ranking, the proposed selection (selectors.proposed_selection): the
    top of the ranking within the quota, then the city's changes, each with its written reason."""

    call = models.ForeignKey(Call, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("申报类别"), on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveSmallIntegerField(_("拟入选名额"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("拟入选名单")
        verbose_name_plural = _("拟入选名单")
        constraints = [models.UniqueConstraint(fields=["call", "category"], name="one_selection_per_call_and_category")]


class SelectionChange(models.Model):
    """The city adds an application to the proposed selection or removes one, with a reason (shown on the record)."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="changes")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    include = models.BooleanField(_("列入"))
    reason = models.TextField(_("理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["selection", "created_at", "id"]
        verbose_name = _("拟入选名单调整")
        verbose_name_plural = _("拟入选名单调整")
