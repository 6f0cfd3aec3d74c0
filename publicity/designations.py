"""The designation (认定): after a category's publicity period the city issues the final list.

The final list is the publicity's entries that were not removed (an upheld objection removes an entry). Each gets
its `Designation` — kind (示范企业 or 试点企业 for the demonstration category, as the city decides per entry, default
示范企业; 新产品新技术项目 for new products), a number 扬工信认〔year〕N号 — and moves expert_review → designated;
every other application of the call and category still in expert review moves to not_selected. Both are system
rows of applications/workflow.py taken here. Each applicant is told its outcome (inbox + email). The sealed PDF
certificates are made after the commit (publicity/certificates.py), or on the first download if that failed.
The publicity itself is closed (公示结束, `publicity.services.close`, audited) in the same transaction.

Services (writes) and selectors (reads) of the designation are both here; the rules are rules_designations.py.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.models import Application
from audit.services import audit_record
from core.errors import Conflict, DomainError, PermissionDeniedError
from notifications.selectors import users_of_organisation
from notifications.services import notify
from programmes.models import Call, Category
from programmes.vocabulary import DESIGNATION_KINDS
from publicity import period, rules_designations
from publicity import services as publicity_services
from publicity.models import Designation, Objection, Publicity, PublicityEntry

Status = Application.Status

# The city bureau's document number (文号) of a designation; the year is the year of issue (Beijing time).
NUMBER_PREFIX = "扬工信认〔{year}〕"
NUMBER_FORMAT = NUMBER_PREFIX + "{n}号"
DEMONSTRATION = "demonstration"
DEMONSTRATION_KINDS = ("demonstration_enterprise", "pilot_enterprise")
DEFAULT_KIND = {DEMONSTRATION: "demonstration_enterprise", "new_product": "new_product"}
SM3_HEX = re.compile(r"[0-9a-f]{64}\Z")


# ------------------------------------------------------------------------------------------------- selectors


def publicity_of(call: Call, category: Category) -> Publicity | None:
    """The category's standing publicity (the latest one not withdrawn)."""
    return (
        Publicity.objects.filter(call=call, category=category)
        .exclude(state=Publicity.State.WITHDRAWN)
        .order_by("-published_at", "-id")
        .first()
    )


def period_over(publicity: Publicity) -> bool:
    """ends_on is the last day of objections (inclusive, Beijing date): over from the next day on."""
    return period.phase(publicity.starts_on, publicity.ends_on) == period.CLOSED


def final_entries(publicity: Publicity) -> list[PublicityEntry]:
    """The published entries still standing (an upheld objection removed the others), in published order."""
    return list(
        publicity.entries.filter(removed_at__isnull=True)
        .select_related("application__enterprise", "application__category")
        .order_by("position", "id")
    )


def designations_of(call: Call, category: Category):
    """The category's designations in the order of their numbers (given in one go, so in id order)."""
    return (
        Designation.objects.filter(call=call, category=category)
        .select_related("application__enterprise", "issued_by")
        .order_by("issued_at", "id")
    )


def designation_of(application) -> Designation | None:
    return Designation.objects.filter(application=application).select_related("call", "category").first()


def kind_label(kind: str) -> str:
    return str(DESIGNATION_KINDS.label(kind))


def results(*, year: int | None = None) -> list[dict]:
    """The public results: per call year, per category, the designated enterprises with kind, number and date.

    [{"year", "categories": [{"code", "name", "call", "designations": [{"enterprise", "kind", "kind_label",
    "number", "issued_on"}]}]}], newest year first. Nothing but what a 公告 would print."""
    rows = Designation.objects.select_related("call", "category", "application__enterprise").order_by(
        "-call__year", "call_id", "category__sort_order", "category_id", "issued_at", "id"
    )
    if year is not None:
        rows = rows.filter(call__year=year)
    years: dict[int, dict] = {}
    for designation in rows:
        entry = years.setdefault(designation.call.year, {"year": designation.call.year, "categories": {}})
        key = (designation.call_id, designation.category_id)
        category = entry["categories"].setdefault(
            key,
            {
                "code": designation.category.code,
                "name": designation.category.name,
                "call": designation.call.title,
                "designations": [],
            },
        )
        category["designations"].append(public_row(designation))
    return [{"year": y["year"], "categories": list(y["categories"].values())} for y in years.values()]


