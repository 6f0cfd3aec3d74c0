"""Writes of the publicity: publishing a proposed list, lodging an objection (public, real-name, during the
period, evidence checked like the materials), deciding it (upheld takes the entry off with the reason). Each
write is audited and touches the publicity's `updated_at`, which is in the cache key of its public page."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import rules
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from applications.materials.checks import inspect_upload
from applications.models import Application
from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from evaluation.selectors import proposed_selection
from notifications import sms
from programmes.models import Call, Category
from publicity import period, selectors
from publicity.models import Objection, ObjectionFile, Publicity, PublicityEntry

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Names that are no name: an objection signed so is anonymous (domain.md §6: anonymous objections not accepted).
NOT_A_NAME = {"匿名", "无名", "无名氏", "某某", "群众", "知情人", "知情者", "一群众", "网友", "anonymous"}
MAX_FILES = 5
MAX_GROUNDS = 5000
# The evidence "checklist item" the materials' checks take: same detection, size limit and types as materials.
EVIDENCE = SimpleNamespace(
    name=gettext_noop("异议证据材料"), max_size_bytes=10 * 1024 * 1024, allowed_type_list=["pdf", "jpeg", "png"]
)


def _require(actor, perm, obj=None):
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDeniedError(_("只有组织本批次的市级管理员可以执行此操作。"))


def touch(publicity: Publicity) -> None:
    """Mark the publicity changed: its public page and API answer are rebuilt on the next read."""
    publicity.updated_at = timezone.now()
    Publicity.objects.filter(pk=publicity.pk).update(updated_at=publicity.updated_at)
    selectors.forget_version(publicity.pk)


def close(*, actor, publicity: Publicity, designation: bool = True) -> bool:
    """The publicity is over for good (公示结束): its category's designation was issued on its list. Runs in the
    caller's transaction (publicity.designations.designations_issue); the row is changed before the audit event
    (locks before the chain). Only a publicity still `published` closes: False when it was not. Objections are
    refused from then on (`_check_period`), whatever the dates say."""
    now = timezone.now()
    with transaction.atomic():
        closed = Publicity.objects.filter(pk=publicity.pk, state=Publicity.State.PUBLISHED).update(
            state=Publicity.State.CLOSED, updated_at=now
        )
        if not closed:
            return False
        before, publicity.state, publicity.updated_at = Publicity.State.PUBLISHED, Publicity.State.CLOSED, now
        audit_record(
            action="publicity.close",
            actor=actor,
            obj=publicity,
            summary=gettext_noop("公示结束"),
            from_state=before,
            to_state=publicity.state,
            data={"call": publicity.call_id, "category": publicity.category_id, "designation": designation},
        )
        transaction.on_commit(lambda: selectors.forget_version(publicity.pk))
    selectors.forget_version(publicity.pk)
    return True


# ---------------------------------------------------------------------------------------------- publishing


def _eligible(call: Call, category: Category, application_ids) -> tuple[list[Application], dict]:
    """The applications to publish: by default the proposed selection; any given one must be in it or in the
    expert review of this call and category."""
    selection = proposed_selection(call, category)
    selected = [e["application"] for e in selection["entries"]]
    ids = selected if application_ids is None else [int(a) for a in application_ids]
    if not ids:
        raise DomainError(_("拟入选名单为空，无可公示的申报书。"), field="applications")
    if len(set(ids)) != len(ids):
        raise DomainError(_("公示名单中有重复的申报书。"), field="applications")
    found = Application.objects.filter(pk__in=ids, call=call, category=category).select_related("enterprise", "region")
    by_id = {a.pk: a for a in found}
    for pk in ids:
        app = by_id.get(pk)
        if app is None or (pk not in selected and app.status != Application.Status.EXPERT_REVIEW):
            raise DomainError(
                _("申报书 %(id)s 不在本类别的拟入选名单或专家评审中，不能公示。") % {"id": pk}, field="applications"
            )
    return [by_id[pk] for pk in ids], {e["application"]: e for e in selection["entries"]}


def publish(
    *,
    actor,
    call: Call,
    category: Category,
    application_ids=None,
    starts_on: dt.date | None = None,
    days: int = period.DEFAULT_DAYS,
    working_days: bool = False,
    supervision_phone: str = "",
    supervision_contact: str = "",
) -> Publicity:
    _require(actor, "publicity.publish", call)
    starts_on = starts_on or period.local_today()
    if starts_on < period.local_today():
        raise DomainError(_("公示开始日期不能早于今天。"), field="starts_on")
    ends_on = period.end_of(starts_on, int(days), bool(working_days))
    phone = (supervision_phone or getattr(settings, "PUBLICITY_SUPERVISION_PHONE", "")).strip()
    contact = (supervision_contact or getattr(settings, "PUBLICITY_SUPERVISION_CONTACT", "")).strip()
    if not phone or len(phone) > 32:
        raise DomainError(_("请填写监督电话。"), field="supervision_phone")
    if not contact or len(contact) > 64:
        raise DomainError(_("请填写联系人。"), field="supervision_contact")
    applications, selected = _eligible(call, category, application_ids)
    with transaction.atomic():
        live = Publicity.objects.select_for_update().filter(
            call=call, category=category, state=Publicity.State.PUBLISHED, ends_on__gte=period.local_today()
        )
        if live.exists():
            raise Conflict(_("本类别已有正在进行或尚未开始的公示。"))
        publicity = Publicity.objects.create(
            call=call,
            category=category,
            starts_on=starts_on,
            ends_on=ends_on,
            days=days,
            working_days=bool(working_days),
            supervision_phone=phone,
            supervision_contact=contact,
            published_by=actor,
        )
        PublicityEntry.objects.bulk_create(
            [_entry(publicity, n, app, selected.get(app.pk)) for n, app in enumerate(applications, start=1)]
        )
        audit_record(
            action="publicity.publish",
            actor=actor,
            obj=publicity,
            summary=gettext_noop("发布公示"),
            data={
                "call": call.pk,
                "category": category.code,
                "applications": [a.pk for a in applications],
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "days": days,
                "working_days": bool(working_days),
            },
        )
    return publicity


def _entry(publicity, position, application, selected) -> PublicityEntry:
    row = (selected or {}).get("row") or {}
    return PublicityEntry(
        publicity=publicity,
        application=application,
        position=position,
        rank=row.get("position"),
        enterprise_name=application.enterprise.name,
        category_name=publicity.category.name,
        # The public summary line: the county and the receipt number (the facts of the list, no business data).
        summary=f"{application.region.name} {application.receipt_no or ''}".strip(),
    )


# ---------------------------------------------------------------------------------------------- objections


def _check_objector(name: str, mobile: str, grounds: str) -> list[dict]:
    errors = []
    if not name or not mobile or name.lower() in NOT_A_NAME:
        errors.append(
            {
                "field": "name" if not name or name.lower() in NOT_A_NAME else "mobile",
                "message": _("异议须署真实姓名并留手机号码，匿名异议不予受理。"),
            }
        )
    elif not 2 <= len(name) <= 30:
        errors.append({"field": "name", "message": _("请填写真实姓名（2 至 30 个字）。")})
    if mobile and not MOBILE.match(mobile):
        errors.append({"field": "mobile", "message": _("请填写 11 位手机号码。")})
    if not grounds:
        errors.append({"field": "grounds", "message": _("请写明异议的事实和理由。")})
    elif len(grounds) > MAX_GROUNDS:
        errors.append({"field": "grounds", "message": _("异议事由不得超过 %(max)d 字。") % {"max": MAX_GROUNDS}})
    return errors


def _check_period(publicity: Publicity) -> None:
    if publicity.state != Publicity.State.PUBLISHED:
        raise DomainError(_("该公示已结束或已撤回，不再受理异议。"))
    phase = period.phase(publicity.starts_on, publicity.ends_on)
    if phase == period.BEFORE:
        raise DomainError(_("公示期尚未开始，暂不受理异议。"))
    if phase == period.CLOSED:
        raise DomainError(_("公示期已结束，不再受理异议。"))


def lodge_objection(
    *, publicity: Publicity, application_id, name: str, mobile: str, grounds: str, files=(), ip: str | None = None
) -> Objection:
    """A member of the public objects to one entry. Refused outside the period, anonymous, or with a bad file."""
    _check_period(publicity)
    name, mobile, grounds = (name or "").strip(), re.sub(r"[\s-]", "", mobile or ""), (grounds or "").strip()
    errors = _check_objector(name, mobile, grounds)
    entry = None
    try:
        entry = publicity.entries.filter(application_id=int(application_id), removed_at__isnull=True).first()
    except (TypeError, ValueError):
        pass
    if entry is None:
        errors.append({"field": "application", "message": _("请选择公示名单中的异议对象。")})
    files = list(files)
    if len(files) > MAX_FILES:
        errors.append({"field": "files", "message": _("证据材料最多 %(max)d 个文件。") % {"max": MAX_FILES}})
    if errors:
        raise DomainError(errors[0]["message"], errors=errors)
    item = SimpleNamespace(**{**vars(EVIDENCE), "name": _(EVIDENCE.name)})
    inspected = [(f, inspect_upload(f, item)) for f in files]  # DomainError(field "file") on the first refused
    with transaction.atomic():
        objection = Objection.objects.create(
            publicity=publicity, entry=entry, name=name, mobile=mobile, grounds=grounds, ip=ip or None
        )
        for upload, checked in inspected:
            record = ObjectionFile(
                objection=objection,
                original_name=checked.filename,
                sha256=checked.sha256,
                size=checked.size,
                content_type=checked.content_type,
            )
            record.file.save(checked.filename, upload, save=False)
            record.save()
        audit_record(
            action="publicity.objection",
            obj=objection,
            summary=gettext_noop("收到公示异议"),
            data={
                "publicity": publicity.pk,
                "application": entry.application_id,
                "files": [c.sha256 for _f, c in inspected],
                "mobile": sms.mask_mobile(mobile),
            },
        )
        transaction.on_commit(lambda: _sms_received(objection))
    return objection


def status_link(objection: Objection) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/publicity/objections/{objection.token}/"


def _sms_received(objection):
    sms.send(
        objection.mobile,
        _("【扬州市工信局】您对“%(name)s”的公示异议已收到，处理结果请查询：%(link)s")
        % {"name": objection.entry.enterprise_name, "link": status_link(objection)},
    )


def _sms_decided(objection):
    sms.send(
        objection.mobile,
        _("【扬州市工信局】您对“%(name)s”的公示异议已处理（%(state)s）。答复：%(reply)s 详情：%(link)s")
        % {
            "name": objection.entry.enterprise_name,
            "state": objection.get_state_display(),
            "reply": objection.reply,
            "link": status_link(objection),
        },
    )


def decide(*, actor, objection: Objection, upheld: bool, reply: str, reason: str = "") -> Objection:
    """Uphold or dismiss an objection with a reply to the objector; upheld takes the entry off the list."""
    _require(actor, "publicity.decide_objection", objection)
    reply, reason = (reply or "").strip(), (reason or "").strip()
    if not reply:
        raise DomainError(_("请填写给异议人的答复。"), field="reply")
    if len(reply) > MAX_GROUNDS:
        raise DomainError(_("答复不得超过 %(max)d 字。") % {"max": MAX_GROUNDS}, field="reply")
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("entry", "publicity").get(pk=objection.pk)
        if objection.state != Objection.State.PENDING:
            raise Conflict(_("该异议已处理。"))
        before = objection.state
        objection.state = Objection.State.UPHELD if upheld else Objection.State.DISMISSED
        objection.reply, objection.decided_by, objection.decided_at = reply, actor, timezone.now()
        objection.save(update_fields=["state", "reply", "decided_by", "decided_at"])
        entry = objection.entry
        if upheld and entry.removed_at is None:
            entry.removed_at = objection.decided_at
            entry.removal_reason = reason or reply
            entry.save(update_fields=["removed_at", "removal_reason"])
        touch(objection.publicity)
        audit_record(
            action="publicity.objection_decide",
            actor=actor,
            obj=objection,
            summary=gettext_noop("处理公示异议"),
            from_state=before,
            to_state=objection.state,
            comment=reply,
            data={
                "publicity": objection.publicity_id,
                "application": entry.application_id,
                "removed": bool(upheld),
                "removal_reason": entry.removal_reason if upheld else "",
            },
        )
        transaction.on_commit(lambda: _sms_decided(objection))
    return objection
