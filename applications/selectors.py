"""Reads of applications: what a user may see, the derived figures and the live eligibility."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import derived as derived_mod
from applications.models import Application
from applications.workflow import EDITABLE_STATUSES
from programmes.models import SHANGHAI, Call
from applications.forms.legacy import snapshot_form


def applications_visible_to(user):
    """Every list and detail goes through here: the per-organisation and per-region isolation."""
    qs = Application.objects.select_related("call", "category", "enterprise", "region")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser or user.role == User.Role.ADMIN:
        return qs
    left_draft = ~Q(status=Application.Status.DRAFT) | Q(receipt_no__isnull=False)
    if user.role == User.Role.ENTERPRISE:
        return qs.filter(enterprise_id=user.organisation_id) if user.organisation_id else qs.none()
    if user.role in {User.Role.COUNTY_INDUSTRY, User.Role.COUNTY_FINANCE}:
        region = user.organisation.region_id if user.organisation_id else None
        return qs.filter(left_draft, region_id=region) if region else qs.none()
    if user.role == User.Role.CITY_OFFICER:
        return qs.filter(left_draft)
    return qs.none()


def application_for(user, pk) -> Application:
    """The application if `user` may see it; Http404 otherwise (never reveal that it exists)."""
    application = applications_visible_to(user).filter(pk=pk).first()
    if application is None or not user.has_perm("applications.view_application", application):
        raise Http404
    return application


def is_editable(application) -> bool:
    return application.status in EDITABLE_STATUSES


def reference_date(call):
    """Eligibility is judged at the call's deadline (the date in Asia/Shanghai)."""
    return call.deadline.astimezone(SHANGHAI).date()


def investment_period(call):
    return (call.investment_period_start, call.investment_period_end)


def application_figures(application, data=None) -> dict:
    data = application.data if data is None else data
    return derived_mod.figures(application.category.code, data, period=investment_period(application.call))


def _no_profile_result(category_code):
    return {
        "eligible": False,
        "size_class": "unknown",
        "size_reason": _("尚未填写企业信息，无法划型。"),
        "checks": [
            {"code": "profile", "passed": False, "message": _("请先在“企业信息”中填写并保存本单位的基本情况。")}
        ],
    }


def eligibility_for(application, *, figures=None, profile=None) -> dict:
    """The eligibility engine on the enterprise profile and the form's derived figures (as_dict shape)."""
    from enterprises import eligibility
    from enterprises.selectors import enterprise_facts, profile_for

    figures = application_figures(application) if figures is None else figures
    profile = profile_for(application.enterprise) if profile is None else profile
    if profile is None:
        return _no_profile_result(application.category.code)
    kwargs = {}
    if application.category.code == eligibility.DEMONSTRATION:
        kwargs["demonstration"] = derived_mod.demonstration_facts(figures)
    else:
        kwargs["new_product"] = derived_mod.new_product_facts(figures)
    result = eligibility.evaluate(
        application.category,
        enterprise=enterprise_facts(profile),
        reference_date=reference_date(application.call),
        **kwargs,
    )
    return result.as_dict()


def materials_missing(application):
    """Required checklist items without a file (the materials service's, if present)."""
    try:
        from applications.materials import materials_missing as service_missing
    except ImportError:
        service_missing = None
    if service_missing is not None:
        return list(service_missing(application))
    have = set(application.materials.values_list("item_id", flat=True))
    return [item for item in application.category.material_items.all() if item.required and item.id not in have]


def time_left(call, now=None):
    """(open?, seconds left until the deadline) at `now`."""
    now = (now or timezone.now()).replace(microsecond=0)
    return call.opens_at <= now <= call.deadline, max(0, int((call.deadline - now).total_seconds()))


def time_left_text(call, now=None):
    is_open, seconds = time_left(call, now)
    now = now or timezone.now()
    if now < call.opens_at:
        return _("尚未开始受理")
    if not is_open:
        return _("已截止")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("距截止还有 %(d)s 天 %(h)s 小时") % {"d": days, "h": hours}
    return _("距截止还有 %(h)s 小时 %(m)s 分钟") % {"h": hours, "m": minutes}


def startable_categories(user):
    """(call, category, existing application or None) for every open call, for the dashboard buttons."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    existing = {
        (a.call_id, a.category_id): a
        for a in Application.objects.filter(enterprise_id=user.organisation_id).only(
            "id", "call_id", "category_id", "status"
        )
    }
    rows = []
    for call in Call.objects.open_now().prefetch_related("categories").order_by("deadline"):
        for category in call.categories.all():
            rows.append((call, category, existing.get((call.id, category.id))))
    return rows
