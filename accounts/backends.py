from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def resolve_username(login):
    """A login may be a username or a mobile number; return the username it names (or the input)."""
    login = (login or "").strip()
    if login.isdigit() and len(login) == 11:
        username = get_user_model().objects.filter(mobile=login).values_list("username", flat=True).first()
        if username:
            return username
    return login


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        return super().authenticate(request, username=resolve_username(username), password=password, **kwargs)


def axes_username(request, credentials=None):
    """Axes counts failures per account, whether the person typed the username or the mobile number."""
    login = (credentials or {}).get("username")
    if login is None and request is not None:
        login = request.POST.get("username")
    return resolve_username(login)
