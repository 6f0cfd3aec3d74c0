from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from pydantic import ConfigDict

from programmes.models import Call
from programmes.selectors import calls_public, notices_public
from programmes.services import call_copy, call_locked_reason, call_update, notice_register_view

router = Router(tags=["notices & calls"])


class AttachmentOut(Schema):
    id: int
    title: str
    filename: str
    url: str


class NoticeOut(Schema):
    id: int
    title: str
    publish_date: date
    body: str
    contact_person: str
    contact_phone: str
    view_count: int
    attachments: list[AttachmentOut]


class MaterialItemOut(Schema):
    id: int
    code: str
    name: str
    description: str
    required: bool
    allowed_types: list[str]
    max_size_bytes: int
    multiple: bool


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    short_code: str
    # The thresholds of the notice's section 二 (money as decimal strings, the share as a fraction).
    investment_exceeds_yuan: Decimal
    min_management_software_kinds: int
    min_control_projects: int
    min_online_sales_share: Decimal
    min_rd_investment_yuan: Decimal
    min_patents: int
    min_operating_years: int
    allowed_size_classes: list[str]
    form_version: int | None
    material_items: list[MaterialItemOut]


class CallOut(Schema):
    id: int
    code: str
    title: str
    year: int
    receipt_prefix: str
    opens_at: datetime
    deadline: datetime
    investment_period_start: date
    investment_period_end: date
    is_open: bool
    is_demo: bool
    notice: int | None
    # Why the settings can no longer be edited ("" while they can: until the first application).
    locked_reason: str
    categories: list[CategoryOut]


def _copy_in_schema(schema):
    """call_copy needs all four (and checks them with its own messages): the OpenAPI document says so."""
    required = ["year", "opens_at", "deadline", "title"]
    schema["required"] = required
    for name in required:
        field = schema["properties"][name]
        field.update(next(alt for alt in field.pop("anyOf") if alt.get("type") != "null"))
    schema["properties"]["year"].update(minimum=2000, maximum=2100)
    schema["properties"]["title"]["minLength"] = 1


class CallCopyIn(Schema):
    model_config = ConfigDict(json_schema_extra=_copy_in_schema)

    year: int | None = None
    opens_at: datetime | None = None
    deadline: datetime | None = None
    title: str | None = None


class MaterialItemIn(Schema):
    code: str
    name: str
    description: str = ""
    required: bool = True
    multiple: bool = False


class CategoryPatchIn(Schema):
    code: str
    investment_exceeds_yuan: Decimal | None = None
    min_management_software_kinds: int | None = None
    min_control_projects: int | None = None
    min_online_sales_share: Decimal | None = None
    min_rd_investment_yuan: Decimal | None = None
    min_patents: int | None = None
    min_operating_years: int | None = None
    allowed_size_classes: list[str] | None = None
    # When given, the checklist as sent: items matched by code, new codes added, missing ones removed.
    material_items: list[MaterialItemIn] | None = None


class CallPatchIn(Schema):
    title: str | None = None
    opens_at: datetime | None = None
    deadline: datetime | None = None
    investment_period_start: date | None = None
    investment_period_end: date | None = None
    categories: list[CategoryPatchIn] | None = None


def notice_out(notice):
    return {
        "id": notice.id,
        "title": notice.title,
        "publish_date": notice.publish_date,
        "body": notice.body,
        "contact_person": notice.contact_person,
        "contact_phone": notice.contact_phone,
        "view_count": notice.view_count,
        "attachments": [
            {
                "id": a.id,
                "title": a.title,
                "filename": a.filename,
                "url": reverse("portal:notice_attachment", args=[notice.id, a.id]),
            }
            for a in notice.attachments.all()
        ],
    }


def _current_form_version(category):
    versions = [v.version for v in category.form_versions.all()]  # prefetched by calls_public()
    return max(versions) if versions else None


def call_out(call):
    return {
        "id": call.id,
        "code": call.code,
        "title": call.title,
        "year": call.year,
        "receipt_prefix": call.receipt_prefix,
        "opens_at": call.opens_at,
        "deadline": call.deadline,
        "investment_period_start": call.investment_period_start,
        "investment_period_end": call.investment_period_end,
        "is_open": call.is_open(),
        "is_demo": call.is_demo,
        "notice": call.notice_id,
        "locked_reason": call_locked_reason(call),
        "categories": [
            {
                "id": c.id,
                "code": c.code,
                "name": c.name,
                "short_code": c.short_code,
                "investment_exceeds_yuan": c.investment_exceeds_yuan,
                "min_management_software_kinds": c.min_management_software_kinds,
                "min_control_projects": c.min_control_projects,
                "min_online_sales_share": c.min_online_sales_share,
                "min_rd_investment_yuan": c.min_rd_investment_yuan,
                "min_patents": c.min_patents,
                "min_operating_years": c.min_operating_years,
                "allowed_size_classes": [s for s in c.allowed_size_classes.split(",") if s],
                "form_version": _current_form_version(c),
                "material_items": [
                    {
                        "id": m.id,
                        "code": m.code,
                        "name": m.name,
                        "description": m.description,
                        "required": m.required,
                        "allowed_types": m.allowed_type_list,
                        "max_size_bytes": m.max_size_bytes,
                        "multiple": m.multiple,
                    }
                    for m in c.material_items.all()
                ],
            }
            for c in call.categories.all()
        ],
    }


@router.get("/notices", auth=None, response=list[NoticeOut], summary="通知公告列表")
def list_notices(request):
    return [notice_out(n) for n in notices_public()]


@router.get("/notices/{notice_id}", auth=None, response=NoticeOut, summary="通知详情（访问量加一）")
def get_notice(request, notice_id: int):
    notice = get_object_or_404(notices_public(), pk=notice_id)
    notice_register_view(notice=notice)
    return notice_out(notice)


@router.get("/calls", auth=None, response=list[CallOut], summary="申报批次列表")
def list_calls(request):
    return [call_out(c) for c in calls_public()]


@router.get("/calls/{call_id}", auth=None, response=CallOut, summary="申报批次详情")
def get_call(request, call_id: int):
    return call_out(get_object_or_404(calls_public(), pk=call_id))


@router.post("/calls/{call_id}/copy", response={201: CallOut}, summary="复制申报批次（新年度，市级管理员）")
def copy_call(request, call_id: int, payload: CallCopyIn):
    source = get_object_or_404(Call, pk=call_id)
    call = call_copy(source=source, actor=request.user, **payload.dict())
    return 201, call_out(calls_public().get(pk=call.pk))


@router.patch("/calls/{call_id}", response=CallOut, summary="修改申报批次设置（首份申报书之前，市级管理员）")
def patch_call(request, call_id: int, payload: CallPatchIn):
    call = get_object_or_404(Call, pk=call_id)
    changes = payload.dict(exclude_unset=True)
    call_update(call=call, changes=changes, actor=request.user)
    return call_out(calls_public().get(pk=call.pk))
