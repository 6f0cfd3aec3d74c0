from datetime import datetime

from django.contrib.auth import authenticate
from ninja import Router, Schema

from accounts.auth import API_AUTH
from accounts.forms import LoginForm
from accounts.services import api_token_issue, api_token_revoke

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


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
    description="用户名或密码不正确：401；账户因多次失败被锁定：403；缺少字段：422。",
)
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        # A locked account is answered by the axes middleware (403); this is a plain wrong password. The message
        # is the login page's.
        return 401, {"errors": [{"field": None, "message": str(LoginForm.error_messages["invalid_login"])}]}
    key, token = api_token_issue(user=user, request=request)
    return 200, {"token": key, "expires_at": token.expires_at}


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
