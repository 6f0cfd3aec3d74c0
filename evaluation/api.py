"""JSON API of the expert review: the pool, panels, an expert's assignments (declaration and score), the
ranking, the rubric and a call's evaluation settings.

An expert's assignments are theirs alone: another expert's (or an unassigned application) is 404. The city's
endpoints answer 403 to anyone else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

import rules
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import WithJsonSchema

from core.errors import DomainError, PermissionDeniedError
from evaluation import pool_xlsx, selectors, selectors_city, services
from evaluation.models import Assignment, Expert, Panel
from notifications.models import Delivery
from programmes.models import Call
from programmes.rubric import ensure_rubric, rubric_locked_reason, rubric_save

router = Router(tags=["evaluation"])


def _iso(value):
    return value.isoformat() if value else None


def _num(value):
    return None if value is None else str(value)


def _city(request, perm):
    if not rules.has_perm(perm, request.user):
        raise PermissionDeniedError(_("只有市级管理员可以执行此操作。"))


def _category(call, code):
    category = call.categories.filter(code=code).first()
    if category is None:
        raise DomainError(_("本批次没有该申报类别。"), field="category")
    return category


# ---------------------------------------------------------------------------------------------- experts


def expert_out(expert: Expert) -> dict:
    return {
        "id": expert.pk,
        "username": expert.user.username,
        "name": expert.user.display_name,
        "mobile": expert.user.mobile,
        "field": expert.field,
        "field_label": str(expert.get_field_display()),
        "employer_name": expert.employer_name,
        "employer_credit_code": expert.employer_credit_code,
        "region": expert.region_id,
        "title": expert.title,
        "contact": expert.contact,
        "declared_relations": expert.declared_relations,
        "active": expert.active,
    }


class ExpertIn(Schema):
    username: str
    display_name: str
    mobile: str | None = None
    password: str | None = None
    field: str
    employer_name: str
    employer_credit_code: str = ""
    region: str | None = None
    title: str = ""
    contact: str = ""
    declared_relations: list[str] = []
    active: bool = True


class ExpertPatch(Schema):
    field: str | None = None
    employer_name: str | None = None
    employer_credit_code: str | None = None
    region: str | None = None
    title: str | None = None
    contact: str | None = None
    declared_relations: list[str] | None = None
    active: bool | None = None


@router.get("/experts", summary="专家库（市级管理员）")
def list_experts(request):
    _city(request, "evaluation.manage_experts")
    return [expert_out(e) for e in selectors.experts_list()]


@router.post("/experts", response={201: Any}, summary="新增专家（市级管理员）")
def create_expert(request, payload: ExpertIn):
    expert = services.expert_create(actor=request.user, data=payload.dict())
    return 201, expert_out(expert)


@router.post("/experts/import", summary="从 Excel 导入专家库（市级管理员；有问题时逐行列出，不导入任何一行）")
def import_experts(request):
    _city(request, "evaluation.manage_experts")
    file = request.FILES.get("file")  # multipart, as the materials' upload
    if file is None:
        raise DomainError(_("请选择要导入的 .xlsx 文件。"), field="file")
    if file.size > 5 * 1024 * 1024:
        raise DomainError(_("文件不能超过 5 MB。"), field="file")
    return services.experts_import(actor=request.user, content=file.read())


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@router.get("/experts/template.xlsx", summary="专家库导入模板（市级管理员）")
def experts_template(request):
    _city(request, "evaluation.manage_experts")
    return _xlsx(pool_xlsx.template_bytes(), "专家库导入模板.xlsx")


@router.get("/experts/export.xlsx", summary="导出专家库（市级管理员）")
def experts_export(request):
    _city(request, "evaluation.manage_experts")
    return _xlsx(pool_xlsx.export_bytes(services.experts_export_rows()), "专家库.xlsx")


@router.patch("/experts/{expert_id}", summary="修改专家信息、停用或启用（市级管理员）")
def update_expert(request, expert_id: int, payload: ExpertPatch):
    _city(request, "evaluation.manage_experts")
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=expert_id)
    return expert_out(
        services.expert_update(actor=request.user, expert=expert, changes=payload.dict(exclude_unset=True))
    )


@router.post(
    "/experts/{expert_id}/password-link",
    summary="为专家生成一次性设置密码链接（市级管理员；同时发送站内消息和邮件，链接只返回这一次）",
)
def expert_password_link(request, expert_id: int):
    _city(request, "evaluation.issue_password_link")
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=expert_id)
    link, sent = services.expert_password_link(actor=request.user, expert=expert)
    return {
        "url": link.url,
        "expires_at": _iso(link.expires_at),
        "reset": link.reset,
        "emailed": any(m.email_state == Delivery.QUEUED for m in sent),
    }


# ---------------------------------------------------------------------------------------------- settings, rubric


def settings_out(settings) -> dict:
    return {
        "anonymise": settings.anonymise,
        "recuse_same_region": settings.recuse_same_region,
        "trim_min_scores": settings.trim_min_scores,
        "outlier_margin": _num(settings.outlier_margin),
        "default_panel_size": settings.default_panel_size,
    }


def _documented(json_schema, python_type):
    # The schema says what services.settings_save accepts; the service checks it with its own messages.
    # null is "no change" (patch_settings leaves it out).
    return Annotated[python_type, WithJsonSchema({"anyOf": [json_schema, {"type": "null"}]})]


TrimParam = _documented({"type": "integer", "minimum": 0, "maximum": 50}, int | None)
MarginParam = _documented({"type": "string", "pattern": rf"^\s*{services.OUTLIER_MARGIN_PATTERN}\s*$"}, str | None)
PanelSizeParam = _documented(
    {"type": "integer", "minimum": services.MIN_PANEL, "maximum": services.MAX_PANEL}, int | None
)


class SettingsPatch(Schema):
    anonymise: bool | None = None
    recuse_same_region: bool | None = None
    trim_min_scores: TrimParam = None
    outlier_margin: MarginParam = None
    default_panel_size: PanelSizeParam = None


@router.get("/calls/{call_id}/evaluation-settings", summary="批次的评审设置（市级管理员）")
def get_settings(request, call_id: int):
    _city(request, "evaluation.change_settings")
    return settings_out(selectors.settings_for(get_object_or_404(Call, pk=call_id)))


@router.patch("/calls/{call_id}/evaluation-settings", summary="修改评审设置（市级管理员）")
def patch_settings(request, call_id: int, payload: SettingsPatch):
    call = get_object_or_404(Call, pk=call_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return settings_out(services.settings_save(actor=request.user, call=call, changes=changes))


def criterion_out(c) -> dict:
    return {
        "code": c.code,
        "title": c.title,
        "max_points": services.points_text(c.max_points),
        "step": services.points_text(c.step),
        "guidance": c.guidance,
    }


def rubric_out(category) -> dict:
    rubric = ensure_rubric(category)
    criteria = list(rubric.criteria.all())
    return {
        "category": category.code,
        "criteria": [criterion_out(c) for c in criteria],
        "total_points": services.points_text(sum((c.max_points for c in criteria), Decimal("0"))),
        "locked": rubric.locked_at is not None,
        "locked_reason": rubric_locked_reason(rubric),
    }


class RubricIn(Schema):
    criteria: list[dict[str, Any]]


@router.get("/calls/{call_id}/rubric", summary="评分标准（各类别）")
def get_rubric(request, call_id: int):
    if not (
        rules.has_perm("programmes.change_call", request.user)
        or rules.has_perm("evaluation.view_ranking", request.user)
    ):
        raise PermissionDeniedError(_("只有市级管理员可以执行此操作。"))
    call = get_object_or_404(Call, pk=call_id)
    return [rubric_out(c) for c in call.categories.all()]


@router.put("/calls/{call_id}/rubric/{code}", summary="修改某一类别的评分标准（开始评分之前，市级管理员）")
def put_rubric(request, call_id: int, code: str, payload: RubricIn):
    call = get_object_or_404(Call, pk=call_id)
    category = _category(call, code)
    rubric_save(category=category, criteria=payload.criteria, actor=request.user)
    return rubric_out(category)


# ---------------------------------------------------------------------------------------------- panels


class PanelIn(Schema):
    category: str
    size: int | None = None
    seed: int | None = None
    # Discard the category's panel and draw anew (while nobody has declared or scored), with a written reason.
    redraw: bool = False
    reason: str = ""


def panel_out(panel) -> dict:
    assignments = panel.assignments.select_related("expert__user", "application").order_by("application_id", "position")
    return {
        "id": panel.pk,
        "call": panel.call_id,
        "category": panel.category.code,
        "size": panel.size,
        "seed": str(panel.seed),  # a string: JavaScript numbers lose digits past 2^53
        "rules": panel.rules,
        "drawn_at": _iso(panel.drawn_at),
        "drawn_by": panel.drawn_by.get_username(),
        "redraw_refusal": selectors_city.panel_redraw_refusal(panel),
        "assignments": [
            {
                "id": a.pk,
                "application": a.application_id,
                "receipt_no": a.application.receipt_no,
                "expert": a.expert_id,
                "expert_name": str(a.expert),
                "position": a.position,
                "state": a.state,
                "state_label": str(a.get_state_display()),
                "replaces": a.replaces_id,
            }
            for a in assignments
        ],
    }


@router.post(
    "/calls/{call_id}/panels",
    response={201: Any},
    summary="抽取评审专家（市级管理员；返回随机种子）；redraw: true 并写明 reason 时重新抽取（尚无专家声明或评分时）",
)
def draw_panel(request, call_id: int, payload: PanelIn):
    call = get_object_or_404(Call, pk=call_id)
    _city(request, "evaluation.draw_panel")
    category = _category(call, payload.category)
    existing = Panel.objects.filter(call=call, category=category).first() if payload.redraw else None
    if existing is not None:
        panel = services.panel_redraw(
            actor=request.user, panel=existing, reason=payload.reason, size=payload.size, seed=payload.seed
        )
    else:  # without "redraw" a drawn category is 409, as before; with it and no panel yet, the first draw
        panel = services.panel_draw(
            actor=request.user, call=call, category=category, size=payload.size, seed=payload.seed
        )
    return 201, panel_out(panel)


@router.post(
    "/calls/{call_id}/panels/{code}/extend", summary="为抽取后新进入专家评审的申报书抽取专家（同一顺序，市级管理员）"
)
def extend_panel(request, call_id: int, code: str):
    _city(request, "evaluation.draw_panel")
    call = get_object_or_404(Call, pk=call_id)
    panel = get_object_or_404(Panel, call=call, category=_category(call, code))
    services.panel_extend(actor=request.user, panel=panel)
    return panel_out(panel)


@router.get("/calls/{call_id}/panels", summary="本批次的专家组（市级管理员）")
def list_panels(request, call_id: int):
    _city(request, "evaluation.draw_panel")
    call = get_object_or_404(Call, pk=call_id)
    return [panel_out(p) for p in selectors.panels_of(call)]


# ---------------------------------------------------------------------------------------------- assignments


def score_out(score) -> dict | None:
    if score is None:
        return None
    return {
        "scores": score.scores,
        "total": _num(score.total),
        "comment": score.comment,
        "submitted_at": _iso(score.submitted_at),
        "locked": score.locked,
    }


def assignment_summary(a) -> dict:
    score = getattr(a, "score", None) if hasattr(a, "score") else None
    return {
        "id": a.pk,
        "call": a.application.call.title,
        "category": a.application.category.code,
        "category_name": a.application.category.name,
        "receipt_no": a.application.receipt_no,
        "state": a.state,
        "state_label": str(a.get_state_display()),
        "declared_at": _iso(a.declared_at),
        "submitted_at": _iso(score.submitted_at) if score else None,
    }


@router.get("/assignments", summary="我的评审任务（评审专家）")
def list_assignments(request):
    return [assignment_summary(a) for a in selectors.assignments_of(request.user)]


def assignment_detail(assignment) -> dict:
    settings = selectors.settings_for(assignment.application.call)
    return {
        **assignment_summary(assignment),
        "commitment": _(services.COMMITMENT_TEXT),
        "confidentiality_signed_at": _iso(assignment.confidentiality_signed_at),
        "criteria": [criterion_out(c) for c in selectors.criteria_of(assignment.application.category)],
        "application": selectors.application_for_expert(assignment, anonymise=settings.anonymise),
        "score": score_out(selectors.own_score(assignment)),
    }


@router.get("/assignments/{assignment_id}", summary="评审任务：评分标准和申报书（声明之后）")
def get_assignment(request, assignment_id: int):
    return assignment_detail(selectors.assignment_for(request.user, pk=assignment_id))


class DeclarationIn(Schema):
    conflict: bool
    note: str = ""


@router.post("/assignments/{assignment_id}/declaration", summary="利益冲突声明与保密承诺")
def declare(request, assignment_id: int, payload: DeclarationIn):
    assignment = selectors.assignment_for(request.user, pk=assignment_id)
    assignment = services.assignment_declare(
        actor=request.user, assignment=assignment, conflict=payload.conflict, note=payload.note
    )
    return assignment_detail(selectors.assignment_for(request.user, pk=assignment.pk))


class ScoreIn(Schema):
    scores: dict[str, Any]
    comment: str = ""
    submit: bool = False


@router.put("/assignments/{assignment_id}/score", summary="保存或提交评分")
def put_score(request, assignment_id: int, payload: ScoreIn):
    assignment = selectors.assignment_for(request.user, pk=assignment_id)
    services.score_save(
        actor=request.user, assignment=assignment, scores=payload.scores, comment=payload.comment, submit=payload.submit
    )
    return assignment_detail(selectors.assignment_for(request.user, pk=assignment.pk))


class ReopenIn(Schema):
    reason: str


@router.post("/assignments/{assignment_id}/reopen", summary="退回已提交的评分供专家修改（市级管理员）")
def reopen(request, assignment_id: int, payload: ReopenIn):
    _city(request, "evaluation.reopen_score")
    assignment = get_object_or_404(Assignment, pk=assignment_id)
    score = services.score_reopen(actor=request.user, assignment=assignment, reason=payload.reason)
    return {"id": assignment.pk, "state": "declared", "score": score_out(score)}


# ---------------------------------------------------------------------------------------------- ranking


def ranking_out(result) -> dict:
    panel = result["panel"]
    rows = []
    for row in result["rows"]:
        agg, application = row["aggregate"], row["application"]
        rows.append(
            {
                "position": row["position"],
                "application": application["id"],
                "receipt_no": application["receipt_no"],
                "enterprise": application["enterprise"],
                "mean": _num(selectors.aggregation.q(agg.mean)),
                "trimmed_mean": _num(selectors.aggregation.q(agg.trimmed_mean)),
                "spread": _num(agg.spread),
                "totals": [_num(t) for t in agg.totals],
                "outliers": list(agg.outliers),
                "submitted": row["submitted"],
                "panel_size": row["panel_size"],
                "complete": row["complete"],
            }
        )
    return {
        "panel": None if panel is None else {"id": panel.pk, "size": panel.size, "seed": str(panel.seed)},
        "complete": result["complete"],
        "concordance": None
        if result["concordance"] is None
        else {**result["concordance"], "w": _num(result["concordance"]["w"])},
        "rows": rows,
    }


@router.get("/calls/{call_id}/ranking", summary="专家评审排名（市级管理员）")
def get_ranking(request, call_id: int, category: str):
    _city(request, "evaluation.view_ranking")
    call = get_object_or_404(Call, pk=call_id)
    return ranking_out(selectors.ranking(call, _category(call, category)))


# ---------------------------------------------------------------------------------------------- the selection


def selection_out(result) -> dict:
    def entry_out(entry):
        row = entry["row"]
        agg = row["aggregate"] if row else None
        return {
            "application": entry["application"],
            "receipt_no": row["application"]["receipt_no"] if row else None,
            "enterprise": row["application"]["enterprise"] if row else None,
            "position": row["position"] if row else None,
            "trimmed_mean": _num(selectors.aggregation.q(agg.trimmed_mean)) if agg else None,
            "by": entry["by"],
            "reason": entry["reason"],
        }

    return {
        "quota": result["quota"],
        "over_quota": result["over_quota"],
        "ranking_complete": result["ranking_complete"],
        "entries": [entry_out(e) for e in result["entries"]],
        "changes": [
            {
                "application": c.application_id,
                "include": c.include,
                "reason": c.reason,
                "by": c.actor.get_username(),
                "at": _iso(c.created_at),
            }
            for c in result["changes"]
        ],
    }


class QuotaIn(Schema):
    category: str
    quota: int


class SelectionChangeIn(Schema):
    category: str
    application: int
    include: bool
    reason: str = ""


@router.get("/calls/{call_id}/selection", summary="拟入选名单：排名前列（名额内）及市级调整（市级管理员）")
def get_selection(request, call_id: int, category: str):
    _city(request, "evaluation.manage_selection")
    call = get_object_or_404(Call, pk=call_id)
    return selection_out(selectors.proposed_selection(call, _category(call, category)))


@router.put("/calls/{call_id}/selection", summary="设定拟入选名额（市级管理员）")
def put_quota(request, call_id: int, payload: QuotaIn):
    call = get_object_or_404(Call, pk=call_id)
    category = _category(call, payload.category)
    services.selection_quota(actor=request.user, call=call, category=category, quota=payload.quota)
    return selection_out(selectors.proposed_selection(call, category))


@router.post("/calls/{call_id}/selection/changes", summary="调整拟入选名单（须写明理由，市级管理员）")
def post_selection_change(request, call_id: int, payload: SelectionChangeIn):
    call = get_object_or_404(Call, pk=call_id)
    category = _category(call, payload.category)
    services.selection_change(
        actor=request.user,
        call=call,
        category=category,
        application_id=payload.application,
        include=payload.include,
        reason=payload.reason,
    )
    return selection_out(selectors.proposed_selection(call, category))
