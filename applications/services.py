"""Writes of applications: create, autosave the draft, submit (snapshot, digest, receipt number), withdraw.

Every status change goes through `transition()`, which applies the workflow table with a conditional update
(`filter(pk=…, status=source).update(…)`, proceeding only when one row changed) and writes the audit event in
the same transaction.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region
from applications import forms, selectors, workflow
from applications.materials.selectors import materials_missing
from applications.materials.services import mark_submitted
from applications.models import Application, ReceiptCounter, Snapshot
from applications.rules import allowed
from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from core.merge_patch import merge_patch
from enterprises.selectors import profile_for, snapshot_of

# v2: records `form_version`; form keys relative to the call's year (docs/application-data.md).
SNAPSHOT_SCHEMA = "shenbao.application.v2"

DECLARATION_TEXT = (
    "承诺书：本单位郑重承诺，所提交的申报书及全部申报材料真实、准确、完整，无任何虚假内容；"
    "本单位在扬州市境内注册并纳税，具有独立法人资格，正常经营一年以上，组织机构、管理制度和财务核算制度健全，"
    "信用良好且无违法记录；申报项目未以同一内容重复申报其他财政资金。如有不实，本单位愿承担相应法律责任，"
    "并接受取消申报资格、追回扶持资金等处理。"
)


def canonical_json(obj) -> bytes:
    """docs/application-data.md: sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest_of(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


# ---------------------------------------------------------------------------------------------- transitions


def transition(*, application, action, actor, comment="", updates=None, data=None, signal_context=None):
    """Apply (status, action) -> target from the workflow table.

    `signal_context` adds keyword arguments to the `transitioned` signal (a submission passes the snapshot it
    froze, so that its receivers need not read it back).

    403 when the actor holds no permission for `action` on this application, 409 when the state does not allow
    it (or moved meanwhile), 422 when the row needs a comment and there is none.
    """
    if not workflow.rows_for(action):
        raise DomainError(_("未知的操作“%(a)s”。") % {"a": action}, field="action")
    if not workflow.may_ever(action, application, actor):
        raise PermissionDeniedError(_("您不能对这份申报书执行该操作。"))
    step = workflow.find(application.status, action)
    if step is None:
        raise Conflict(
            _("当前状态为“%(status)s”，不能执行该操作。") % {"status": application.get_status_display()},
            field="status",
        )
    if not workflow.permitted(step, application, actor):
        raise PermissionDeniedError(str(workflow.refusal(step, application, actor)))
    reason = workflow.refusal(step, application, actor)
    if reason:
        raise Conflict(str(reason), field="status")
    comment = (comment or "").strip()
    if step.requires_comment and not comment:
        raise DomainError(_("请填写“%(label)s”的理由。") % {"label": step.label}, field="comment")
    now = timezone.now()
    fields = {"status": step.target, "updated_at": now, **(updates or {})}
    with transaction.atomic():
        changed = Application.objects.filter(pk=application.pk, status=step.source).update(**fields)
        if changed != 1:
            raise Conflict(_("申报书状态已被其他操作改变，请刷新页面后重试。"), field="status")
        _apply_fields(application, fields)
        workflow.transitioned.send(
            sender=Application,
            application=application,
            step=step,
            actor=actor,
            comment=comment,
            **(signal_context or {}),
        )
        # Audited last: the audit chain's lock (audit/chain.py, one writer at a time for the whole site) is then
        # held only to the commit, not while the receivers work (a submission's flags, its messages) — under the
        # deadline rush every login and upload waited behind them (docs/performance.md, "Deadline rush").
        audit_record(
            action=f"application.{action}",
            actor=actor,
            obj=application,
            summary=str(step.public_label) + (f"：{comment}" if comment else ""),
            data={"from": step.source, "to": step.target, "comment": comment, **(data or {})},
        )
    return application


def _apply_fields(application, fields):
    expressions = [key for key, value in fields.items() if hasattr(value, "resolve_expression")]
    for key, value in fields.items():
        if key not in expressions:
            setattr(application, key, value)
    if expressions:
        application.refresh_from_db(fields=expressions)


# ---------------------------------------------------------------------------------------------- drafts


def application_create(*, call, category, actor) -> Application:
    """A new, empty draft of `category` in `call` for the actor's enterprise."""
    if not allowed(actor, "applications.add_application"):
        raise PermissionDeniedError(_("只有企业用户可以填报申报书。"))
    if category.call_id != call.id:
        raise DomainError(_("该申报类别不属于所选批次。"), field="category")
    now = timezone.now()
    if not call.opens_at <= now.replace(microsecond=0) <= call.deadline:
        raise Conflict(_("本批次当前不在受理时间内（%(status)s），不能新建申报书。") % {"status": call.status_label})
    form_version = forms.lookup.current_version(category)
    definition = forms.definition_for_version(form_version, year=call.year)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call,
                category=category,
                form_version=form_version,
                enterprise=actor.organisation,
                created_by=actor,
                data=forms.empty_data(definition, call=call),
            )
            audit_record(action="application.create", actor=actor, obj=application, summary=category.name)
    except IntegrityError as exc:
        raise Conflict(_("本单位在该批次已有“%(c)s”申报书，请继续填写已有的申报书。") % {"c": category.name}) from exc
    return application


