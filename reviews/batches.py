"""Forwarding batches (上报批次): a county reviewer assembles the unit's recommended applications with their
documents, each bureau seals once, and the batch goes to the city in one transaction.

Reads first (what a user may see, what may still be batched, the verification of the seals), then the three
writes (assemble, seal, forward), each inside `transaction.atomic` with its audit event.

The 文号 (batch_number): the unit's abbreviation — the first character of its name, after the "扬州" that the
functional zones' names begin with (邗江区 → 邗, 扬州经济技术开发区 → 经, 蜀冈—瘦西湖风景名胜区 → 蜀) —,
"工信", the year of the letter in brackets and the unit's sequence in that year: 邗工信〔2026〕3号. The
sequence counts the unit's batches of that year, from 1, without gaps (a batch is never deleted).

Who may see which batch is `reviews.view_batch` (reviews/rules.py); `batches_visible_to` is the same condition
as a filter: a county reviewer sees the own unit's batches, a city officer the forwarded ones of every unit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisation, Region, User
from applications import services as application_services
from applications.models import Application, Snapshot
from applications.rules import allowed
from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from notifications.services import notify
from programmes.models import SHANGHAI
from reviews import documents
from reviews.models import Batch, BatchDocument, BatchItem, BatchSeal, CountyOpinion
from reviews.rules import bureau_of
from reviews.seals.crypto import sm3_hex
from reviews.seals.keyring import Keyring
from reviews.seals.manifest import manifest_bytes, seal_manifest
from reviews.seals.pdf import seal_pdf
from reviews.seals.services import seal_key_for
from reviews.seals.verify import verify_any

Kind = BatchDocument.Kind
PDF_KINDS = (Kind.SUMMARY_PDF, Kind.LETTER_PDF)
GENERATED_KINDS = (Kind.SUMMARY_XLSX, Kind.SUMMARY_PDF, Kind.LETTER_PDF)  # listed in the manifest
BUREAUS_TO_SEAL = ("industry", "finance")
FILE_SUFFIX = {Kind.SUMMARY_XLSX: ".xlsx", Kind.SUMMARY_PDF: ".pdf", Kind.LETTER_PDF: ".pdf", Kind.MANIFEST: ".json"}
MEDIA_TYPES = {
    Kind.SUMMARY_XLSX: documents.XLSX_TYPE,
    Kind.SUMMARY_PDF: "application/pdf",
    Kind.LETTER_PDF: "application/pdf",
    Kind.MANIFEST: "application/json",
}
MAX_APPLICATIONS = 1000  # far above a unit's yearly count; keeps one request's work bounded


# ------------------------------------------------------------------------------------------------- reads


PAGE_SIZE = 50


def batches_page(qs: QuerySet[Batch], page: int, page_size: int = PAGE_SIZE) -> tuple[int, list[Batch]]:
    """The total and one page of `qs` (pages and API alike); a page past the end is empty."""
    count = qs.count()
    start = (max(page, 1) - 1) * page_size
    # Past the end no query: an OFFSET beyond the database's integer range would fail (page=10**20).
    return count, list(qs[start : start + page_size]) if start < count else []


def batches_visible_to(user) -> QuerySet[Batch]:
    """The query form of `reviews.view_batch`: the own unit's batches for its reviewers, forwarded ones for the
    city, nothing for anybody else."""
    qs = Batch.objects.select_related("call", "region", "created_by", "forwarded_by")
    if not user.is_authenticated or getattr(user, "organisation", None) is None:
        return qs.none()
    if user.role in (User.Role.COUNTY_INDUSTRY, User.Role.COUNTY_FINANCE):
        return qs.filter(region_id=user.organisation.region_id)
    if user.role == User.Role.CITY_OFFICER:
        return qs.filter(forwarded_at__isnull=False)
    return qs.none()


def batch_for(user, *, pk: int) -> Batch:
    """The batch if `user` may see it; Http404 otherwise (never reveal that it exists)."""
    batch = batches_visible_to(user).filter(pk=pk).first()
    if batch is None or not allowed(user, "reviews.view_batch", batch):
        raise Http404
    return batch


def batchable_applications(user) -> QuerySet[Application]:
    """The unit's recommended applications that are in no batch for their current round (the picker)."""
    region_id = _region_id(user)
    if region_id is None or not allowed(user, "reviews.add_batch"):
        return Application.objects.none()
    in_batch = BatchItem.objects.filter(application=OuterRef("pk"), round=OuterRef("review_round"))
    return (
        Application.objects.filter(region_id=region_id, status=Application.Status.RECOMMENDED)
        .exclude(Exists(in_batch))
        .select_related("call", "category", "enterprise", "region")
        .order_by("call_id", "category__sort_order", "receipt_no")
    )


