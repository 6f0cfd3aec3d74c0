"""Writes of enterprise data: registration, profile saves (each one a new version) and declarations."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, Region, User
from audit.services import audit_record
from core.errors import DomainError
from enterprises.models import Declaration, EnterpriseProfile, EnterpriseProfileVersion
from enterprises.selectors import snapshot_of
from enterprises.uscc import InvalidCreditCode, normalise, registration_authority_region

# The exact wording the enterprise ticks. Changing a text here makes every profile show it as not yet ticked
# for the new wording only when it is saved again; saved versions keep the text that was ticked.
DECLARATION_WORDING = {
    Declaration.Kind.SOUND_MANAGEMENT: gettext_lazy("本企业具备健全的组织机构、管理制度和独立的财务核算制度。"),
    Declaration.Kind.GOOD_CREDIT: gettext_lazy("本企业信用良好。"),
    Declaration.Kind.NO_ILLEGAL_RECORD: gettext_lazy("本企业无违法记录。"),
}

PROFILE_FIELDS = (
    "name",
    "legal_representative",
    "contact_person",
    "mobile",
    "email",
    "registered_region",
    "tax_region",
    "established_on",
    "independent_legal_person",
    "industry",
    "employees",
    "revenue_yuan",
    "assets_yuan",
)


def _errors_of(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return [{"field": f, "message": str(m)} for f, msgs in exc.message_dict.items() for m in msgs]
    return [{"field": None, "message": str(m)} for m in exc.messages]


def contact_for_region(code) -> str:
    """Whom to contact about a registration in region ``code``: the county-level unit's 工信（经发） bureau, or
    the city's (扬州市工业和信息化局) for any other code."""
    region = Region.objects.filter(code=code).first() if code else None
    if region is None or not region.is_county_level:
        region = Region.objects.filter(kind=Region.Kind.CITY).first()
    return region.industry_bureau if region is not None else _("系统管理员")


def taken_message(uscc: str) -> str:
    """The credit code is registered already. Says whom to contact — the bureau of the unit in the code
    itself (positions 3–8), else the city's — and never who holds it: the page is public."""
    region = registration_authority_region(uscc)
    return _(
        "统一社会信用代码 %(uscc)s 已经注册，不能重复注册。如需找回账户，或并非本企业注册，请联系%(contact)s。"
    ) % {"uscc": uscc, "contact": contact_for_region(region)}


def check_uscc_available(uscc: str, *, exclude_profile_id=None) -> str:
    """Normalise the credit code and make sure nobody else holds it; raise DomainError(field='uscc')."""
    try:
        code = normalise(uscc)
    except InvalidCreditCode as exc:
        raise DomainError(exc.message, field="uscc") from None
    if EnterpriseProfile.objects.filter(uscc=code).exclude(pk=exclude_profile_id).exists():
        raise DomainError(taken_message(code), field="uscc")
    return code


def _set_declarations(profile, declarations: dict, actor, now):
    for kind in Declaration.Kind.values:
        accepted = bool(declarations.get(kind, False))
        wording = str(DECLARATION_WORDING[kind])
        current = profile.declaration(kind)
        if current and current.accepted == accepted and current.wording == wording:
            continue  # unchanged: keep who ticked it and when
        Declaration.objects.update_or_create(
            profile=profile,
            kind=kind,
            defaults={"wording": wording, "accepted": accepted, "by": actor, "at": now},
        )
    # Drop the prefetched declarations so the snapshot below reads the new rows.
    if hasattr(profile, "_prefetched_objects_cache"):
        profile._prefetched_objects_cache.pop("declarations", None)


def _record_version(profile, actor, request, created):
    profile.refresh_from_db()
    version = EnterpriseProfileVersion.objects.create(
        profile=profile, version=profile.version, data=snapshot_of(profile), saved_by=actor
    )
    audit_record(
        action="enterprise.profile_save",
        actor=actor,
        obj=profile,
        summary=_("保存企业信息：%(name)s（第 %(v)s 版）") % {"name": profile.name, "v": profile.version},
        data={"version": profile.version, "version_row": version.pk, "created": created},
        request=request,
    )


def _sync_organisation(organisation, profile):
    organisation.name = profile.name
    organisation.region_id = (
        profile.registered_region if Region.objects.filter(code=profile.registered_region).exists() else None
    )
    organisation.save(update_fields=["name", "region"])


@transaction.atomic
def profile_save(
    *,
    organisation: Organisation,
    data: dict,
    declarations: dict,
    actor: User,
    uscc: str | None = None,
    request: HttpRequest | None = None,
) -> EnterpriseProfile:
    """Create or update the organisation's profile; every save is a new version with its full JSON and an event.

    `uscc` is required when the profile is created and cannot be changed afterwards (ask the administrator).
    Submitted applications are unaffected: they keep the snapshot taken at submission.
    """
    profile = EnterpriseProfile.objects.select_for_update().filter(organisation=organisation).first()
    created = profile is None
    if created:
        profile = EnterpriseProfile(organisation=organisation, uscc=check_uscc_available(uscc or ""))
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.updated_by = actor
    profile.version += 1
    try:
        profile.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise DomainError(_("企业信息有误，请检查。"), errors=_errors_of(exc)) from None
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise DomainError(taken_message(profile.uscc), field="uscc") from None
    _set_declarations(profile, declarations, actor, timezone.now())
    _sync_organisation(organisation, profile)
    _record_version(profile, actor, request, created)
    return profile


@transaction.atomic
def enterprise_register(
    *, uscc: str, password: str, data: dict, declarations: dict, request: HttpRequest | None = None
) -> User:
    """Self-registration: an Organisation(kind=enterprise), its first user (login name = credit code) and profile."""
    code = check_uscc_available(uscc)
    mobile = data.get("mobile")
    if mobile and User.objects.filter(mobile=mobile).exists():
        raise DomainError(
            _("手机号码 %(m)s 已被其他账户使用，请换一个号码或联系系统管理员。") % {"m": mobile}, field="mobile"
        )
    if User.objects.filter(username=code).exists():
        raise DomainError(_("登录名 %(u)s 已存在，请联系系统管理员。") % {"u": code}, field="uscc")
    user = User(
        username=code, role=User.Role.ENTERPRISE, display_name=data.get("contact_person", ""), mobile=mobile or None
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            exc.messages[0], errors=[{"field": "password1", "message": m} for m in exc.messages]
        ) from None
    organisation = Organisation.objects.create(name=data.get("name") or code, kind=Organisation.Kind.ENTERPRISE)
    user.organisation = organisation
    user.set_password(password)
    user.save()
    audit_record(
        action="enterprise.register",
        actor=user,
        obj=organisation,
        summary=_("企业注册：%(name)s（%(uscc)s）") % {"name": organisation.name, "uscc": code},
        data={"uscc": code, "user": user.pk},
        request=request,
    )
    profile_save(
        organisation=organisation, data=data, declarations=declarations, actor=user, uscc=code, request=request
    )
    return user
