"""API authentication: bearer tokens (for clients) or the browser session (for htmx pages).

A request that presents `Authorization` is judged by its token alone: a revoked, expired or unknown token is 401
on every method, never a fall-back to the session cookie (whose CSRF check made a POST 403 "CSRF check failed").
"""

from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        # key_hash is unique: no ORDER BY (first() would add one), the one row or none. On every API call.
        rows = ApiToken.objects.select_related("user__organisation").filter(key_hash=ApiToken.hash(token))
        row = next(iter(rows.order_by()[:1]), None)
        if row is None or not row.is_valid or not row.user.is_active:
            return None
        request.user = row.user
        request.api_token = row
        return row.user


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser's session, for requests that carry no Authorization header (the class keeps ninja's
    name: it names the security scheme in the OpenAPI document)."""

    def __call__(self, request):
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = SessionAuth()
API_AUTH = [token_auth, session_auth]