def public_row(designation: Designation) -> dict:
    return {
        "enterprise": designation.application.enterprise.name,
        "kind": designation.kind,
        "kind_label": kind_label(designation.kind),
        "number": designation.number,
        "issued_on": timezone.localtime(designation.issued_at).date().isoformat(),
    }


def result_years() -> list[int]:
    return sorted(set(Designation.objects.values_list("call__year", flat=True)), reverse=True)


def certificate_lookup(key: str) -> Designation | None:
    """The designation a verification address names: the certificate's SM3 (64 hex digits) or its number."""
    key = (key or "").strip()
    rows = Designation.objects.select_related("call", "category", "application__enterprise")
    if SM3_HEX.match(key.lower()):
        return rows.filter(certificate_sm3=key.lower()).first()
    return rows.filter(number=key).first()


def certificate_for(user, *, application_id: int) -> Designation:
    """The designation whose certificate `user` may download; Http404 for anyone else or without one."""
    from django.http import Http404

    application = Application.objects.filter(pk=application_id).select_related("enterprise").first()
    if application is None or not rules_designations.may_read_certificate(user, application):
        raise Http404
    designation = designation_of(application)
    if designation is None:
        raise Http404
    return designation


def outcome_for(user, application) -> dict | None:
    """What the application page shows of the outcome: None before there is one, or to someone who may not read
    the application."""
    if application is None or not rules_designations.may_read_certificate(user, application):
        return None
    designation = designation_of(application)
    if designation is not None:
        return {
            "designated": True,
            "designation": designation,
            "kind_label": kind_label(designation.kind),
            "issued_on": timezone.localtime(designation.issued_at).date(),
            "download_url": reverse("designations:certificate", args=[application.pk]),
            "verify_url": reverse("designations:certificate_verify", args=[designation.number]),
        }
    if application.status == Status.NOT_SELECTED:
        return {"designated": False, "designation": None}
    return None


# ------------------------------------------------------------------------------------------------- services


def designations_issue(*, actor, call: Call, category: Category, kinds: dict | None = None) -> dict:
    """Issue the category's final list (city officers; 409 before the period ended or when already issued).

    kinds: {application id: kind} for the demonstration category (示范企业 by default, 试点企业 where given).
    Returns {"designations": [Designation], "not_selected": [Application]}.
    """
    if not rules_designations.may_issue(actor):
        raise PermissionDeniedError(_("只有市级管理员可以认定。"))
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()  # one issuance of a call at a time
        publicity = _issuable_publicity(call, category)
        entries = final_entries(publicity)
        chosen = _kinds_of(category, entries, kinds or {})
        _check_states(call, category, entries)
        # The publicity ends with the designation (公示结束), in this transaction: no objection after it.
        publicity_services.close(actor=actor, publicity=publicity)
        now = timezone.now()
        designations = _designate(actor, call, category, entries, chosen, now=now)
        others = list(
            Application.objects.filter(call=call, category=category, status=Status.EXPERT_REVIEW)
            .exclude(pk__in=[e.application_id for e in entries])
            .select_related("enterprise", "category")
            .order_by("receipt_no", "id")
        )
        for application in others:
            application_services.transition(application=application, action="not_select", actor=actor)
        audit_record(
            action="designation.issue",
            actor=actor,
            obj=publicity,
            # The audit speaks Chinese whatever the officer's page language (a record, not a page).
            summary=f"{category.name}认定 {len(designations)} 家，未入选 {len(others)} 家",
            data={
                "call": call.pk,
                "category": category.code,
                "publicity": publicity.pk,
                "designated": [
                    {"application": d.application_id, "number": d.number, "kind": d.kind} for d in designations
                ],
                "not_selected": [a.pk for a in others],
            },
        )
        _tell_outcomes(designations, others)
        ids = [d.pk for d in designations]
        transaction.on_commit(lambda: _make_certificates(ids))
    return {"designations": designations, "not_selected": others, "publicity": publicity}


def _issuable_publicity(call, category) -> Publicity:
    if Designation.objects.filter(call=call, category=category).exists():
        raise Conflict(_("该类别已经认定，不能重复认定。"), field="category")
    publicity = publicity_of(call, category)
    if publicity is None:
        raise Conflict(_("该类别尚未公示，公示期满后才能认定。"), field="category")
    if not period_over(publicity):
        raise Conflict(
            _("公示期至 %(date)s 结束，期满后才能认定。") % {"date": publicity.ends_on.isoformat()}, field="category"
        )
    if Objection.objects.filter(publicity=publicity, state=Objection.State.PENDING).exists():
        raise Conflict(_("还有未处理的异议，处理完毕后才能认定。"), field="category")
    return publicity


