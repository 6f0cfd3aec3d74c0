"""Reads of enterprise data: the profile, its JSON snapshot (docs/application-data.md) and its eligibility facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import Region
from enterprises.eligibility import DefaultThresholds, EnterpriseFacts
from enterprises.models import Declaration, EnterpriseProfile
from enterprises.sizeclass import INDUSTRY_LABELS

SHANGHAI = ZoneInfo("Asia/Shanghai")
SNAPSHOT_SCHEMA = "shenbao.enterprise.v1"


def profile_for(organisation, *, signers=True) -> EnterpriseProfile | None:
    """The profile with its declarations; `signers=False` leaves out who ticked each one (the eligibility check
    reads only whether it is ticked: one query fewer on every autosave)."""
    if organisation is None:
        return None
    return (
        EnterpriseProfile.objects.filter(organisation=organisation)
        .select_related("organisation")
        .prefetch_related("declarations__by" if signers else "declarations")
        .first()
    )


def _region_names(*codes) -> dict[str, str]:
    wanted = {c for c in codes if c}
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name")) if wanted else {}


def _region(code, names):
    return {"code": code or "", "name": names.get(code, "") if code else ""}


def _money(value):
    return None if value is None else f"{value:.2f}"


def _declaration(profile, kind):
    d = profile.declaration(kind)
    if d is None:
        return {"accepted": False, "text": "", "by": None, "at": None}
    return {
        "accepted": d.accepted,
        "text": d.wording,
        "by": d.by.username if d.by_id else None,
        "at": d.at.isoformat() if d.at else None,
    }


def snapshot_of(profile: EnterpriseProfile) -> dict:
    """JSON-safe: money as decimal strings, dates ISO, region code and name, industry code and label."""
    names = _region_names(profile.registered_region, profile.tax_region)  # one query for both
    return {
        "schema": SNAPSHOT_SCHEMA,
        "organisation_id": profile.organisation_id,
        "version": profile.version,
        "uscc": profile.uscc,
        "name": profile.name,
        "legal_representative": profile.legal_representative,
        "contact_person": profile.contact_person,
        "mobile": profile.mobile,
        "email": profile.email,
        "registered_region": _region(profile.registered_region, names),
        "tax_region": _region(profile.tax_region, names),
        "established_on": profile.established_on.isoformat() if profile.established_on else None,
        "independent_legal_person": profile.independent_legal_person,
        "industry": {"code": profile.industry, "label": INDUSTRY_LABELS.get(profile.industry, "")},
        "employees": profile.employees,
        "revenue_yuan": _money(profile.revenue_yuan),
        "assets_yuan": _money(profile.assets_yuan),
        "declarations": {kind: _declaration(profile, kind) for kind in Declaration.Kind.values},
        "updated_at": profile.updated_at.isoformat() if profile.updated_at else None,
    }


def profile_snapshot(organisation) -> dict:
    """The organisation's profile as JSON (for snapshots); {} when it has no profile yet."""
    profile = profile_for(organisation)
    return snapshot_of(profile) if profile else {}


def enterprise_facts(profile: EnterpriseProfile) -> EnterpriseFacts:
    K = Declaration.Kind
    return EnterpriseFacts(
        uscc=profile.uscc,
        registered_region=profile.registered_region,
        tax_region=profile.tax_region,
        independent_legal_person=profile.independent_legal_person,
        established_on=profile.established_on,
        industry=profile.industry,
        employees=profile.employees,
        revenue_yuan=profile.revenue_yuan,
        assets_yuan=profile.assets_yuan,
        sound_management=profile.declared(K.SOUND_MANAGEMENT),
        good_credit=profile.declared(K.GOOD_CREDIT),
        illegal_record=not profile.declared(K.NO_ILLEGAL_RECORD),
    )


def enterprise_facts_from_snapshot(frozen: dict) -> EnterpriseFacts:
    """The facts of a profile frozen by `snapshot_of` (a submitted application's "enterprise")."""
    declared = {
        kind: bool((frozen.get("declarations") or {}).get(kind, {}).get("accepted")) for kind in Declaration.Kind.values
    }
    money = {
        key: Decimal(frozen[key]) if frozen.get(key) not in (None, "") else None
        for key in ("revenue_yuan", "assets_yuan")
    }
    established = frozen.get("established_on")
    return EnterpriseFacts(
        uscc=frozen.get("uscc", ""),
        registered_region=(frozen.get("registered_region") or {}).get("code", ""),
        tax_region=(frozen.get("tax_region") or {}).get("code", ""),
        independent_legal_person=bool(frozen.get("independent_legal_person")),
        established_on=dt.date.fromisoformat(established) if established else None,
        industry=(frozen.get("industry") or {}).get("code", ""),
        employees=frozen.get("employees"),
        revenue_yuan=money["revenue_yuan"],
        assets_yuan=money["assets_yuan"],
        sound_management=declared[Declaration.Kind.SOUND_MANAGEMENT],
        good_credit=declared[Declaration.Kind.GOOD_CREDIT],
        illegal_record=not declared[Declaration.Kind.NO_ILLEGAL_RECORD],
    )


def profile_versions(profile: EnterpriseProfile):
    return profile.versions.select_related("saved_by").order_by("-version")


def reference_call(moment=None):
    """The call a self-check is measured against: the open call with the nearest deadline, else the latest call."""
    from programmes.models import Call

    moment = moment or timezone.now()
    call = Call.objects.open_at(moment).order_by("deadline").prefetch_related("categories").first()
    return call or Call.objects.order_by("-deadline").prefetch_related("categories").first()


def thresholds_for(code: str, moment=None):
    """(category-like object with the thresholds, default reference date) for a category code.

    The category of the reference call when there is one (its deadline's date in Asia/Shanghai is the default
    reference date), else the 2018 defaults and today's date.
    """
    moment = moment or timezone.now()
    call = reference_call(moment)
    if call is not None:
        for category in call.categories.all():
            if category.code == code:
                open_now = call.opens_at <= moment <= call.deadline
                ref = call.deadline.astimezone(SHANGHAI).date() if open_now else moment.astimezone(SHANGHAI).date()
                return category, ref
    return DefaultThresholds(code=code), moment.astimezone(SHANGHAI).date()


def open_calls_with_categories(moment=None):
    from programmes.models import Call

    return list(Call.objects.open_at(moment or timezone.now()).order_by("deadline").prefetch_related("categories"))
