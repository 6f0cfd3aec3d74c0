"""JSON API of the designation: the city issues a category's final list, the enterprise downloads its certificate,
anyone reads the results and checks a certificate.

POST /calls/{id}/designations answers 403 to anyone but a city officer, 409 before the publicity period ended or a
second time; the certificate is 404 to anyone who may not read the application.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from audit.services import audit_record
from core.errors import DomainError, PermissionDeniedError
from programmes.models import Call
from publicity import certificates, designations, rules_designations

router = Router(tags=["designations"])


class DesignationsIn(Schema):
    category: str
    kinds: dict[str, str] = {}


def designation_out(designation) -> dict:
    return {
        "id": designation.pk,
        "application": designation.application_id,
        "receipt_no": designation.application.receipt_no,
        "enterprise": designation.application.enterprise.name,
        "kind": designation.kind,
        "kind_label": designations.kind_label(designation.kind),
        "number": designation.number,
        "issued_at": designation.issued_at.isoformat(),
        "certificate_sm3": designation.certificate_sm3 or None,
        "certificate_url": f"/api/v1/applications/{designation.application_id}/certificate.pdf",
        "verify_url": certificates.verification_url(designation),
    }


def _category(call, code):
    category = call.categories.filter(code=code).first()
    if category is None:
        raise DomainError(_("本批次没有该申报类别。"), field="category")
    return category


def _city(request):
    if not rules_designations.may_issue(request.user):
        raise PermissionDeniedError(_("只有市级管理员可以认定。"))


@router.post(
    "/calls/{call_id}/designations",
    response={201: Any},
    summary="公示期满后认定：未被撤下的公示条目获认定并生成盖章证书，其余未入选（市级管理员）",
)
def issue(request, call_id: int, payload: DesignationsIn):
    _city(request)
    call = get_object_or_404(Call, pk=call_id)
    outcome = designations.designations_issue(
        actor=request.user, call=call, category=_category(call, payload.category), kinds=payload.kinds
    )
    for designation in outcome["designations"]:
        designation.refresh_from_db(fields=["certificate", "certificate_sm3"])  # made after the commit
    return 201, {
        "category": payload.category,
        "publicity": outcome["publicity"].pk,
        "designations": [designation_out(d) for d in outcome["designations"]],
        "not_selected": [{"application": a.pk, "receipt_no": a.receipt_no} for a in outcome["not_selected"]],
    }


@router.get("/calls/{call_id}/designations", summary="某类别的认定名单（市级管理员）")
def list_designations(request, call_id: int, category: str):
    _city(request)
    call = get_object_or_404(Call, pk=call_id)
    return [designation_out(d) for d in designations.designations_of(call, _category(call, category))]


@router.get("/results", auth=None, summary="认定结果（公开）：按年度和类别列出认定的企业")
def results(request, year: int | None = None):
    return {"years": designations.results(year=year)}


@router.get(
    "/results/certificates/{key}",
    auth=None,
    summary="认定证书核验（公开）：按证书编号或证书文件的 SM3 摘要",
)
def certificate_status(request, key: str):
    designation = designations.certificate_lookup(key)
    check = certificates.certificate_check(designation)
    return {
        "genuine": check["genuine"],
        "reason": check["reason"],
        "designation": {
            **designations.public_row(designation),
            "category": designation.category.name,
            "call": designation.call.title,
            "certificate_sm3": designation.certificate_sm3 or None,
        }
        if designation is not None
        else None,
    }


@router.get(
    "/applications/{application_id}/certificate.pdf",
    summary="下载认定证书（本企业及审核人员；他人 404）",
    response={200: Any},
)
def certificate_pdf(request, application_id: int):
    designation = designations.certificate_for(request.user, application_id=application_id)
    return pdf_response(request, designation)


def pdf_response(request, designation) -> HttpResponse:
    """The sealed certificate as an attachment; the download is audited (who read which certificate)."""
    data = certificates.certificate_bytes(designation)
    name = certificates.certificate_filename(designation)
    audit_record(
        action="designation.download",
        actor=request.user,
        obj=designation,
        summary=name,
        data={"number": designation.number, "sm3": designation.certificate_sm3},
        request=request,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
