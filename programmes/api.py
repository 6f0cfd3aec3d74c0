from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema

from programmes.selectors import calls_public, notices_public
from programmes.services import notice_register_view

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
    required: bool
    allowed_types: list[str]
    max_size_bytes: int
    multiple: bool


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    material_items: list[MaterialItemOut]


class CallOut(Schema):
    id: int
    code: str
    title: str
    year: int
    opens_at: datetime
    deadline: datetime
    is_open: bool
    is_demo: bool
    notice: int | None
    categories: list[CategoryOut]


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


def call_out(call):
    return {
        "id": call.id,
        "code": call.code,
        "title": call.title,
        "year": call.year,
        "opens_at": call.opens_at,
        "deadline": call.deadline,
        "is_open": call.is_open(),
        "is_demo": call.is_demo,
        "notice": call.notice_id,
        "categories": [
            {
                "id": c.id,
                "code": c.code,
                "name": c.name,
                "material_items": [
                    {
                        "id": m.id,
                        "code": m.code,
                        "name": m.name,
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
