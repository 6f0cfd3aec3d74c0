"""Enterprise pages: registration, profile, dashboard and the public self-check (政策体检). Thin: forms parse,
services write, selectors read, the engine judges."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import home_url_name
from core.errors import DomainError
from enterprises import eligibility as el
from enterprises.forms import ProfileCreateForm, ProfileForm, RegistrationForm, SelfCheckForm
from enterprises.selectors import (
    enterprise_facts,
    open_calls_with_categories,
    profile_for,
    profile_versions,
    thresholds_for,
)
from enterprises.services import enterprise_register, profile_save
from enterprises.sizeclass import classify
from programmes.models import SHANGHAI


def _add_domain_errors(form, exc: DomainError):
    for error in exc.errors:
        field = error.get("field")
        form.add_error(field if field in form.fields else None, error["message"])


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect(home_url_name(request.user))
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = enterprise_register(
                uscc=form.cleaned_data["uscc"],
                password=form.cleaned_data["password1"],
                data=form.profile_data(),
                declarations=form.declarations(),
            )
        except DomainError as exc:
            _add_domain_errors(form, exc)
        else:
            login(request, user, backend="accounts.backends.UsernameOrMobileBackend")
            messages.success(
                request,
                _("注册成功。您的登录名为统一社会信用代码 %(u)s，也可用联系人手机登录。") % {"u": user.username},
            )
            return redirect("enterprises:dashboard")
    return render(request, "enterprises/register.html", {"form": form})


def _enterprise_only(request):
    if not request.user.has_perm("enterprises.view_dashboard"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    _enterprise_only(request)
    organisation = request.user.organisation
    existing = profile_for(organisation)
    if existing is not None and not request.user.has_perm("enterprises.change_enterpriseprofile", existing):
        raise PermissionDenied
    form_class = ProfileForm if existing else ProfileCreateForm
    initial = ProfileForm.initial_from(existing) if existing else {"name": organisation.name}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile_save(
                organisation=organisation,
                data=form.profile_data(),
                declarations=form.declarations(),
                actor=request.user,
                uscc=form.cleaned_data.get("uscc"),
            )
        except DomainError as exc:
            _add_domain_errors(form, exc)
        else:
            messages.success(request, _("企业信息已保存。已提交的申报书不受影响，仍以提交时的信息为准。"))
            return redirect("enterprises:profile")
    versions = profile_versions(existing)[:20] if existing else []
    return render(request, "enterprises/profile.html", {"form": form, "profile": existing, "versions": versions})


def _from_applications(profile, calls):
    """(call id, category id) -> (application, eligibility dict) for the enterprise's latest application of each.

    With an application the category rules are judged on its form; without one they say the form is not filled.
    """
    try:
        from applications.models import Application
        from applications.selectors import eligibility_for
    except ImportError:  # the applications app is optional for this page
        return {}
    results = {}
    applications = (
        Application.objects.filter(enterprise_id=profile.organisation_id, call__in=calls)
        .select_related("call", "category")
        .order_by("-id")
    )
    for application in applications:
        key = (application.call_id, application.category_id)
        if key not in results:
            results[key] = (application, eligibility_for(application, profile=profile))
    return results


def dashboard_rows(profile, moment=None):
    """For each open call and each category: whether the enterprise qualifies and what is missing."""
    rows = []
    if profile is None:
        return rows
    facts = enterprise_facts(profile)
    calls = open_calls_with_categories(moment)
    from_applications = _from_applications(profile, calls)
    for call in calls:
        reference = call.deadline.astimezone(SHANGHAI).date()
        for category in call.categories.all():
            application, result = from_applications.get((call.id, category.id), (None, None))
            if result is None:
                result = el.evaluate(category, enterprise=facts, reference_date=reference).as_dict()
            checks = result["checks"]
            rows.append(
                {
                    "call": call,
                    "category": category,
                    "application": application,
                    "result": result,
                    "basic_ok": all(c["passed"] for c in checks if c["code"] in el.COMMON_CHECKS),
                    "missing": [c for c in checks if not c["passed"]],
                }
            )
    return rows


@login_required
def dashboard(request):
    _enterprise_only(request)
    profile = profile_for(request.user.organisation)
    return render(
        request,
        "enterprises/dashboard.html",
        {"org": request.user.organisation, "profile": profile, "rows": dashboard_rows(profile)},
    )


@require_http_methods(["GET", "POST"])
def self_check(request):
    profile = None
    if request.user.is_authenticated and request.user.has_perm("enterprises.view_dashboard"):
        profile = profile_for(request.user.organisation)
    result = size = None
    if request.method == "POST":
        form = SelfCheckForm(request.POST)
        if form.is_valid():
            code, reference, enterprise, demonstration, new_product = form.facts()
            category, default_reference = thresholds_for(code)
            result = el.evaluate(
                category,
                enterprise=enterprise,
                demonstration=demonstration,
                new_product=new_product,
                reference_date=reference or default_reference,
            )
            size = classify(enterprise.industry, enterprise.employees, enterprise.revenue_yuan, enterprise.assets_yuan)
    else:
        form = SelfCheckForm(initial=SelfCheckForm.initial_from(profile))
    template = (
        "enterprises/_selfcheck_result.html" if request.headers.get("HX-Request") else "enterprises/self_check.html"
    )
    return render(
        request, template, {"form": form, "result": result, "size": size, "profile": profile, "labels": el.CHECK_LABELS}
    )