def application_save_draft(*, application, data, version, actor):
    """Autosave: store what was typed (even if some values are wrong) and report the errors.

    Returns (application, errors). Raises Conflict (409) when `version` is stale or the application is not
    editable, DomainError (422) when `data` is not of the form's shape at all (then nothing is written).
    """
    if not allowed(actor, "applications.change_application", application):
        raise PermissionDeniedError(_("您不能修改这份申报书。"))
    if not workflow.is_editable(application):
        raise Conflict(
            _("申报书当前状态为“%(s)s”，不能修改；如需修改，请先撤回（县级审核开始前）。")
            % {"s": application.get_status_display()},
            field="status",
        )
    try:
        version = int(version)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("缺少草稿版本号（version），请刷新页面后重试。"), field="version") from exc
    definition = forms.definition_for_application(application)
    try:
        clean, errors = forms.validate(definition, data, call=application.call)
    except forms.StructureError as exc:
        raise DomainError(exc.errors[0]["message"], errors=exc.errors) from exc
    now = timezone.now()
    changed = _store_draft(application, clean, version=version, now=now, actor=actor)
    if changed != 1:
        current = Application.objects.filter(pk=application.pk).values("version", "status").first()
        if current and current["status"] not in workflow.EDITABLE_STATUSES:
            raise Conflict(_("申报书已提交，不能再修改；如需修改，请先撤回。"), field="status")
        raise Conflict(
            _("该申报书已被同单位其他人修改（您编辑的是第 %(v)s 版，当前为第 %(c)s 版）。为避免覆盖对方的内容，本次修改未保存；"
              "请复制您的修改后刷新页面，再重新填写。")
            % {"v": version, "c": current["version"] if current else "?"},
            field="version",
        )  # fmt: skip
    application.data = clean
    application.version = version + 1
    application.updated_at = now
    return application, errors


def _store_draft(application, clean, *, version, now, actor) -> int:
    """One conditional UPDATE (the autosave's hot path, no transaction of its own); after a return the change is
    audited with it in one transaction."""

    def update():
        return Application.objects.filter(
            pk=application.pk, version=version, status__in=workflow.EDITABLE_STATUSES
        ).update(data=clean, version=F("version") + 1, updated_at=now)

    if application.status != Application.Status.RETURNED:
        return update()
    with transaction.atomic():
        changed = update()
        if changed == 1:
            _audit_edit_after_return(application, actor, application.data, clean)
    return changed


def _audit_edit_after_return(application, actor, before, after):
    """What the enterprise changed after the county returned it (the field keys; the diff of the versions is
    on the review page once it is resubmitted)."""
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if keys:
        audit_record(
            action="application.edit_after_return",
            actor=actor,
            obj=application,
            summary=_("退回后修改：%(fields)s") % {"fields": "、".join(keys)},
            data={"fields": keys},
        )


def application_patch_draft(*, application: Application, patch: dict, version, actor):
    """The API's save: `patch` is a JSON merge patch (RFC 7396) of the stored data, so a client can change one
    field. The merge base is the data of `version`; a stale version is refused (409) by the save itself."""
    return application_save_draft(
        application=application, data=merge_patch(application.data, patch), version=version, actor=actor
    )


