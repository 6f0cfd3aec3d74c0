"""The API's per-address rate limits: django-ninja's throttles, with the client's address from `core.clientip`.

Ninja's own `get_ident` believes any `X-Forwarded-For` (or a fixed number of hops, NINJA_NUM_PROXIES); ours
believes it only from TRUSTED_PROXIES, as the lockout and the audit log do. The counters live in the default
cache, which every worker shares (the database cache in the embedded default, Redis when REDIS_URL is set).
"""

from ninja.throttling import AnonRateThrottle

from core.clientip import client_ip


class AddressRateThrottle(AnonRateThrottle):
    """A limit per client address for anonymous calls (ninja's AnonRateThrottle with our address)."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"