def document_of(batch, kind, *, seals: int | None = None) -> BatchDocument | None:
    """The latest stage of one document (the sealed version once sealed), or the given stage."""
    qs = batch.documents.filter(kind=kind)
    if seals is not None:
        return qs.filter(seals=seals).first()
    return qs.order_by("-seals").first()


def document_filename(batch, kind) -> str:
    names = {
        Kind.SUMMARY_XLSX: _("推荐汇总表"),
        Kind.SUMMARY_PDF: _("推荐汇总表"),
        Kind.LETTER_PDF: _("上报文件"),
        Kind.MANIFEST: _("上报清单"),
    }
    with translation.override("zh-hans"):
        return f"{batch.number}-{names[kind]}{FILE_SUFFIX[kind]}"


def read_document(document: BatchDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def manifest_body_of(batch) -> dict:
    return json.loads(batch.manifest) if batch.manifest else {}


def seals_of(batch) -> list[BatchSeal]:
    return list(batch.seals.select_related("organisation", "signer").order_by("signed_at", "id"))


def actions_for(batch, user) -> list[str]:
    """What the user may do now: "seal" (own bureau, not yet sealed by it), "forward" (both sealed)."""
    if batch.forwarded_at is not None:
        return []
    sealed = {seal.bureau for seal in batch.seals.all()}
    actions = []
    if allowed(user, "reviews.seal_batch", batch) and bureau_of(user) not in sealed:
        actions.append("seal")
    if allowed(user, "reviews.forward_batch", batch) and sealed >= set(BUREAUS_TO_SEAL):
        actions.append("forward")
    return actions


def verification_of(batch, *, full: bool = True, keys=None) -> dict:
    """The seals checked now against the published keys (reviews.seals.verify_any).

    The sealed manifest first; with `full` (the detail) also each document, tied to that manifest: the xlsx has
    exactly the SM3 the manifest lists, and each sealed PDF verifies and its unsealed prefix has the listed SM3.
    The lists check the manifest only (two signatures instead of six, and no PDF to parse).
    {"valid", "sealed", "documents": [{"kind", "label", "valid", "reason", "signatures"}]}.
    """
    keyring = Keyring.load(keys)
    sealed = {seal.bureau for seal in batch.seals.all()} >= set(BUREAUS_TO_SEAL)
    manifest = document_of(batch, Kind.MANIFEST)
    if manifest is None or manifest.seals == 0:
        return {"valid": False, "sealed": False, "documents": []}
    manifest_data = read_document(manifest)
    rows = [_verification_row(Kind.MANIFEST, verify_any(manifest_data, keyring), listed=True)]
    if full:
        try:
            listed = {d["kind"]: d for d in json.loads(manifest_data)["body"]["documents"]}
        except (ValueError, KeyError, TypeError):
            listed = {}
        for kind in GENERATED_KINDS:
            document = document_of(batch, kind)
            data = read_document(document) if document is not None else b""
            entry = listed.get(kind) or {}
            covered = data if kind == Kind.SUMMARY_XLSX else data[: entry.get("size", 0)]
            matches = bool(entry) and len(covered) == entry["size"] and sm3_hex(covered) == entry["sm3"]
            outcome = verify_any(data, keyring) if kind in PDF_KINDS and data else None
            rows.append(_verification_row(kind, outcome, listed=matches))
    return {"valid": sealed and all(r["valid"] for r in rows), "sealed": sealed, "documents": rows}


def seal_valid(seal, verification) -> bool:
    """Whether this bureau's signature is present and valid in every sealed file that was checked."""
    found = []
    for row in verification["documents"]:
        if row["kind"] == Kind.SUMMARY_XLSX:
            continue  # covered by the manifest's digest, no signature of its own
        mine = [s for s in row["signatures"] if str(s.get("organisation_id")) == str(seal.organisation_id)]
        found.append(bool(mine) and all(s["valid"] for s in mine) and row["valid"])
    return bool(found) and all(found)


def _verification_row(kind, outcome, *, listed: bool) -> dict:
    if not listed:
        reason = _("文件与上报清单中登记的摘要不符：文件已被改动。")
    elif outcome is not None:
        reason = outcome["reason"]
    else:
        reason = _("与上报清单中登记的 SM3 摘要一致。")
    return {
        "kind": str(kind),
        "label": str(Kind(kind).label),
        "valid": listed and (outcome is None or outcome["valid"]),
        "reason": str(reason),
        "signatures": outcome["signatures"] if outcome is not None else [],
    }


def counts_by_category(batch) -> list[tuple[str, str, int]]:
    """(code, name, count) in the order of the call's categories."""
    counts = Counter()
    names = {}
    for item in batch.items.select_related("application__category"):
        category = item.application.category
        counts[(category.sort_order, category.code)] += 1
        names[category.code] = category.name
    return [(code, names[code], counts[key]) for key in sorted(counts) for code in [key[1]]]


# ------------------------------------------------------------------------------------------------- the number


def unit_abbreviation(region: Region) -> str:
    return region.name.removeprefix("扬州")[:1]


def batch_number(region: Region, year: int, sequence: int) -> str:
    # An identifier printed on the letter, never translated.
    return f"{unit_abbreviation(region)}工信〔{year}〕{sequence}号"


def _next_sequence(region, year) -> int:
    last = Batch.objects.filter(region=region, year=year).order_by("-sequence").values_list("sequence", flat=True)
    return (last.first() or 0) + 1


# ------------------------------------------------------------------------------------------------- assemble


class _NumberTaken(Exception):
    """Another batch of the unit took the number the documents were rendered with: render again."""


def batch_assemble(*, actor, application_ids) -> Batch:
    """A batch of the actor's unit from recommended applications of one call, with its documents and manifest.

    422 listing every refused id and why (another unit's id reads as one that does not exist); 403 for anybody
    but a county reviewer. The documents are rendered before the transaction (they take seconds) with the next
    number; if another batch of the unit took it meanwhile, they are rendered again with the following one.
    """
    if not allowed(actor, "reviews.add_batch") or _region_id(actor) is None:
        raise PermissionDeniedError(_("只有县区工信、财政部门的审核人员可以组建上报批次。"))
    ids = _clean_ids(application_ids)
    _accepted, errors = refusals(actor, ids)  # said in the reader's language; the papers below are Chinese
    if errors:
        raise DomainError(errors[0]["message"], errors=errors)
    with translation.override("zh-hans"):  # the documents, their opinions and the audit text are official Chinese
        for _attempt in range(3):
            plan = _plan(actor, ids)
            rendered = _render(plan)
            try:
                with transaction.atomic():
                    return _store(actor, ids, plan, rendered)
            except _NumberTaken:
                continue
    raise Conflict(_("本单位同时有其他上报批次在组建，请稍后重试。"))


def _clean_ids(application_ids) -> list[int]:
    ids = list(dict.fromkeys(application_ids or []))
    if not ids:
        raise DomainError(_("请至少选择一份申报书。"), field="applications")
    if len(ids) > MAX_APPLICATIONS:
        raise DomainError(_("一个上报批次最多包含 %(n)d 份申报书。") % {"n": MAX_APPLICATIONS}, field="applications")
    return ids


def _region_id(user):
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    return organisation.region_id if organisation is not None else None


def refusals(actor, ids) -> tuple[list[Application], list[dict]]:
    """(the applications that may go in, one error per refused id): own unit, recommended, not yet in a batch for
    their round, all of one call."""
    found = {
        a.pk: a
        for a in Application.objects.filter(pk__in=ids, region_id=_region_id(actor)).select_related(
            "call", "category", "enterprise", "region"
        )
    }
    taken = {
        (item.application_id, item.round): item.batch.number
        for item in BatchItem.objects.filter(application_id__in=list(found)).select_related("batch")
    }
    accepted, errors = [], []
    for index, pk in enumerate(ids):
        application = found.get(pk)
        if application is None:
            reason = _("不存在或无权查看。")
        elif application.status != Application.Status.RECOMMENDED:
            reason = _("当前状态为“%(status)s”，只有县区已推荐的申报书可以上报。") % {
                "status": application.get_status_display()
            }
        elif (pk, application.review_round) in taken:
            reason = _("已在上报批次 %(number)s 中。") % {"number": taken[(pk, application.review_round)]}
        else:
            accepted.append(application)
            continue
        errors.append(
            {"field": f"applications.{index}", "message": _("申报书 %(id)s：%(reason)s") % {"id": pk, "reason": reason}}
        )
    calls = {a.call_id for a in accepted}
    if len(calls) > 1:
        errors.append({"field": "applications", "message": _("一个上报批次只能包含同一申报批次（通知）的申报书。")})
    return accepted, errors


def _plan(actor, ids) -> dict:
    accepted, errors = refusals(actor, ids)
    if errors:
        raise DomainError(errors[0]["message"], errors=errors)
    region = accepted[0].region
    bureaus = {
        o.kind: o for o in Organisation.objects.filter(region=region, kind__in=["county_industry", "county_finance"])
    }
    today = timezone.now().astimezone(SHANGHAI).date()
    sequence = _next_sequence(region, today.year)
    call = accepted[0].call
    entries, snapshot_ids = _entries(accepted)
    counts = Counter((a.category.sort_order, a.category.name) for a in accepted)
    city = Region.objects.filter(kind=Region.Kind.CITY).first()
    letter = documents.Letter(
        number=batch_number(region, today.year, sequence),
        date=today,
        unit=region.name,
        industry_bureau=bureaus["county_industry"].name if "county_industry" in bureaus else region.industry_bureau,
        finance_bureau=bureaus["county_finance"].name if "county_finance" in bureaus else region.finance_bureau,
        recipient=city.industry_bureau if city else _("扬州市工业和信息化局"),
        call_title=call.title,
        category_counts=[(name, counts[(order, name)]) for order, name in sorted(counts)],
    )
    return {
        "region": region,
        "call": call,
        "year": today.year,
        "sequence": sequence,
        "letter": letter,
        "entries": entries,
        "snapshot_ids": snapshot_ids,
    }


def _entries(applications) -> tuple[list[documents.Entry], dict[int, int]]:
    """One row per application from its latest snapshot (the version both bureaus approved) and the round's
    opinions, in the order of the call's categories and the receipt numbers."""
    ids = [a.pk for a in applications]
    snapshots = {}
    for snapshot in Snapshot.objects.filter(application_id__in=ids).order_by("application_id", "-version"):
        snapshots.setdefault(snapshot.application_id, snapshot)
    rounds = {a.pk: a.review_round for a in applications}
    opinions = {}
    for opinion in CountyOpinion.objects.filter(application_id__in=ids).order_by("created_at", "id"):
        if opinion.round == rounds[opinion.application_id]:
            opinions[(opinion.application_id, opinion.bureau)] = opinion
    ordered = sorted(applications, key=lambda a: (a.category.sort_order, a.receipt_no or "", a.pk))
    entries = []
    for position, application in enumerate(ordered, start=1):
        snapshot = snapshots[application.pk]
        frozen = json.loads(snapshot.canonical_json)
        derived = frozen.get("derived") or {}
        enterprise = frozen.get("enterprise") or {}
        entries.append(
            documents.Entry(
                position=position,
                application_id=application.pk,
                receipt_no=frozen.get("receipt_no") or application.receipt_no or "",
                enterprise=enterprise.get("name") or application.enterprise.name,
                uscc=enterprise.get("uscc") or "",
                category_code=(frozen.get("category") or {}).get("code", application.category.code),
                category_name=(frozen.get("category") or {}).get("name", application.category.name),
                investment_yuan=derived.get("investment_total_yuan"),
                rd_yuan=derived.get("rd_investment_total_yuan"),
                industry_opinion=_opinion(opinions.get((application.pk, "industry"))),
                finance_opinion=_opinion(opinions.get((application.pk, "finance"))),
                snapshot_version=snapshot.version,
                snapshot_sha256=snapshot.digest,
            )
        )
    return entries, {pk: snapshot.pk for pk, snapshot in snapshots.items()}


def _opinion(opinion) -> str:
    if opinion is None:
        return ""
    return documents.opinion_text(opinion.get_decision_display(), opinion.comment)


def _render(plan) -> dict:
    letter, entries = plan["letter"], plan["entries"]
    return {
        Kind.SUMMARY_XLSX: documents.summary_xlsx(letter, entries),
        Kind.SUMMARY_PDF: documents.summary_pdf(letter, entries),
        Kind.LETTER_PDF: documents.letter_pdf(letter),
    }


def _store(actor, ids, plan, rendered) -> Batch:
    region = Region.objects.select_for_update().get(pk=plan["region"].pk)  # serialises the unit's numbering
    accepted, errors = refusals(actor, ids)  # again, under the lock: nothing moved while we rendered
    if errors:
        raise DomainError(errors[0]["message"], errors=errors)
    if _next_sequence(region, plan["year"]) != plan["sequence"]:
        raise _NumberTaken
    letter = plan["letter"]
    batch = Batch.objects.create(
        call=plan["call"],
        region=region,
        number=letter.number,
        year=plan["year"],
        sequence=plan["sequence"],
        created_by=actor,
    )
    rounds = {a.pk: a.review_round for a in accepted}
    try:
        with transaction.atomic():
            BatchItem.objects.bulk_create(
                BatchItem(
                    batch=batch,
                    application_id=e.application_id,
                    snapshot_id=plan["snapshot_ids"][e.application_id],
                    round=rounds[e.application_id],
                    position=e.position,
                )
                for e in plan["entries"]
            )
    except IntegrityError as exc:  # another batch took one of them at the same moment
        raise Conflict(_("所选申报书中有的已被编入其他上报批次，请刷新后重试。")) from exc
    listed = []
    for kind in GENERATED_KINDS:
        document = _save_document(batch, kind, 0, rendered[kind].data, seal_spots=rendered[kind].seal_spots)
        listed.append(
            {
                "kind": kind,
                "filename": document_filename(batch, kind),
                "media_type": MEDIA_TYPES[kind],
                "size": document.size,
                "sm3": document.sm3,
            }
        )
    body = documents.manifest_body(batch=_batch_facts(batch, actor), entries=plan["entries"], documents=listed)
    canonical = application_services.canonical_json(body)
    batch.manifest = canonical.decode("utf-8")
    batch.manifest_digest = sm3_hex(canonical)
    batch.save(update_fields=["manifest", "manifest_digest"])
    unsealed = manifest_bytes({"body": body, "schema": "shenbao.sealed-manifest.v1", "signatures": []})
    _save_document(batch, Kind.MANIFEST, 0, unsealed)
    audit_record(
        action="batch.assemble",
        actor=actor,
        obj=batch,
        summary=_("组建上报批次 %(number)s（%(n)d 份申报书）") % {"number": batch.number, "n": len(accepted)},
        data={
            "number": batch.number,
            "applications": [e.application_id for e in plan["entries"]],
            "receipt_numbers": [e.receipt_no for e in plan["entries"]],
            "manifest_sm3": batch.manifest_digest,
        },
    )
    return batch


def _batch_facts(batch, actor) -> dict:
    return {
        "id": batch.pk,
        "number": batch.number,
        "region": {"code": batch.region_id, "name": batch.region.name},
        "call": {"id": batch.call_id, "code": batch.call.code, "title": batch.call.title, "year": batch.call.year},
        "assembled_at": batch.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "assembled_by": actor.get_username(),
    }


def _save_document(batch, kind, seals, data: bytes, *, seal_spots=None) -> BatchDocument:
    # Files are written inside the caller's transaction; a rollback leaves an unreferenced file, never a row
    # without its file.
    document = BatchDocument(
        batch=batch, kind=kind, seals=seals, sm3=sm3_hex(data), size=len(data), seal_spots=seal_spots or {}
    )
    document.file.save(f"{kind}{FILE_SUFFIX[kind]}", ContentFile(data), save=False)
    document.save()
    return document


# ------------------------------------------------------------------------------------------------- seal


def batch_seal(*, batch, actor) -> BatchSeal:
    """The actor's bureau seals the batch once: a stamp and an SM2 signature appended to each PDF, a seal on the
    manifest (which covers the xlsx by its digest). 409 when the bureau already sealed or the batch was sent."""
    bureau = bureau_of(actor)
    if bureau is None or not allowed(actor, "reviews.seal_batch", batch):
        raise PermissionDeniedError(_("只有本县区工信、财政部门的审核人员可以在上报批次上盖章。"))
    organisation = actor.organisation
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)  # the second seal builds on the first's bytes
        if batch.forwarded_at is not None:
            raise Conflict(_("该批次已上报市级，不能再盖章。"))
        if batch.seals.filter(bureau=bureau).exists():
            raise Conflict(_("本部门已在该批次上盖章。"))
        key = seal_key_for(organisation, actor=actor)
        stage = batch.seals.count() + 1
        signed_at = timezone.now().replace(microsecond=0)
        signer = actor.display_name or actor.get_username()
        for kind in PDF_KINDS:
            spot = (document_of(batch, kind, seals=0).seal_spots or {}).get(bureau) or {"page": -1, "at": [105, 50]}
            sealed = seal_pdf(
                read_document(document_of(batch, kind)),
                organisation=organisation,
                signer=signer,
                bureau_label=organisation.name,
                page=spot["page"],
                position=tuple(spot["at"]),
                signed_at=signed_at,
            )
            _save_document(batch, kind, stage, sealed)
        previous = json.loads(read_document(document_of(batch, Kind.MANIFEST)))["signatures"]
        sealed_manifest = seal_manifest(
            manifest_body_of(batch), previous, organisation=organisation, signer=signer, bureau_label=organisation.name
        )
        _save_document(batch, Kind.MANIFEST, stage, manifest_bytes(sealed_manifest))
        try:
            with transaction.atomic():
                seal = BatchSeal.objects.create(
                    batch=batch,
                    bureau=bureau,
                    organisation=organisation,
                    signer=actor,
                    key_id=key.key_id,
                    signed_at=signed_at,
                )
        except IntegrityError as exc:
            raise Conflict(_("本部门已在该批次上盖章。")) from exc
        if stage == len(BUREAUS_TO_SEAL):
            batch.state = Batch.State.SEALED
            batch.save(update_fields=["state"])
        audit_record(
            action="batch.seal",
            actor=actor,
            obj=batch,
            summary=_("%(org)s 在上报批次 %(number)s 上盖章") % {"org": organisation.name, "number": batch.number},
            data={
                "number": batch.number,
                "bureau": bureau,
                "key_id": key.key_id,
                "manifest_sm3": batch.manifest_digest,
            },
        )
    return seal