# ---------------------------------------------------------------------------------------------- submission


def _submission_action(application):
    return "resubmit" if application.status == Application.Status.RETURNED else "submit"


def submission_problems(application, *, declaration, profile, figures, eligibility) -> list[dict]:
    """Everything that stops the submission, all at once: fields, materials, eligibility, declaration."""
    definition = forms.definition_for_application(application)
    try:
        _clean, errors = forms.validate(definition, application.data, call=application.call, for_submission=True)
    except forms.StructureError as exc:
        errors = list(exc.errors)
    if profile is None:
        errors.append({"field": "enterprise", "message": _("请先在“企业信息”中填写并保存本单位的基本情况。")})
    for item in materials_missing(application):
        errors.append({"field": f"materials.{item.code}", "message": _("缺少申报材料“%(n)s”。") % {"n": item.name}})
    for check in eligibility["checks"]:
        if not check["passed"] and check["code"] != "profile":
            errors.append({"field": f"eligibility.{check['code']}", "message": check["message"]})
    if declaration is not True:
        errors.append({"field": "declaration", "message": _("请阅读并勾选承诺书（申报材料真实性承诺）。")})
    return errors


def _region_of(application, profile):
    code = (profile.registered_region if profile is not None else "") or application.enterprise.region_id
    region = Region.objects.filter(code=code).first() if code else None
    if region is None or not region.is_county_level:
        raise DomainError(
            _("企业信息中的注册地不是扬州市的县（市、区）或功能区，无法确定受理单位。"), field="enterprise"
        )
    return region


def next_receipt_no(*, call, category, region) -> str:
    """`{prefix}-{short}-{region}-{NNNN}`, gap-free per (call, category, region). Call inside a transaction."""
    # The UPDATE locks the unit's row to the end of the transaction: concurrent submissions of one unit number
    # one after the other, and a rolled-back one gives its number back. The row is made by the unit's first.
    number = _increment_counter(call.pk, category.pk, region.pk)
    if number is None:
        ReceiptCounter.objects.get_or_create(call=call, category=category, region=region)
        number = _increment_counter(call.pk, category.pk, region.pk)
    return f"{call.receipt_prefix}-{category.short_code}-{region.code}-{number:04d}"


