"""API authentication: bearer tokens (for clients) or the browser session (for htmx pages)."""

from ninja.security import HttpBearer, SessionAuth

from accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = ApiToken.objects.select_related("user__organisation").filter(key_hash=ApiToken.hash(token)).first()
        if row is None or not row.is_valid or not row.user.is_active:
            return None
        request.user = row.user
        request.api_token = row
        return row.user


token_auth = TokenAuth()
session_auth = SessionAuth()
API_AUTH = [token_auth, session_auth]
