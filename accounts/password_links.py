"""One-time links to set an account's password (设置密码): for an account created without a usable password (an
expert imported into the pool) or on request (a reset).

The token is Django's password-reset token (`default_token_generator`): an HMAC over the user's id, password hash,
last login, email and the time it was made, nothing stored. So a link
- works once: setting the password changes the hash, and every link of the account stops working;
- is replaced: issuing a new link for an account without a password renews its unusable marker, so the earlier
  links stop working (an account with a password keeps its password; its links all end at the first use);
- expires after PASSWORD_RESET_TIMEOUT (Django's default, 3 days).

Who may issue a link for whom is the caller's rule (evaluation.services.expert_password_link: the city for the
experts); this module makes, checks and uses links, audited. It only sets the password: logging in is the login
page's business (and whatever second factor it asks for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import throttle
from accounts.models import User
from audit.services import audit_record
from core.errors import Conflict

token_generator = default_token_generator


@dataclass(frozen=True)
class PasswordLink:
    user: User
    path: str  # /accounts/set-password/<uidb64>/<token>/
    url: str  # the path on SITE_URL: what the person opens
    expires_at: datetime
    reset: bool  # the account had a usable password (a reset) rather than none yet


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def link_issue(*, actor, user: User) -> PasswordLink:
    """A new one-time link for `user`, audited (`account.password_link`; the token itself is never recorded).
    The caller has checked that `actor` may issue it. 409 for a deactivated account."""
    if not user.is_active:
        raise Conflict(_("账户 %(u)s 已停用，不能设置密码。") % {"u": user.get_username()})
    with transaction.atomic():
        reset = user.has_usable_password()
        if not reset:
            user.set_unusable_password()  # a new marker: the account's earlier links stop working
            User.objects.filter(pk=user.pk).update(password=user.password)
        token = token_generator.make_token(user)
        expires_at = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
        path = reverse("accounts:set_password", kwargs={"uidb64": uidb64, "token": token})
        audit_record(
            action="account.password_link",
            actor=actor,
            obj=user,
            summary=(_("发送重置密码链接：%(u)s") if reset else _("发送设置密码链接：%(u)s"))
            % {"u": user.get_username()},
            data={"username": user.get_username(), "reset": reset, "expires_at": expires_at.isoformat()},
        )
    return PasswordLink(user=user, path=path, url=absolute(path), expires_at=expires_at, reset=reset)


def link_user(uidb64: str) -> User | None:
    """The active account a link's uidb64 names, or None (a malformed or unknown id, a deactivated account)."""
    try:
        pk = User._meta.pk.to_python(force_str(urlsafe_base64_decode(uidb64)))
        return User.objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist, ValidationError):
        return None


def link_valid(user: User | None, token: str | None) -> bool:
    return user is not None and user.is_active and token_generator.check_token(user, token)


def password_set_by_link(*, user: User, password: str, token: str) -> User:
    """Set the password of the link's account (the caller's form checked it against AUTH_PASSWORD_VALIDATORS);
    audited as the account's own act (`account.password_set`). 409 when the link is no longer valid (used or
    replaced meanwhile, expired)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not link_valid(user, token):
            raise Conflict(_("设置密码链接无效、已使用或已过期。"))
        reset = user.has_usable_password()
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            action="account.password_set",
            actor=user,
            obj=user,
            summary=_("通过链接设置密码：%(u)s") % {"u": user.get_username()},
            data={"username": user.get_username(), "reset": reset},
        )
    # The new password is the owner's answer to a lockout: its locks from every address and its slow-down end.
    axes_reset(username=user.get_username())
    throttle.forget(username=user.get_username())
    return user
