"""The current request's client address, for events recorded by code that is not handed the request.

The address is `core.clientip.client_ip`'s, the one the lockout and the rate limits use: REMOTE_ADDR, or the
client named in X-Forwarded-For when REMOTE_ADDR is one of our proxies (settings.TRUSTED_PROXIES).
"""

import functools
import ipaddress
from contextvars import ContextVar

from core.clientip import client_ip

_current_ip: ContextVar[str | None] = ContextVar("audit_current_ip", default=None)


@functools.lru_cache(maxsize=4096)  # verify_chain meets the same few addresses a million times
def normalised_ip(value) -> str | None:
    """The address as Python spells it (what a PostgreSQL inet column reads back as), None if it is none."""
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def request_ip(request) -> str | None:
    return normalised_ip(client_ip(request) or "")


def current_ip() -> str | None:
    return _current_ip.get()


class RequestIPMiddleware:
    """Remembers the request's address for the duration of the request (contextvars: per thread and task)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_ip.set(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current_ip.reset(token)
