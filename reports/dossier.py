"""The complete dossier of one application as a zip (`GET /api/v1/applications/{id}/dossier.zip`, city officers).

Inside: every snapshot version's canonical JSON, the latest submission's PDF, every stored version of every
material file, the county opinions and city checks, the batches it was forwarded in (their seals and sealed
documents), the experts' scores, the certificate if one was issued, the audit events of the application, and
`manifest.json` listing every file with its size and SHA-256. Files are copied into a temporary file in chunks,
never all held in memory; the hash is computed while copying.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from applications import rules as app_rules
from applications.models import Application, Material, Snapshot
from audit.selectors import events_for_object
from audit.services import audit_record
from core.errors import DomainError, PermissionDeniedError
from reviews.models import BatchItem
from reviews.selectors import city_checks_of, opinions_of

CHUNK = 1024 * 1024
EXTENSIONS = {"xlsx": "xlsx", "pdf": "pdf", "manifest": "json"}
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


def safe_name(name: str) -> str:
    """A file name that stays one path component inside the zip."""
    cleaned = _UNSAFE.sub("_", name).strip(". ") or "file"
    return cleaned[:120]


def _iso(value):
    return value.isoformat() if value else None


class DossierWriter:
    def __init__(self, out):
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.files: list[dict] = []

    def _unique(self, path: str) -> str:
        taken = {f["path"] for f in self.files}
        stem, dot, ext = path.rpartition(".")
        candidate, n = path, 2
        while candidate in taken:
            candidate = f"{stem}-{n}.{ext}" if dot else f"{path}-{n}"
            n += 1
        return candidate

    def add_bytes(self, path: str, data: bytes, **about) -> None:
        path = self._unique(path)
        self.zip.writestr(path, data)
        self.files.append({"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), **about})

    def add_json(self, path: str, value, **about) -> None:
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, cls=DjangoJSONEncoder)
        self.add_bytes(path, text.encode("utf-8"), **about)

    def add_file(self, path: str, field_file, **about) -> None:
        """Copy a stored file in chunks, hashing as it goes."""
        path = self._unique(path)
        digest, size = hashlib.sha256(), 0
        with field_file.open("rb") as source, self.zip.open(path, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                target.write(chunk)
                size += len(chunk)
        self.files.append({"path": path, "size": size, "sha256": digest.hexdigest(), **about})

    def close(self, header: dict) -> None:
        manifest = {**header, "files": self.files}
        self.zip.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder))
        self.zip.close()


def _snapshots(writer, application):
    for snapshot in Snapshot.objects.filter(application=application).order_by("version"):
        writer.add_bytes(
            f"snapshots/v{snapshot.version}.json",
            snapshot.canonical_json.encode("utf-8"),
            snapshot_digest=snapshot.digest,
        )


def _pdf(writer, application):
    from applications.pdf_cache import get_or_render_pdf

    try:
        writer.add_bytes("application.pdf", get_or_render_pdf(application))
    except DomainError:  # never submitted, or withdrawn/returned: the snapshots' JSON stands for it
        pass


def _materials(writer, application):
    versions = (
        Material.all_versions.filter(application=application).select_related("item").order_by("uploaded_at", "id")
    )
    for material in versions:
        writer.add_file(
            f"materials/{material.pk}-{safe_name(material.original_name)}",
            material.file,
            item=material.item.name,
            original_name=material.original_name,
            uploaded_at=_iso(material.uploaded_at),
            replaced_at=_iso(material.replaced_at),
            recorded_sha256=material.sha256,
        )


def _reviews(writer, application):
    writer.add_json(
        "opinions.json",
        [
            {
                "round": o.round,
                "bureau": o.bureau,
                "decision": o.decision,
                "comment": o.comment,
                "checklist": o.checklist,
                "reviewer": o.reviewer.get_username(),
                "organisation": o.organisation.name,
                "snapshot_version": o.snapshot.version,
                "at": _iso(o.created_at),
            }
            for o in opinions_of(application)
        ],
    )
    writer.add_json(
        "city_checks.json",
        [
            {
                "round": c.round,
                "decision": c.decision,
                "comment": c.comment,
                "reviewer": c.reviewer.get_username(),
                "organisation": c.organisation.name,
                "at": _iso(c.created_at),
            }
            for c in city_checks_of(application)
        ],
    )


def _batches(writer, application):
    items = BatchItem.objects.filter(application=application).select_related("batch", "batch__region", "snapshot")
    for item in items.order_by("batch_id"):
        batch = item.batch
        folder = f"batches/{batch.pk}-{safe_name(batch.number)}"
        writer.add_json(
            f"{folder}/batch.json",
            {
                "number": batch.number,
                "region": batch.region.name,
                "state": batch.state,
                "position": item.position,
                "round": item.round,
                "snapshot_version": item.snapshot.version,
                "manifest_digest_sm3": batch.manifest_digest,
                "forwarded_at": _iso(batch.forwarded_at),
                "seals": [
                    {
                        "bureau": s.bureau,
                        "organisation": s.organisation.name,
                        "signer": s.signer.get_username(),
                        "key_id": s.key_id,
                        "signed_at": _iso(s.signed_at),
                    }
                    for s in batch.seals.select_related("organisation", "signer").order_by("signed_at", "id")
                ],
            },
        )
        for document in batch.documents.order_by("kind", "seals", "id"):
            ext = EXTENSIONS.get(document.kind.rsplit("_", 1)[-1], "bin")
            path = f"{folder}/{document.kind}-{document.seals}-seals.{ext}"
            writer.add_file(path, document.file, kind=document.kind, seals=document.seals)


def _scores(writer, application):
    from evaluation.models import Assignment

    assignments = (
        Assignment.objects.filter(application=application)
        .select_related("expert__user", "score")
        .order_by("position", "id")
    )
    rows = []
    for a in assignments:
        score = getattr(a, "score", None)
        rows.append(
            {
                "expert": a.expert.user.get_username(),
                "state": a.state,
                "declared_at": _iso(a.declared_at),
                "scores": score.scores if score else None,
                "total": score.total if score else None,
                "comment": score.comment if score else None,
                "submitted_at": _iso(score.submitted_at) if score else None,
            }
        )
    writer.add_json("scores.json", rows)


def _certificate(writer, application):
    try:
        from publicity.models import Designation
    except ImportError:
        return
    designation = Designation.objects.filter(application=application).first()
    if designation is None:
        return
    writer.add_json(
        "designation.json",
        {"kind": designation.kind, "number": designation.number, "issued_at": _iso(designation.issued_at)},
    )
    if designation.certificate:
        writer.add_file("certificate.pdf", designation.certificate, certificate_sm3=designation.certificate_sm3)


def _audit(writer, application):
    writer.add_json(
        "audit.json",
        [
            {
                "at": _iso(e.occurred_at),
                "action": e.action,
                "actor": e.actor_username,
                "role": e.actor_role,
                "organisation": e.actor_organisation_name,
                "from": e.from_state,
                "to": e.to_state,
                "comment": e.comment,
                "summary": e.summary,
                "hash": e.hash,
            }
            for e in events_for_object(application)
        ],
    )


PARTS = (_snapshots, _pdf, _materials, _reviews, _batches, _scores, _certificate, _audit)


def build_dossier(user, application_id: int):
    """(temporary zip file at position 0, file name, manifest files). City officers only (403), of an application
    they may read (404, as an unknown one: reports.rules.export_dossier); audited."""
    if not app_rules.CITY.test(user):
        raise PermissionDeniedError(gettext("只有市级管理员可以导出申报书档案。"))
    application = Application.objects.select_related("enterprise", "category", "call").filter(pk=application_id).first()
    # reports.rules: the city's officers, of an application they may read (a draft never submitted is not theirs).
    if application is None or not app_rules.allowed(user, "reports.export_dossier", application):
        from django.http import Http404

        raise Http404
    out = tempfile.TemporaryFile()
    writer = DossierWriter(out)
    for part in PARTS:
        part(writer, application)
    writer.close(
        {
            "application": application.pk,
            "receipt_no": application.receipt_no,
            "enterprise": application.enterprise.name,
            "category": application.category.code,
            "status": application.status,
            "generated_at": timezone.now().isoformat(),
            "generated_by": user.get_username(),
        }
    )
    with transaction.atomic():
        audit_record(
            action="export.dossier",
            actor=user,
            obj=application,
            summary=gettext("导出申报书档案（%(n)s 个文件）") % {"n": len(writer.files)},
            data={"files": len(writer.files)},
        )
    out.seek(0)
    name = f"{safe_name(application.receipt_no or str(application.pk))}-dossier.zip"
    return out, name, writer.files
