"""JSON API of applications (materials upload/delete live in api_materials.py).

Handlers only parse, call one service or selector and shape the answer. Objects the caller may not see are
404, as if they did not exist.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Header, Router, Schema
from ninja.errors import HttpError
from pydantic import WithJsonSchema

from applications import forms, listing, selectors, services, workflow
from applications.materials.selectors import materials_missing, materials_visible_to
from applications.models import Application
from applications.pdf_cache import get_or_render_pdf
from core.api_errors import json_response
from core.errors import DomainError
from core.prefer import prefers_minimal
from programmes.models import Category
from programmes.selectors import calls_public

router = Router(tags=["applications"])


class CreateIn(Schema):
    call: int
    category: str


class PatchIn(Schema):
    data: dict[str, Any]  # a JSON merge patch (RFC 7396) of the form data
    version: int


class SubmitIn(Schema):
    declaration: bool = False


class WithdrawIn(Schema):
    comment: str = ""


def _iso(value):
    return value.isoformat() if value else None


def application_summary(application):
    return {
        "id": application.id,
        "call": {"id": application.call_id, "code": application.call.code, "title": application.call.title},
        "category": {"code": application.category.code, "name": application.category.name},
        "enterprise": {"id": application.enterprise_id, "name": application.enterprise.name},
        "region": {"code": application.region_id, "name": application.region.name} if application.region_id else None,
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "receipt_no": application.receipt_no,
        "digest": application.digest or None,
        "version": application.version,
        "submitted_at": _iso(application.submitted_at),
        "updated_at": _iso(application.updated_at),
    }


def material_out(m):
    return {
        "id": m.id,
        "item": m.item.code,
        "item_name": m.item.name,
        "filename": m.original_name,
        "content_type": m.content_type,
        "size": m.size,
        "sha256": m.sha256,
        "uploaded_at": _iso(m.uploaded_at),
    }


def application_out(application, user, *, errors=None):
    # Live for the enterprise while editable; the latest snapshot (form, figures, verdict, files) otherwise.
    reading = selectors.application_reading(user, application=application)
    is_open, seconds = selectors.time_left(application.call)
    out = application_summary(application)
    out.update(
        {
            "editable": selectors.is_editable(application),
            "data": reading["data"],
            "derived": reading["figures"],
            "eligibility": reading["eligibility"],
            "materials": [material_out(m) for m in materials_visible_to(user, application=application)],
            "materials_missing": [] if reading["frozen"] else [item.code for item in materials_missing(application)],
            "snapshot_version": reading["snapshot_version"],
            "verify_url": f"/verify/{application.digest}" if application.digest else None,
            "call_open": is_open,
            "seconds_to_deadline": seconds,
            "actions": [t.action for t in workflow.available(application, user)],
            "declaration_text": services.DECLARATION_TEXT,
        }
    )
    if errors is not None:
        out["errors"] = errors
    return out


@router.get(
    "/calls/{call_id}/categories/{code}/form-schema",
    auth=None,
    summary="申请书的 JSON Schema（表单、接口与校验共用同一定义）",
)
def form_schema(request, call_id: int, code: str):
    call = get_object_or_404(calls_public(), pk=call_id)
    category = get_object_or_404(Category.objects.select_related("call"), call=call, code=code)
    try:
        version = forms.lookup.current_version(category)
    except LookupError as exc:
        raise HttpError(404, "该类别没有申请书定义。") from exc
    schema = forms.json_schema(forms.definition_for_version(version, year=call.year), call=call)
    schema["x-form-version"] = version.version
    return schema


def choice_pattern(codes, *, many=False, strip=True):
    """The pattern of a filter parameter that takes one of `codes` (or several, comma-separated), or nothing:
    the OpenAPI document then says which values the list accepts (listing.parse_query answers 422 to others)."""
    space = r"\s*" if strip else ""
    item = space + "(" + "|".join(re.escape(c) for c in sorted(codes)) + ")?" + space
    return f"^{item}(,{item})*$" if many else f"^{item}$"


def documented_as(json_schema, python_type=str):
    """A parameter type whose OpenAPI schema says what the handler accepts; the handler still validates it
    (with its own Chinese messages), the schema is documentation only."""
    return Annotated[python_type, WithJsonSchema(json_schema)]


StatusParam = documented_as({"type": "string", "pattern": choice_pattern(Application.Status.values, many=True)})
FlagParam = documented_as({"type": "string", "pattern": choice_pattern([listing.FLAG_ANY, *listing.FLAG_KINDS.codes])})
SortParam = documented_as({"type": "string", "pattern": choice_pattern(listing.SORTS, strip=False)})
PageParam = documented_as({"type": "integer", "minimum": 1}, int | None)


def page_out(request, page, query, row):
    """One page of a list: {"count", "page", "page_size", "next", "previous", "results"}; next/previous are
    this endpoint's URL with every filter kept (null at the ends)."""
    links = listing.page_links(page, query)
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "next": request.build_absolute_uri(f"{request.path}?{links['next']}") if links["next"] else None,
        "previous": request.build_absolute_uri(f"{request.path}?{links['previous']}") if links["previous"] else None,
        "results": [row(a) for a in page.items],
    }


