"""JSON API of the forwarding batches: assemble, seal, forward, read, and download the documents.

A batch the caller may not see is 404 (reviews.batches.batch_for); the services answer 403 / 409 / 422.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from ninja import Router, Schema

from accounts.api import ErrorsOut
from audit.services import audit_record
from reviews import batches
from reviews.models import BatchDocument

router = Router(tags=["batches"])
Kind = BatchDocument.Kind
ERRORS = {401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut, 422: ErrorsOut}


class BatchIn(Schema):
    applications: list[int]


def _iso(value):
    return value.isoformat() if value else None


def _person(user):
    return (user.display_name or user.get_username()) if user is not None else None


def document_out(batch, document):
    return {
        "kind": document.kind,
        "label": str(document.get_kind_display()),
        "filename": batches.document_filename(batch, document.kind),
        "url": f"/api/v1/batches/{batch.pk}/{DOWNLOAD_PATHS[document.kind]}",
        "seals": document.seals,
        "sm3": document.sm3,
        "size": document.size,
    }


def seal_out(seal, verification=None):
    return {
        "valid": batches.seal_valid(seal, verification) if verification is not None else None,
        "bureau": seal.bureau,
        "bureau_label": str(seal.get_bureau_display()),
        "organisation": seal.organisation.name,
        "signer": _person(seal.signer),
        "key_id": seal.key_id,
        "signed_at": _iso(seal.signed_at),
    }


def batch_summary(batch, user, *, verification=None):
    return {
        "id": batch.pk,
        "number": batch.number,
        "state": batch.state,
        "state_label": str(batch.get_state_display()),
        "call": {"id": batch.call_id, "code": batch.call.code, "title": batch.call.title},
        "region": {"code": batch.region_id, "name": batch.region.name},
        "application_count": batch.items.count(),
        "counts_by_category": [
            {"category": code, "name": name, "count": n} for code, name, n in batches.counts_by_category(batch)
        ],
        "manifest_digest": batch.manifest_digest,
        "seals": [seal_out(s, verification) for s in batches.seals_of(batch)],
        "seals_valid": verification["valid"] if verification is not None else None,
        "created_at": _iso(batch.created_at),
        "created_by": _person(batch.created_by),
        "forwarded_at": _iso(batch.forwarded_at),
        "forwarded_by": _person(batch.forwarded_by),
        "actions": batches.actions_for(batch, user),
    }


def batch_out(batch, user):
    verification = batches.verification_of(batch)
    latest = {}
    for document in batch.documents.order_by("kind", "seals"):
        latest[document.kind] = document
    out = batch_summary(batch, user, verification=verification)
    out.update(
        {
            "manifest": batches.manifest_body_of(batch),
            "manifest_digest_algorithm": "SM3",
            "documents": [document_out(batch, latest[k]) for k in DOWNLOAD_PATHS if k in latest],
            "verification": verification,
            "applications": [
                {
                    "id": item.application_id,
                    "position": item.position,
                    "receipt_no": item.application.receipt_no,
                    "enterprise": item.application.enterprise.name,
                    "category": item.application.category.code,
                    "category_name": item.application.category.name,
                    "snapshot_version": item.snapshot.version,
                    "snapshot_sha256": item.snapshot.digest,
                    "status": item.application.status,
                    "status_label": str(item.application.get_status_display()),
                }
                for item in batch.items.select_related(
                    "application__enterprise", "application__category", "snapshot"
                ).order_by("position")
            ],
        }
    )
    return out


@router.get("/batches", summary="上报批次（县区：本单位的；市级：已上报的）", response={200: dict, 401: ErrorsOut})
def list_batches(request, page: int = 1):
    page = max(page, 1)
    count, rows = batches.batches_page(batches.batches_visible_to(request.user), page)
    return {
        "count": count,
        "page": page,
        "page_size": batches.PAGE_SIZE,
        # The lists verify each batch's sealed manifest; the detail verifies every document.
        "results": [batch_summary(b, request.user, verification=batches.verification_of(b, full=False)) for b in rows],
    }


@router.post("/batches", summary="组建上报批次（本单位县区已推荐的申报书）", response={201: dict, **ERRORS})
def create_batch(request, payload: BatchIn):
    batch = batches.batch_assemble(actor=request.user, application_ids=payload.applications)
    return 201, batch_out(batch, request.user)


@router.get(
    "/batches/{batch_id}",
    summary="上报批次详情（清单、摘要、印章及核验结果、申报书）",
    response={200: dict, 401: ErrorsOut, 404: ErrorsOut},
)
def get_batch(request, batch_id: int):
    return batch_out(batches.batch_for(request.user, pk=batch_id), request.user)


@router.post(
    "/batches/{batch_id}/seal", summary="本部门在上报批次上盖章（每个部门一次）", response={200: dict, **ERRORS}
)
def seal_batch(request, batch_id: int):
    batch = batches.batch_for(request.user, pk=batch_id)
    batches.batch_seal(batch=batch, actor=request.user)
    return batch_out(batches.batch_for(request.user, pk=batch_id), request.user)


@router.post("/batches/{batch_id}/forward", summary="上报市级（需两个部门都已盖章）", response={200: dict, **ERRORS})
def forward_batch(request, batch_id: int):
    batch = batches.batch_for(request.user, pk=batch_id)
    batches.batch_forward(batch=batch, actor=request.user)
    return batch_out(batches.batch_for(request.user, pk=batch_id), request.user)


def document_response(request, batch, kind) -> HttpResponse:
    """The latest stage of the document (sealed once sealed) as an attachment; the download is audited."""
    document = batches.document_of(batch, kind)
    if document is None:
        raise Http404
    filename = batches.document_filename(batch, kind)
    audit_record(
        action="batch.download",
        actor=request.user,
        obj=batch,
        summary=filename,
        data={"kind": kind, "seals": document.seals, "sm3": document.sm3},
        request=request,
    )
    response = HttpResponse(batches.read_document(document), content_type=batches.MEDIA_TYPES[kind])
    response["Content-Disposition"] = _attachment(filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "batch"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


DOWNLOAD_PATHS = {
    Kind.SUMMARY_XLSX: "summary.xlsx",
    Kind.SUMMARY_PDF: "summary.pdf",
    Kind.LETTER_PDF: "letter.pdf",
    Kind.MANIFEST: "manifest.json",
}


def _download(kind, summary):
    def handler(request, batch_id: int):
        return document_response(request, batches.batch_for(request.user, pk=batch_id), kind)

    handler.__name__ = f"download_{DOWNLOAD_PATHS[kind].replace('.', '_')}"
    router.get(
        f"/batches/{{batch_id}}/{DOWNLOAD_PATHS[kind]}",
        summary=summary,
        response={401: ErrorsOut, 404: ErrorsOut},
        openapi_extra={"responses": {"200": {"description": summary, "content": {batches.MEDIA_TYPES[kind]: {}}}}},
    )(handler)


_download(Kind.SUMMARY_XLSX, "推荐汇总表（xlsx）")
_download(Kind.SUMMARY_PDF, "推荐汇总表（PDF，盖章后为盖章版）")
_download(Kind.LETTER_PDF, "上报文件（PDF，盖章后为盖章版）")
_download(Kind.MANIFEST, "上报清单（JSON，盖章后含两个部门的电子印章）")