def _kinds_of(category, entries, kinds: dict) -> dict[int, str]:
    """Each entry's kind; 422 naming every bad key at once."""
    default = DEFAULT_KIND.get(category.code)
    if default is None:
        raise DomainError(_("该申报类别没有对应的认定类型。"), field="category")
    allowed = DEMONSTRATION_KINDS if category.code == DEMONSTRATION else (default,)
    on_list = {e.application_id for e in entries}
    chosen = {application_id: default for application_id in on_list}
    errors = []
    for key, kind in kinds.items():
        try:
            application_id = int(key)
        except (TypeError, ValueError):
            application_id = None
        field = f"kinds.{key}"
        if application_id not in on_list:
            errors.append({"field": field, "message": _("该申报书不在公示后的认定名单中。")})
        elif kind not in allowed:
            labels = _("、").join(kind_label(k) for k in allowed)
            errors.append({"field": field, "message": _("认定类型只能是：%(kinds)s。") % {"kinds": labels}})
        else:
            chosen[application_id] = kind
    if errors:
        raise DomainError(errors[0]["message"], errors=errors)
    return chosen


def _check_states(call, category, entries):
    moved = [e for e in entries if e.application.status != Status.EXPERT_REVIEW]
    if moved:
        receipts = _("、").join(e.application.receipt_no or str(e.application_id) for e in moved)
        raise Conflict(
            _("以下申报书已不在专家评审阶段，不能认定：%(receipts)s。") % {"receipts": receipts}, field="category"
        )


def _designate(actor, call, category, entries, chosen, *, now) -> list[Designation]:
    year = timezone.localtime(now).year
    n = _last_number(year)
    designations = []
    for entry in entries:
        n += 1
        kind = chosen[entry.application_id]
        try:
            with transaction.atomic():
                designation = Designation.objects.create(
                    application=entry.application,
                    call=call,
                    category=category,
                    kind=kind,
                    number=NUMBER_FORMAT.format(year=year, n=n),
                    issued_at=now,
                    issued_by=actor,
                )
        except IntegrityError as error:  # another call's issuance took the number meanwhile
            raise Conflict(_("认定编号已被占用，请重试。"), field="category") from error
        application_services.transition(
            application=entry.application,
            action="designate",
            actor=actor,
            data={"designation": designation.number, "kind": kind},
        )
        designations.append(designation)
    return designations


def _last_number(year: int) -> int:
    prefix = NUMBER_PREFIX.format(year=year)
    numbers = Designation.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = 0
    for number in numbers:
        digits = number[len(prefix) :].rstrip("号")
        if digits.isdigit():
            last = max(last, int(digits))
    return last


def _tell_outcomes(designations, others):
    with translation.override("zh-hans"):  # the mail goes out in Chinese whatever the officer's page language
        for designation in designations:
            application = designation.application
            values = _values(application) | {"kind": kind_label(designation.kind), "number": designation.number}
            notify(
                recipients=users_of_organisation(application.enterprise_id),
                subject=_("认定结果：已认定（%(receipt)s）") % values,
                body=_(
                    "您的“%(category)s”申报（受理编号 %(receipt)s）经专家评审和社会公示，被认定为%(kind)s，"
                    "认定编号 %(number)s。请登录系统查看并下载认定证书。"
                )
                % values,
                link=reverse("applications:detail", args=[application.pk]),
                obj=application,
                kind="designation.designated",
                expected_state=Status.DESIGNATED,
            )
        for application in others:
            values = _values(application)
            notify(
                recipients=users_of_organisation(application.enterprise_id),
                subject=_("评审结果：未入选（%(receipt)s）") % values,
                body=_("您的“%(category)s”申报（受理编号 %(receipt)s）经专家评审，本次未入选。感谢您的参与。") % values,
                link=reverse("applications:detail", args=[application.pk]),
                obj=application,
                kind="designation.not_selected",
                expected_state=Status.NOT_SELECTED,
            )


def _values(application) -> dict:
    return {"receipt": application.receipt_no or "", "category": application.category.name}


def _make_certificates(ids):
    from publicity.certificates import certificates_task

    certificates_task.delay(ids)
