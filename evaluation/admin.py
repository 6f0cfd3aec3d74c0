"""Read-only admin of the expert review: pool, panels, assignments and scores are written by services (audited),
the rubric by programmes.rubric.rubric_save (locked once scoring starts)."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from evaluation.models import Assignment, EvaluationSettings, Expert, Panel, Score
from programmes.models_rubric import Criterion, Rubric


@admin.register(Expert)
class ExpertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "field", "employer_name", "employer_credit_code", "region", "title", "active"]
    list_filter = ["field", "active", "region"]
    search_fields = ["user__username", "user__display_name", "employer_name", "employer_credit_code"]


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["call", "anonymise", "recuse_same_region", "trim_min_scores", "outlier_margin"]


class AssignmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Assignment
    fields = ["application", "expert", "position", "state", "declared_at", "replaces"]
    readonly_fields = fields
    extra = 0


@admin.register(Panel)
class PanelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["call", "category", "size", "seed", "drawn_by", "drawn_at"]
    list_filter = ["call"]
    inlines = [AssignmentInline]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["assignment", "total", "submitted_at", "locked"]
    list_filter = ["locked"]


class CriterionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Criterion
    fields = ["sort_order", "code", "title", "max_points", "step", "guidance"]
    readonly_fields = fields
    extra = 0


@admin.register(Rubric)
class RubricAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["category", "locked_at", "updated_at"]
    inlines = [CriterionInline]
