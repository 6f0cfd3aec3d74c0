"""The login's second step for staff (accounts/two_factor.py): the code, the enrolment of a first device with
its recovery codes, the recovery codes' renewal, and the idle warning's "keep me signed in"."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import two_factor
from accounts.forms import EnrolForm, OTPForm


def _next_url(request) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def _throttle_message(seconds: int) -> str:
    return ngettext("尝试次数过多，请 %(n)s 秒后再试。", "尝试次数过多，请 %(n)s 秒后再试。", seconds) % {"n": seconds}


@login_required
@require_http_methods(["GET", "POST"])
def otp_step(request):
    next_url = _next_url(request)
    if not two_factor.session_requires_two_factor(request):
        return redirect(next_url)
    user = request.user
    if two_factor.confirmed_device(user) is None:
        return redirect(_with_next("accounts:otp_enrol", next_url))
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        wait = two_factor.throttled_seconds(user, code)
        if wait:
            form.add_error("code", _throttle_message(wait))
        else:
            device = two_factor.verify_code(user, code)
            if device is not None:
                two_factor.complete_login(request, device)
                return redirect(next_url)
            two_factor.record_failure(request, user)
            form.add_error("code", _("验证码不正确或已过期，请重新输入。"))
    return render(request, "accounts/otp.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    next_url = _next_url(request)
    if not two_factor.session_requires_two_factor(request):
        return redirect(next_url)
    user = request.user
    if two_factor.confirmed_device(user) is not None:
        # Only an account without a device enrols one; a second device is added after an administrator's reset.
        return redirect(_with_next("accounts:otp", next_url))
    device = two_factor.enrolment_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.wait_seconds([device])
        if wait:
            form.add_error("code", _throttle_message(wait))
        else:
            result = two_factor.enrolment_confirm(
                user=user, device=device, code=form.cleaned_data["code"], request=request
            )
            if result is not None:
                device, codes = result
                two_factor.complete_login(request, device)
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
            two_factor.record_failure(request, user)
            form.add_error("code", _("验证码不正确，请确认手机时间准确后重新输入。"))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_base32(device),
    }
    return render(request, "accounts/otp_enrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_settings(request):
    """A staff account's own second factor: since when, how many recovery codes are left, new ones."""
    user = request.user
    if not two_factor.requires_two_factor(user):
        raise PermissionDenied
    if request.method == "POST":
        if not user.is_verified():  # only a session that passed the second factor may replace the codes
            raise PermissionDenied
        codes = two_factor.recovery_codes_renew(user=user, request=request)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:two_factor")})
    context = {
        "device": two_factor.confirmed_device(user),
        "recovery_left": two_factor.recovery_codes_left(user),
        "verified": user.is_verified(),
    }
    return render(request, "accounts/two_factor.html", context)


@require_POST
@login_required
def keepalive(request):
    """The idle warning's "继续使用": the request itself counts as activity (accounts.middleware)."""
    return HttpResponse(status=204)
