"""Staff sessions: the second factor before anything else, and the end of a session after 30 idle minutes.

Both apply to sessions opened with a password by a staff account (accounts/two_factor.py sets the flag at
login); enterprises' sessions and the tests' Client.force_login sessions carry no flag. Installed after
django_otp's OTPMiddleware, which tells whether the session is verified.
"""

from __future__ import annotations

import time
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import two_factor


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> tuple[str, ...]:
        """What a session that still waits for its code may reach: the code and enrolment pages, logout, and
        what those pages load."""
        return (
            reverse("accounts:otp"),
            reverse("accounts:otp_enrol"),
            reverse("accounts:logout"),
            "/api/v1/auth/token",  # asks for password and code itself
            reverse("javascript-catalog"),
            reverse("set_language"),
            settings.STATIC_URL,
            "/favicon.ico",
            "/healthz",
        )

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or not session.get(two_factor.REQUIRED_SESSION_KEY):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or not two_factor.requires_two_factor(user):
            return self.get_response(request)

        now = time.time()
        last = session.get(two_factor.LAST_ACTIVITY_SESSION_KEY)
        if last is not None and now - last > two_factor.IDLE_TIMEOUT.total_seconds():
            if request.path == reverse("accounts:logout"):
                return self.get_response(request)  # leaving anyway
            return self.expired(request)
        if last is None or now - last >= two_factor.ACTIVITY_RESOLUTION_SECONDS:
            session[two_factor.LAST_ACTIVITY_SESSION_KEY] = now

        if not user.is_verified() and not request.path.startswith(self.open_paths):
            return self.unverified(request)
        return self.get_response(request)

    @staticmethod
    def _is_api(request) -> bool:
        return request.path.startswith("/api/")

    @staticmethod
    def _next(request) -> str:
        # An htmx request asks for a fragment; come back to the page it was made from.
        current = request.headers.get("HX-Current-URL") if request.headers.get("HX-Request") else None
        return urlsplit(current).path if current else request.get_full_path()

    def unverified(self, request):
        if self._is_api(request):
            return JsonResponse({"errors": [{"field": "otp", "message": _("请先在登录页完成两步验证。")}]}, status=401)
        return self._to(request, redirect_to_login(self._next(request), login_url=reverse("accounts:otp")))

    def expired(self, request):
        logout(request)
        message = _("您已超过 30 分钟未操作，为保护账户安全已自动退出，请重新登录。")
        if self._is_api(request):
            return JsonResponse({"errors": [{"field": None, "message": message}]}, status=401)
        messages.warning(request, message)
        return self._to(request, redirect_to_login(self._next(request), login_url=resolve_url(settings.LOGIN_URL)))

    @staticmethod
    def _to(request, redirect):
        if request.headers.get("HX-Request"):  # htmx would swap the login page into a fragment: reload instead
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect["Location"]
            return response
        return redirect
