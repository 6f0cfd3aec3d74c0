"""The designation certificate (认定证书): a Chinese A4 PDF sealed with the city bureau's SM2 seal.

It names the enterprise (name and credit code as submitted), the designation (kind and number), the call and the
date, and carries a QR code of its public verification page (/results/certificates/<number>/). WeasyPrint lays it
out once; the seal goes onto the box with the id `seal-city` (found in the layout, as reviews/documents.py does),
appended by reviews.seals.pdf.seal_pdf as an incremental update. The stored file's SM3 is kept on the
designation: the verification page compares a presented file with it and checks the seal.

The certificates of an issuance are made after its commit (`certificates_task`); a certificate that is missing
(a failed task) is made on its first download (`certificate_bytes`).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisation
from applications.pdf import print_css_context, qr_data_uri
from applications.selectors import frozen_submission
from audit.services import audit_record
from publicity.models import Designation, PublicityEntry
from reviews.seals.crypto import sm3_hex
from reviews.seals.pdf import seal_pdf

logger = logging.getLogger(__name__)

PX_TO_MM = 25.4 / 96  # WeasyPrint lays out in CSS pixels
SEAL_BOX = "seal-city"
FALLBACK_SPOT = {"page": 0, "at": (150.0, 60.0)}


def city_bureau() -> Organisation:
    """The city's industry bureau (扬州市工业和信息化局), whose seal the certificates carry."""
    return Organisation.objects.get(kind=Organisation.Kind.CITY_INDUSTRY)


def verification_path(designation: Designation) -> str:
    return f"/results/certificates/{quote(designation.number, safe='')}/"


def verification_url(designation: Designation) -> str:
    return settings.SITE_URL.rstrip("/") + verification_path(designation)


def chinese_date(day) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def certificate_context(designation: Designation) -> dict:
    from publicity.designations import kind_label

    application = designation.application
    submitted = frozen_submission(application) or {}
    enterprise = submitted.get("enterprise") or {}
    profile = getattr(application.enterprise, "profile", None)
    entry = PublicityEntry.objects.filter(application=application, removed_at__isnull=True).order_by("-id").first()
    bureau = city_bureau()
    url = verification_url(designation)
    return {
        "designation": designation,
        "enterprise_name": enterprise.get("name") or (entry.enterprise_name if entry else application.enterprise.name),
        "uscc": enterprise.get("uscc") or enterprise.get("credit_code") or getattr(profile, "uscc", ""),
        "receipt_no": application.receipt_no or "",
        "summary": entry.summary if entry else "",
        "call": designation.call,
        "category": designation.category,
        "kind_label": kind_label(designation.kind),
        "year": designation.call.year,
        "date": chinese_date(timezone.localtime(designation.issued_at).date()),
        "bureau": bureau.name,
        "verify_url": url,
        # Printed as read (the QR code carries the percent-encoded address, which a person cannot type).
        "verify_text": settings.SITE_URL.rstrip("/") + f"/results/certificates/{designation.number}/",
        "qr": qr_data_uri(url),
        **print_css_context(designation.number),
    }


def render_certificate(designation: Designation) -> tuple[bytes, dict]:
    """The unsealed PDF and where the seal goes ({"page", "at": (x_mm, y_mm)} from the lower left corner)."""
    from weasyprint import HTML

    # An official paper: Chinese whatever the requester's language.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("publicity/certificate_pdf.html", certificate_context(designation))
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    spot = FALLBACK_SPOT
    for index, page in enumerate(document.pages):
        if SEAL_BOX in page.anchors:
            x1, y1, x2, y2 = page.anchors[SEAL_BOX]
            spot = {
                "page": index,
                "at": (round((x1 + x2) / 2 * PX_TO_MM, 2), round((page.height - (y1 + y2) / 2) * PX_TO_MM, 2)),
            }
    return document.write_pdf(), spot


def sealed_certificate(designation: Designation) -> bytes:
    data, spot = render_certificate(designation)
    bureau = city_bureau()
    return seal_pdf(
        data,
        organisation=bureau,
        signer=designation.issued_by.display_name or designation.issued_by.username,
        bureau_label=bureau.name,
        page=spot["page"],
        position=tuple(spot["at"]),
        size_mm=40.0,
    )


def certificate_issue(designation: Designation) -> Designation:
    """Make, seal and store the certificate once (a second call, or a concurrent one, finds it made)."""
    with transaction.atomic():
        designation = (
            Designation.objects.select_for_update()
            .select_related("application__enterprise", "call", "category", "issued_by")
            .get(pk=designation.pk)
        )
        if designation.certificate and designation.certificate_sm3:
            return designation
        data = sealed_certificate(designation)
        designation.certificate_sm3 = sm3_hex(data)
        designation.certificate.save("certificate.pdf", ContentFile(data), save=False)
        designation.save(update_fields=["certificate", "certificate_sm3"])
        audit_record(
            action="designation.certificate",
            actor=designation.issued_by,
            obj=designation,
            summary=f"认定证书 {designation.number} 已盖章",  # the audit's record, in Chinese
            data={"number": designation.number, "sm3": designation.certificate_sm3, "size": len(data)},
        )
    return designation


def certificate_bytes(designation: Designation) -> bytes:
    """The sealed certificate as stored, made first if it is missing (`designation` then gets its SM3)."""
    if not (designation.certificate and designation.certificate_sm3):
        made = certificate_issue(designation)
        designation.certificate, designation.certificate_sm3 = made.certificate, made.certificate_sm3
    with designation.certificate.open("rb") as handle:
        return handle.read()


def certificate_filename(designation: Designation) -> str:
    return _("认定证书-%(number)s.pdf") % {"number": designation.number}


@shared_task(ignore_result=True)
def certificates_task(designation_ids):
    """Make the certificates of one issuance right after it commits (each on its own: one failure leaves the
    others made, and the download makes the missing one)."""
    for designation in Designation.objects.filter(pk__in=designation_ids).order_by("id"):
        try:
            certificate_issue(designation)
        except Exception:
            logger.exception("certificate of designation %s failed", designation.pk)


def certificate_check(designation: Designation | None, data: bytes | None = None) -> dict:
    """Whether a certificate is genuine: {"genuine", "reason", "seals"}.

    Without `data`, the stored certificate of that number is checked (its SM3 as recorded, its seal valid); with
    `data` (a presented file), that file must be byte for byte the issued certificate and its seal valid."""
    from reviews.seals.pdf import verify_pdf

    if designation is None:
        return {"genuine": False, "reason": _("没有这个编号或摘要的认定证书。"), "seals": None}
    if data is None:
        if not designation.certificate_sm3:
            return {"genuine": True, "reason": _("认定记录真实有效；证书正在生成。"), "seals": None}
        data = certificate_bytes(designation)
    if sm3_hex(data) != designation.certificate_sm3:
        outcome = verify_pdf(data) if data.startswith(b"%PDF-") else None
        return {"genuine": False, "reason": _("该文件与签发的认定证书不一致，可能已被改动。"), "seals": outcome}
    outcome = verify_pdf(data)
    if not outcome["valid"]:
        return {"genuine": False, "reason": outcome["reason"], "seals": outcome}
    return {"genuine": True, "reason": _("认定证书真实有效，电子印章核验通过。"), "seals": outcome}
