from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def resolve_username(login, request=None):
    """A login may be a username (in any case: registration stores credit codes upper-case, people type them
    as they like) or a mobile number; return the username it names (or the input).

    With `request`, remembered for that request: the throttle, axes and the backend each ask during one login."""
    login = (login or "").strip()
    if request is None:
        return _resolve(login)
    memo = request.__dict__.setdefault("_shenbao_resolved_logins", {})
    if login not in memo:
        memo[login] = _resolve(login)
    return memo[login]


def _resolve(login):
    users = get_user_model().objects
    if login.isdigit() and len(login) == 11:
        username = users.filter(mobile=login).values_list("username", flat=True).first()
        if username:
            return username
    matches = list(users.filter(username__iexact=login).values_list("username", flat=True)[:2])
    if len(matches) == 1:
        return matches[0]
    return login  # no such user, the exact name, or names differing only in case: only the exact one logs in


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        return super().authenticate(request, username=resolve_username(username, request), password=password, **kwargs)


def axes_username(request, credentials=None):
    """Axes counts failures per account, whether the person typed the username or the mobile number."""
    login = (credentials or {}).get("username")
    if login is None and request is not None:
        login = request.POST.get("username")
    return resolve_username(login, request)
