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
    profile_for,
    profile_versions,
    thresholds_for,
)
from enterprises.services import enterprise_register, profile_save
from enterprises.sizeclass import classify
from enterprises.uscc import outside_yangzhou_hint


def _uscc_hint(form, profile=None) -> str | None:
    """The non-blocking "code issued outside Yangzhou" hint for the profile's code, or the one typed in."""
    code = profile.uscc if profile is not None else getattr(form, "cleaned_data", {}).get("uscc")
    return outside_yangzhou_hint(code) if code else None


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
                request=request,
            )
        except DomainError as exc:
            _add_domain_errors(form, exc)
        else:
            login(request, user, backend="accounts.backends.UsernameOrMobileBackend")
            messages.success(
                request,
                _("注册成功。您的登录名为统一社会信用代码 %(u)s，也可用联系人手机登录。") % {"u": user.username},
            )
            if hint := outside_yangzhou_hint(user.username):
                messages.warning(request, hint)
            return redirect("enterprises:dashboard")
    return render(request, "enterprises/register.html", {"form": form, "uscc_hint": _uscc_hint(form)})


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
                request=request,
            )
        except DomainError as exc:
            _add_domain_errors(form, exc)
        else:
            messages.success(request, _("企业信息已保存。已提交的申报书不受影响，仍以提交时的信息为准。"))
            return redirect("enterprises:profile")
    versions = profile_versions(existing)[:20] if existing else []
    context = {"form": form, "profile": existing, "versions": versions, "uscc_hint": _uscc_hint(form, existing)}
    return render(request, "enterprises/profile.html", context)


@login_required
def dashboard(request):
    _enterprise_only(request)
    profile = profile_for(request.user.organisation)
    # The eligibility rows are judged on the enterprise's applications where there are some, so the
    # applications app renders them (applications/_enterprise_eligibility.html); this app imports none of it.
    return render(request, "enterprises/dashboard.html", {"org": request.user.organisation, "profile": profile})


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