@router.get(
    "/applications",
    summary="我可以查看的申报书（分页；status 可逗号分隔多个，region 为县区代码，category 为类别代码，"
    "flag 为疑点类型或 any，q 搜索企业名称、信用代码、受理编号，sort 为 submitted_at、-submitted_at、name、"
    "receipt_no、status）",
)
def list_applications(
    request,
    status: StatusParam = "",
    region: str = "",
    category: str = "",
    flag: FlagParam = "",
    q: str = "",
    sort: SortParam = "",
    page: PageParam = None,
    page_size: PageParam = None,
):
    query = listing.parse_query(request.GET, strict=True)
    visible = selectors.applications_visible_to(request.user)
    result = listing.paginate(listing.filter_applications(visible, query), query)
    return page_out(request, result, query, application_summary)


@router.post("/applications", response={201: dict}, summary="新建申报书（草稿）")
def create_application(request, payload: CreateIn):
    call = calls_public().filter(pk=payload.call).first()
    if call is None:
        raise DomainError("申报批次不存在。", field="call")
    category = call.categories.filter(code=payload.category).first()
    if category is None:
        codes = "、".join(call.categories.values_list("code", flat=True))
        raise DomainError(f"该批次没有类别“{payload.category}”，可选：{codes}。", field="category")
    application = services.application_create(call=call, category=category, actor=request.user)
    body = application_out(application, request.user)
    response = json_response(body, status=201)
    response["Location"] = reverse("api:get_application", args=[application.id])
    return response


@router.get("/applications/{application_id}", url_name="get_application", summary="申报书详情")
def get_application(request, application_id: int):
    return application_out(selectors.application_for(request.user, pk=application_id), request.user)


@router.patch(
    "/applications/{application_id}",
    summary="保存草稿（data 为 JSON Merge Patch：发送的键替换，null 删除，未发送的键不变；version 过期返回 409）",
    description=(
        "默认返回完整的申报书（与 GET 相同）。自动保存的客户端可发送请求头 `Prefer: return=minimal`（RFC 7240），"
        "只取回 `id`、`status`、`version`、`saved`、`saved_at`、`updated_at` 与 `errors`，"
        "应答带 `Preference-Applied: return=minimal`；需要时再 GET 完整内容。"
    ),
)
def patch_application(
    request,
    application_id: int,
    payload: PatchIn,
    prefer: Header[str] = "",  # the `Prefer` header (RFC 7240)
):
    minimal = prefers_minimal(prefer)
    find = selectors.application_to_save if minimal else selectors.application_for
    application = find(request.user, pk=application_id)
    application, errors = services.application_patch_draft(
        application=application, patch=payload.data, version=payload.version, actor=request.user
    )
    if errors:
        # The draft IS saved (nothing typed is lost); the errors say what must be corrected before submission.
        response = json_response(saved_answer(application, errors), status=422)
    elif minimal:
        # An autosave needs only the new version to send with its next save (the deadline rush's commonest
        # request: the full answer re-reads the profile, the files and the eligibility each time).
        response = json_response(saved_answer(application, []))
    else:
        return application_out(application, request.user, errors=[])
    if minimal:
        response["Preference-Applied"] = "return=minimal"
    return response


def saved_answer(application, errors):
    """The short answer of a save: enough to go on saving (and, on 422, to show what is still to correct)."""
    return {
        "id": application.id,
        "status": application.status,
        "errors": errors,
        "saved": True,
        "version": application.version,
        "saved_at": _iso(application.updated_at),
        "updated_at": _iso(application.updated_at),
    }


@router.post("/applications/{application_id}/submit", summary="提交申报（截止后 409；缺项 422 一次列出）")
def submit_application(request, application_id: int, payload: SubmitIn):
    application = selectors.application_for(request.user, pk=application_id)
    application = services.application_submit(
        application=application, actor=request.user, declaration=payload.declaration
    )
    out = application_out(application, request.user)
    return out


@router.post("/applications/{application_id}/withdraw", summary="撤回申报（县级审核开始前）")
def withdraw_application(request, application_id: int, payload: WithdrawIn | None = None):
    application = selectors.application_for(request.user, pk=application_id)
    application = services.application_withdraw(
        application=application, actor=request.user, comment=(payload.comment if payload else "")
    )
    return application_out(application, request.user)


@router.get("/applications/{application_id}/pdf", summary="申请书 PDF（提交后，按摘要缓存）")
def application_pdf(request, application_id: int):
    application = selectors.application_for(request.user, pk=application_id)
    pdf = get_or_render_pdf(application)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{application.receipt_no}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Generated-At"] = timezone.now().isoformat()
    return response