# ------------------------------------------------------------------------------------------------- forward


def batch_forward(*, batch, actor) -> Batch:
    """Both seals given: every application to 已上报市级 in one transaction (one refused transition undoes all),
    the batch marked forwarded, the city's officers told."""
    if not allowed(actor, "reviews.forward_batch", batch):
        raise PermissionDeniedError(_("只有本县区工信、财政部门的审核人员可以上报该批次。"))
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("region").get(pk=batch.pk)
        if batch.forwarded_at is not None:
            raise Conflict(_("该批次已上报市级。"))
        if {s.bureau for s in batch.seals.all()} < set(BUREAUS_TO_SEAL):
            raise Conflict(_("工信、财政两个部门都盖章后才能上报。"))
        items = {item.application_id: item for item in batch.items.all()}
        applications = (
            Application.objects.select_for_update(of=("self",))
            .filter(pk__in=list(items))
            .select_related("call", "category", "enterprise", "region")
            .order_by("pk")  # one lock order for everybody: no deadlock with a reviewer acting on one of them
        )
        for application in applications:
            if application.review_round != items[application.pk].round:
                raise Conflict(
                    _("申报书 %(receipt)s 已进入新的审核轮次，不能随本批次上报。") % {"receipt": application.receipt_no}
                )
            application_services.transition(
                application=application,
                action="forward",
                actor=actor,
                data={"batch_id": batch.pk, "batch": batch.number},
            )
        batch.state = Batch.State.FORWARDED
        batch.forwarded_at = timezone.now()
        batch.forwarded_by = actor
        batch.save(update_fields=["state", "forwarded_at", "forwarded_by"])
        audit_record(
            action="batch.forward",
            actor=actor,
            obj=batch,
            summary=_("上报批次 %(number)s 已上报市级（%(n)d 份申报书）") % {"number": batch.number, "n": len(items)},
            data={"number": batch.number, "applications": sorted(items), "manifest_sm3": batch.manifest_digest},
        )
        _tell_the_city(batch, len(items))
    return batch


def _tell_the_city(batch, count):
    with translation.override("zh-hans"):
        values = {"number": batch.number, "unit": batch.region.name, "n": count}
        notify(
            recipients=User.objects.filter(role=User.Role.CITY_OFFICER, is_active=True),
            subject=_("新的上报批次：%(number)s（%(unit)s）") % values,
            body=_("%(unit)s工信、财政部门已盖章上报批次 %(number)s，共 %(n)d 份申报书，请复核。") % values,
            link=reverse("reviews:batch_detail", args=[batch.pk]),
            obj=batch,
            kind="batch.forward",
        )


# ------------------------------------------------------------------------------------------------- demo


def demo_forward(*, applications, industry, finance) -> Batch:
    """The demo loader's sealed and forwarded batch of one unit (reviews/demo.py): the same three services."""
    batch = batch_assemble(actor=industry, application_ids=[a.pk for a in applications])
    batch_seal(batch=batch, actor=industry)
    batch_seal(batch=batch, actor=finance)
    return batch_forward(batch=batch, actor=industry)
