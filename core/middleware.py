"""What every answer carries: the request id (issue 11 §16) and, for the signed-in, no caching (§12).

``RequestIdMiddleware`` (first in MIDDLEWARE): the caller's own ``X-Request-ID`` if it is a plain token
(letters, digits, ``.``, ``_``, ``:``, ``-``, at most 128), else a new uuid4; it is answered in ``X-Request-ID``
and ``current_request_id()`` gives it to every log line of the request (``shenbao.log.RequestId``; "-" outside
a request).

``PrivateNoStoreMiddleware`` (after authentication): an answer to a signed-in person or to a request with an
API token (also a refused one) is ``Cache-Control: private, no-store`` and varies by cookie; anonymous public
pages keep their own caching (the publicity page), and a view that marked its answer ``public`` is left alone.
"""

import contextvars
import re
import uuid

from django.conf import settings
from django.core.signals import request_finished
from django.utils.cache import patch_vary_headers

# The id of the request being served in this thread ("-" outside a request); shenbao.log puts it on every record.
request_id_var = contextvars.ContextVar("request_id", default="-")

# An incoming X-Request-ID (set by the proxy or the client) is kept when it is a plain token; anything else —
# too long, spaces, quotes, line breaks that would forge log lines — is replaced by a fresh uuid4.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    """Gives each request an id (`request.request_id`), returns it as `X-Request-ID` and logs under it."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Django logs a 4xx/5xx answer after the middleware has returned (django.request): the id is kept until
        # the response is finished, then cleared, so nothing logged between requests carries a stale one.
        request_finished.connect(_forget_request_id, dispatch_uid="core.middleware.request_id")

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request_id_var.set(request.request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def _forget_request_id(**kwargs):
    request_id_var.set("-")


def _signed_in(request) -> bool:
    """A bearer token or a signed-in session. The session is only looked at when a cookie came with the request
    or the session changed (a login): an anonymous visit costs no session read."""
    if getattr(request, "api_token", None) is not None:
        return True
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return True
    session = getattr(request, "session", None)
    if settings.SESSION_COOKIE_NAME in request.COOKIES or (session is not None and session.modified):
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
    return False


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in person or an API token: neither a shared
    proxy nor the browser's cache keeps a page or a JSON body with someone's data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _signed_in(request) and "public" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, ("Cookie",))
        return response
