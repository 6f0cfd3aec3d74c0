"""Writes of accounts: API tokens issued and revoked (each one an audit event)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from audit.services import audit_record


@transaction.atomic
def api_token_issue(*, user: User, request: HttpRequest | None = None) -> tuple[str, ApiToken]:
    """A new bearer token for `user`: returns (key, row). The key is shown once; only its SHA-256 is stored."""
    key, token = ApiToken.issue(user)
    audit_record(
        action="auth.token_issue",
        actor=user,
        obj=token,
        summary=_("%(user)s 取得接口令牌") % {"user": user.username},
        data={"expires_at": token.expires_at},
        request=request,
    )
    return key, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, request: HttpRequest | None = None) -> ApiToken:
    """Revoke `token` now; revoking a token that is already revoked changes nothing and records nothing."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    if changed:
        audit_record(
            action="auth.token_revoke",
            actor=actor,
            obj=token,
            summary=_("%(user)s 吊销接口令牌") % {"user": actor.username},
            data={"token_user": token.user_id},
            request=request,
        )
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str, request: HttpRequest | None = None) -> int:
    """Revoke every live token of `user` (tokens follow the password: a changed or reset password ends them all);
    one audit event when any was live. Returns how many were revoked."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit_record(
            action="auth.tokens_revoke_all",
            obj=user,
            organisation=user.organisation,
            summary=_("%(user)s 的密码已更改，吊销其全部接口令牌") % {"user": user.username},
            data={"token_user": user.pk, "count": revoked, "reason": reason},
            request=request,
        )
    return revoked
