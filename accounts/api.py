from datetime import datetime

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Router, Schema

from accounts import two_factor
from accounts.auth import API_AUTH
from accounts.forms import LoginForm
from accounts.services import api_token_issue, api_token_revoke

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    # Staff accounts (county, city, expert, administrator): the 6 digits of the authenticator app or a recovery
    # code (accounts/two_factor.py). Enterprises send none.
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: datetime


class ErrorOut(Schema):
    field: str | None
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorOut]


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str | None
    region_name: str | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    mobile: str | None
    role: str
    role_label: str
    is_superuser: bool
    organisation: OrganisationOut | None


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorsOut},
    summary="以用户名（或手机号）和密码换取令牌",
    description="审核、评审和管理账户还须提交 otp（两步验证码），缺少或不正确：401，错误字段为 otp。"
    "用户名或密码不正确：401；账户因多次失败被锁定：403；缺少字段：422；"
    "尝试过于频繁：429（Retry-After 给出等待秒数）。",
)
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        # A locked account is answered by the axes middleware (403); this is a plain wrong password. The message
        # is the login page's.
        return 401, {"errors": [{"field": None, "message": str(LoginForm.error_messages["invalid_login"])}]}
    otp_error = _second_factor_error(request, user, payload.otp)
    if otp_error:
        return 401, {"errors": [{"field": "otp", "message": otp_error}]}
    # A login like the page's: axes and accounts/throttle.py forget the name's failures, last_login, audit. One
    # transaction with the token: its login event is never recorded without it, and one commit instead of two.
    with transaction.atomic():
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        key, token = api_token_issue(user=user, request=request)
    return 200, {"token": key, "expires_at": token.expires_at}


def _second_factor_error(request, user, code) -> str | None:
    """Why a staff account's `otp` does not complete its login (None: it does, or the account needs none)."""
    if not two_factor.requires_two_factor(user):
        return None
    if two_factor.confirmed_device(user) is None:
        return _("该账户尚未绑定两步验证，请先在网页登录并完成绑定。")
    if not two_factor.normalise_code(code):
        return _("请填写两步验证码（身份验证器中的 6 位数字或一个恢复码）。")
    wait = two_factor.throttled_seconds(user, code)
    if wait:
        return ngettext("尝试次数过多，请 %(n)s 秒后再试。", "尝试次数过多，请 %(n)s 秒后再试。", wait) % {"n": wait}
    if two_factor.verify_code(user, code) is None:
        two_factor.record_failure(request, user)
        return _("两步验证码不正确或已过期。")
    return None


@router.post("/auth/logout", auth=API_AUTH, response={204: None}, summary="吊销当前令牌")
def revoke_token(request):
    token = getattr(request, "api_token", None)
    if token is not None:  # signed in by session cookie: there is no token to revoke
        api_token_revoke(token=token, actor=request.user, request=request)
    return 204, None


@router.get("/me", auth=API_AUTH, response=MeOut, summary="当前用户、角色与机构")
def me(request):
    user = request.user
    org = user.organisation
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "mobile": user.mobile,
        "role": user.role,
        "role_label": user.get_role_display(),
        "is_superuser": user.is_superuser,
        "organisation": None
        if org is None
        else {
            "id": org.id,
            "name": org.name,
            "kind": org.kind,
            "region_code": org.region_id,
            "region_name": org.region.name if org.region_id else None,
        },
    }
