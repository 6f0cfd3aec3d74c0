"""JSON API of the publicity: the city publishes (POST /calls/{id}/publicity) and decides objections
(POST /objections/{id}/decision); the public reads a publicity (GET /publicity/{id}, cached) and lodges an
objection (POST /publicity/{id}/objections, multipart, rate-limited per address like the eligibility check).
"""

from __future__ import annotations

import datetime as dt

import rules
from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from applications.materials.limits import install_raw_filenames
from core.clientip import client_ip
from core.errors import DomainError, PermissionDeniedError
from core.throttling import AddressRateThrottle
from programmes.models import Call
from publicity import period, selectors, services
from publicity.models import Objection

router = Router(tags=["publicity"])


class ObjectionThrottle(AddressRateThrottle):
    """Per-address limit of the public objection form (API and page): settings.PUBLICITY_OBJECTION_RATE_LIMIT,
    else the eligibility check's rate."""

    scope = "publicity_objection"

    def __init__(self):
        super().__init__(rate=self.configured())

    @staticmethod
    def configured():
        return getattr(settings, "PUBLICITY_OBJECTION_RATE_LIMIT", None) or settings.ELIGIBILITY_RATE_LIMIT

    def allow_request(self, request):
        if self.rate != self.configured():
            self.rate = self.configured()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _iso(value):
    return value.isoformat() if value else None


class PublicityIn(Schema):
    category: str
    applications: list[int] | None = None
    starts_on: dt.date | None = None
    days: int = period.DEFAULT_DAYS
    working_days: bool = False
    supervision_phone: str = ""
    supervision_contact: str = ""


@router.post("/calls/{call_id}/publicity", response={201: dict}, summary="发布公示（市级）")
def publicity_publish(request, call_id: int, payload: PublicityIn):
    if not rules.has_perm("publicity.publish", request.user):
        raise PermissionDeniedError(_("只有组织本批次的市级管理员可以执行此操作。"))
    call = get_object_or_404(Call, pk=call_id)
    category = call.categories.filter(code=payload.category).first()
    if category is None:
        raise DomainError(_("本批次没有该申报类别。"), field="category")
    publicity = services.publish(
        actor=request.user,
        call=call,
        category=category,
        application_ids=payload.applications,
        starts_on=payload.starts_on,
        days=payload.days,
        working_days=payload.working_days,
        supervision_phone=payload.supervision_phone,
        supervision_contact=payload.supervision_contact,
    )
    return 201, selectors.public_data(selectors.publicity_for_public(publicity.pk))


@router.get("/publicity/{publicity_id}", auth=None, response=dict, summary="公示（公开）")
def publicity_read(request, publicity_id: int):
    version = selectors.version_of(publicity_id)
    return selectors.cached("api", version, lambda: selectors.public_data(selectors.publicity_for_public(publicity_id)))


def objection_out(objection: Objection, *, staff: bool = False) -> dict:
    out = {
        "id": objection.pk,
        "publicity": objection.publicity_id,
        "application": objection.entry.application_id,
        "enterprise_name": objection.entry.enterprise_name,
        "state": objection.state,
        "state_label": str(objection.get_state_display()),
        "reply": objection.reply,
        "created_at": _iso(objection.created_at),
        "decided_at": _iso(objection.decided_at),
    }
    if staff:
        out |= {
            "name": objection.name,
            "mobile": objection.mobile,
            "grounds": objection.grounds,
            "files": [
                {
                    "id": f.pk,
                    "name": f.original_name,
                    "size": f.size,
                    "sha256": f.sha256,
                    "content_type": f.content_type,
                }
                for f in objection.files.all()
            ],
            "entry_removed": objection.entry.removed_at is not None,
        }
    return out


@router.post(
    "/publicity/{publicity_id}/objections",
    auth=None,
    throttle=[ObjectionThrottle()],
    response={201: dict},
    summary="提出异议（公开，实名）",
    description="multipart/form-data：application（申报书 id）、name、mobile、grounds，以及 files（证据，可多个）。"
    "匿名（无姓名或手机号）或不在公示期内的异议不予受理（422）。返回的 status_url 用于查询处理结果。",
)
def objection_lodge(request, publicity_id: int):
    install_raw_filenames(request)  # evidence filenames checked as sent (docs/materials.md)
    publicity = selectors.publicity_for_public(publicity_id)
    data = request.POST
    objection = services.lodge_objection(
        publicity=publicity,
        application_id=data.get("application"),
        name=data.get("name", ""),
        mobile=data.get("mobile", ""),
        grounds=data.get("grounds", ""),
        files=request.FILES.getlist("files"),
        ip=client_ip(request),
    )
    return 201, {**objection_out(objection), "status_url": services.status_link(objection)}


@router.get("/publicity/{publicity_id}/objections", response=list[dict], summary="公示的异议（市级）")
def objection_list(request, publicity_id: int):
    publicity = selectors.publicity_for_public(publicity_id)
    if not rules.has_perm("publicity.view_objections", request.user, publicity):
        raise PermissionDeniedError(_("只有组织本批次的市级管理员可以执行此操作。"))
    return [objection_out(o, staff=True) for o in selectors.objections_for(request.user, publicity)]


class DecisionIn(Schema):
    upheld: bool
    reply: str
    reason: str = ""


@router.post("/objections/{objection_id}/decision", response=dict, summary="处理异议（市级）")
def objection_decide(request, objection_id: int, payload: DecisionIn):
    if not rules.has_perm("publicity.decide_objection", request.user):
        raise PermissionDeniedError(_("只有组织本批次的市级管理员可以执行此操作。"))
    objection = selectors.objections_for(request.user).filter(pk=objection_id).first()
    if objection is None:
        raise Http404
    objection = services.decide(
        actor=request.user, objection=objection, upheld=payload.upheld, reply=payload.reply, reason=payload.reason
    )
    return objection_out(objection, staff=True)
