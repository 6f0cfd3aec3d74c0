"""What the lockout misses: one address trying many names, and one name tried from many addresses.

django-axes locks a name *from one address* after AXES_FAILURE_LIMIT failures (settings: the pair, so nobody can
lock a reviewer out of their own desk by typing their name wrong elsewhere). On top of that, for the login page
and `POST /api/v1/auth/token` alike:

- **spraying**: an address with LOGIN_ADDRESS_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW, whatever the
  names, waits until that window ends;
- **slow-down**: once a name has failed LOGIN_SLOWDOWN_AFTER times (from any addresses, within the window after
  its last failure), each further attempt on it must wait 1, 2, 4 … seconds after the last failure, at most
  LOGIN_SLOWDOWN_MAX_SECONDS. Slowed, never locked: whoever tries after the wait is heard.

A refused attempt is answered 429 with Retry-After (nothing sleeps in the request) before the password is looked
at, so it is no failure of its own and never moves a lock. Counters live in the default cache, which every worker
shares; a successful login forgets the name's failures (not the address's: a sprayer's own account must not wipe
its count). `manage.py login_unlock` forgets both, with axes' lock.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.backends import resolve_username
from core import jsonsafe
from core.clientip import client_ip
from core.errors import DomainError

API_TOKEN_PATH = "/api/v1/auth/token"
_clock = time.time  # tests move it instead of sleeping


def _key(kind, value):
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
    return f"login-throttle:{kind}:{digest}"


def _window():
    return settings.LOGIN_FAILURE_WINDOW.total_seconds()


def _name_wait(failures):
    """Seconds a name must rest after its last failure, having failed `failures` times."""
    beyond = failures - settings.LOGIN_SLOWDOWN_AFTER
    if beyond < 0:
        return 0
    return min(2**beyond, settings.LOGIN_SLOWDOWN_MAX_SECONDS)


def retry_after(*, username, address) -> int:
    """Seconds until an attempt on `username` from `address` is heard (0: now)."""
    now = _clock()
    waits = [0.0]
    if address:
        state = cache.get(_key("address", address))
        if state and state["n"] >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            waits.append(state["start"] + _window() - now)
    if username:
        state = cache.get(_key("name", username))
        if state:
            waits.append(state["last"] + _name_wait(state["n"]) - now)
    return max(0, math.ceil(max(waits)))


def record_failure(*, username, address) -> None:
    now = _clock()
    if address:
        key = _key("address", address)
        state = cache.get(key)
        if not state or state["start"] + _window() <= now:
            state = {"n": 0, "start": now}
        state["n"] += 1
        cache.set(key, state, max(1, math.ceil(state["start"] + _window() - now)))
    if username:
        key = _key("name", username)
        state = cache.get(key) or {"n": 0}
        state = {"n": state["n"] + 1, "last": now}
        cache.set(key, state, math.ceil(_window()) + settings.LOGIN_SLOWDOWN_MAX_SECONDS)


def forget(*, username=None, address=None) -> None:
    """Drop the counters of a name and/or an address (a successful login, an administrator's unlock)."""
    keys = ([_key("name", username)] if username else []) + ([_key("address", address)] if address else [])
    if keys:
        cache.delete_many(keys)


@receiver(user_login_failed, dispatch_uid="accounts.throttle.failed")
def _on_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    record_failure(username=resolve_username((credentials or {}).get("username"), request), address=client_ip(request))


@receiver(user_logged_in, dispatch_uid="accounts.throttle.logged_in")
def _on_login(sender, request=None, user=None, **kwargs):
    if user is not None:
        forget(username=user.get_username())


def _login_of(request):
    """The name a login request tries (page form or the token endpoint's JSON), or None."""
    if request.path == API_TOKEN_PATH:
        try:
            # The API's one JSON reader: a name the database cannot hold is refused (422) by the API's parser.
            body = jsonsafe.loads(request.body or b"{}")
        except (DomainError, RequestDataTooBig):
            return None
        login = body.get("username") if isinstance(body, dict) else None
        return login if isinstance(login, str) else None
    return request.POST.get("username")


def throttled_response(request, seconds):
    message = ngettext(
        "登录尝试过于频繁，请 %(seconds)d 秒后再试。", "登录尝试过于频繁，请 %(seconds)d 秒后再试。", seconds
    ) % {"seconds": seconds}
    if request.path.startswith("/api/"):
        response = JsonResponse({"errors": [{"field": None, "message": message}]}, status=429)
    else:
        response = render(request, "accounts/login_throttled.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class LoginThrottleMiddleware:
    """Answers a login attempt 429 while its address or its name must wait, before any password is checked."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None

    def __call__(self, request):
        if self._paths is None:
            self._paths = {reverse("accounts:login"), API_TOKEN_PATH}
        if request.method == "POST" and request.path in self._paths:
            login = _login_of(request)
            if login is not None:
                seconds = retry_after(username=resolve_username(login, request), address=client_ip(request))
                if seconds:
                    return throttled_response(request, seconds)
        return self.get_response(request)