def _increment_counter(call_id, category_id, region_id) -> int | None:
    """The unit's next number, or None when it has no counter yet: one UPDATE … RETURNING (PostgreSQL, and
    SQLite since 3.35), instead of an UPDATE and a SELECT."""
    table = ReceiptCounter._meta.db_table
    sql = (
        f"UPDATE {table} SET last_number = last_number + 1"  # noqa: S608 - our own table name, values bound
        " WHERE call_id = %s AND category_id = %s AND region_id = %s RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [call_id, category_id, region_id])
        row = cursor.fetchone()
    return None if row is None else row[0]


def build_snapshot(application, *, receipt_no, version, submitted_at, profile_json, figures, eligibility, actor):
    call, category = application.call, application.category
    materials = [
        {
            "item_code": m.item.code,
            "item_name": m.item.name,
            "filename": m.original_name,
            "content_type": m.content_type,
            "size": m.size,
            "sha256": m.sha256,
        }
        for m in application.materials.select_related("item").order_by("item__sort_order", "uploaded_at", "id")
    ]
    return {
        "schema": SNAPSHOT_SCHEMA,
        "application_id": application.pk,
        "receipt_no": receipt_no,
        "version": version,
        "submitted_at": submitted_at.astimezone(dt.UTC).isoformat(),
        "call": {
            "id": call.pk,
            "code": call.code,
            "title": call.title,
            "year": call.year,
            "deadline": call.deadline.astimezone(dt.UTC).isoformat(),
            "investment_period": [call.investment_period_start.isoformat(), call.investment_period_end.isoformat()],
        },
        "category": {"code": category.code, "name": category.name},
        "form_version": {"id": application.form_version_id, "version": application.form_version.version},
        "enterprise": profile_json,
        "form": application.data,
        "derived": figures,
        "materials": materials,
        "eligibility": eligibility,
        "declaration": {
            "accepted": True,
            "text": DECLARATION_TEXT,
            "by": actor.username,
            "at": submitted_at.astimezone(dt.UTC).isoformat(),
        },
    }


def application_submit(*, application, actor, declaration) -> Application:
    """Check everything, then in one transaction: snapshot, digest, receipt number, status 已提交."""
    if not allowed(actor, "applications.submit_application", application):
        raise PermissionDeniedError(_("您不能提交这份申报书。"))
    with transaction.atomic():
        # Lock the row: the data checked is the data frozen, even if an autosave arrives meanwhile.
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "category", "enterprise")
            .get(pk=application.pk)
        )
        step = workflow.find(application.status, _submission_action(application))
        if step is None:
            raise Conflict(
                _("申报书当前状态为“%(s)s”，不能提交。") % {"s": application.get_status_display()}, field="status"
            )
        if not workflow.permitted(step, application, actor):
            raise PermissionDeniedError(str(workflow.refusal(step, application, actor)))
        reason = workflow.refusal(step, application, actor)
        if reason:
            raise Conflict(str(reason), field="status")
        profile = profile_for(application.enterprise)
        figures = selectors.application_figures(application)
        eligibility = selectors.eligibility_for(application, figures=figures, profile=profile)
        problems = submission_problems(
            application, declaration=declaration, profile=profile, figures=figures, eligibility=eligibility
        )
        if problems:
            raise DomainError(
                _("申报书还不能提交，请先处理以下 %(n)s 个问题。") % {"n": len(problems)}, errors=problems
            )
        region = _region_of(application, profile)
        receipt_no = application.receipt_no or next_receipt_no(
            call=application.call, category=application.category, region=region
        )
        # Only a submission makes a snapshot, and it gives the receipt number: a first submission has none.
        first_submission = not application.receipt_no
        version = 1 if first_submission else application.snapshots.count() + 1
        submitted_at = timezone.now().replace(microsecond=0)
        snapshot = build_snapshot(
            application,
            receipt_no=receipt_no,
            version=version,
            submitted_at=submitted_at,
            profile_json=snapshot_of(profile),
            figures=figures,
            eligibility=eligibility,
            actor=actor,
        )
        canonical = canonical_json(snapshot)
        digest = digest_of(canonical)
        Snapshot.objects.create(
            application=application, version=version, canonical_json=canonical.decode("utf-8"), digest=digest
        )
        mark_submitted(application=application)
        transition(
            application=application,
            action=step.action,
            actor=actor,
            updates={
                "receipt_no": receipt_no,
                "digest": digest,
                "submitted_at": submitted_at,
                "region": region,
                "declaration_accepted": True,
                "review_round": application.review_round + 1,  # both bureaus give their opinion on this version
            },
            data={"receipt_no": receipt_no, "digest": digest, "version": version},
            # The flags read what was frozen (parsed back from the canonical text: no alias of the live draft).
            signal_context={"snapshot": json.loads(canonical), "first_submission": first_submission},
        )
        if _RENDER_PDF_ON_SUBMIT.get():
            transaction.on_commit(lambda: _queue_pdf(application.pk))
    return application


# The PDF is cached by digest and rendered on demand when missing; bulk loaders (the demo) skip the eager render.
_RENDER_PDF_ON_SUBMIT = contextvars.ContextVar("render_pdf_on_submit", default=True)


@contextlib.contextmanager
def pdfs_rendered_on_demand():
    token = _RENDER_PDF_ON_SUBMIT.set(False)
    try:
        yield
    finally:
        _RENDER_PDF_ON_SUBMIT.reset(token)


def _queue_pdf(application_id):
    from applications.tasks import render_pdf_task  # the task module imports the PDF stack: load it lazily

    try:
        render_pdf_task.delay(application_id)
    except Exception:  # noqa: BLE001 - a PDF failure must never undo or fail a submission; it renders on demand
        import logging

        logging.getLogger(__name__).exception("PDF task for application %s failed to queue", application_id)


def application_withdraw(*, application, actor, comment="") -> Application:
    """Until the county starts its review (today: while 已提交)."""
    if not allowed(actor, "applications.withdraw_application", application):
        raise PermissionDeniedError(_("您不能撤回这份申报书。"))
    return transition(application=application, action="withdraw", actor=actor, comment=comment)
