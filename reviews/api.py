"""JSON API of the review: the actions a caller may take, the one transitions endpoint, opinions and history.

Objects the caller may not see are 404 (the application selector); the service answers 403 / 409 / 422.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from applications import selectors as application_selectors
from applications import workflow
from applications.api import (
    FlagParam,
    PageParam,
    SortParam,
    StatusParam,
    application_out,
    application_summary,
    choice_pattern,
    documented_as,
    page_out,
)
from applications.rules import allowed
from programmes.vocabulary import BUREAUS
from reviews import queue, selectors, services

router = Router(tags=["reviews"])
OwesParam = documented_as({"type": "string", "pattern": choice_pattern(BUREAUS.codes)})


class TransitionIn(Schema):
    action: str
    comment: str = ""
    checklist: list[str] = []


def _iso(value):
    return value.isoformat() if value else None


def opinion_out(opinion):
    return {
        "id": opinion.id,
        "round": opinion.round,
        "snapshot_version": opinion.snapshot.version,
        "bureau": opinion.bureau,
        "bureau_label": str(opinion.get_bureau_display()),
        "decision": opinion.decision,
        "decision_label": str(opinion.get_decision_display()),
        "comment": opinion.comment,
        "checklist": opinion.checklist,
        "reviewer": opinion.reviewer.display_name or opinion.reviewer.get_username(),
        "organisation": opinion.organisation.name,
        "created_at": _iso(opinion.created_at),
    }


@router.get("/applications/{application_id}/actions", summary="我现在可以对这份申报书执行的操作")
def actions(request, application_id: int):
    application = application_selectors.application_for(request.user, pk=application_id)
    return [{"action": t.action, "label": str(t.label)} for t in workflow.available(application, request.user)]


@router.post(
    "/applications/{application_id}/transitions",
    summary="执行操作（approve、return、not_recommend、resubmit、send_back、to_experts、withdraw）",
)
def transitions(request, application_id: int, payload: TransitionIn):
    application = application_selectors.application_for(request.user, pk=application_id)
    application = services.take_action(
        application=application,
        action=payload.action,
        actor=request.user,
        comment=payload.comment,
        checklist=payload.checklist,
    )
    return application_out(application, request.user)


@router.get("/applications/{application_id}/opinions", summary="县区两个部门的审核意见（各轮次）")
def opinions(request, application_id: int):
    application = application_selectors.application_for(request.user, pk=application_id)
    if not selectors.is_staff_reader(request.user, application):
        # The enterprise reads the reasons of a return or a refusal in its history, not the bureaus' worksheets.
        return [
            {k: v for k, v in opinion_out(o).items() if k not in {"reviewer", "checklist"}}
            for o in selectors.opinions_of(application)
            if o.decision != "approve"
        ]
    return [opinion_out(o) for o in selectors.opinions_of(application)]


@router.get("/applications/{application_id}/history", summary="申报书的办理过程")
def history(request, application_id: int):
    application = application_selectors.application_for(request.user, pk=application_id)
    return [{**row, "at": _iso(row["at"])} for row in selectors.history_of(request.user, application)]


def queue_row_out(application):
    row = queue.queue_row(application)
    return {**application_summary(application), "owes": list(row.owes), "flag_count": application.flag_count}


@router.get(
    "/review/queue",
    summary="审核列表（县区审核人员：本县区；市级：全市）：GET /applications 的筛选，另加 owes（industry 或 finance："
    "本轮尚未出具意见的部门）；每行另有 owes 与 flag_count",
)
def review_queue(
    request,
    status: StatusParam = "",
    region: str = "",
    category: str = "",
    flag: FlagParam = "",
    owes: OwesParam = "",
    q: str = "",
    sort: SortParam = "",
    page: PageParam = None,
    page_size: PageParam = None,
):
    if not allowed(request.user, "reviews.view_queue"):
        raise PermissionDenied("只有县区审核人员和市级管理员可以查看审核列表。")
    query = queue.parse_queue_query(request.GET, strict=True)
    result, _rows = queue.queue_page(request.user, query, clamp=False)
    return page_out(request, result, query, queue_row_out)
