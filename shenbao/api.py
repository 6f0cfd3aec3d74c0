"""The JSON API at /api/v1/: one NinjaAPI, each app contributes a router from its own api.py.

Error contract (clients rely on it):
  422 {"errors": [{"field", "message"}]}  bad input (messages in Chinese)
  401 unauthenticated, 403 forbidden, 404 not found or not visible to the caller, 409 conflict.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer

from accounts.api import router as accounts_router
from accounts.auth import API_AUTH
from applications.api import router as applications_router
from applications.api_flags import router as flags_router
from applications.api_materials import router as materials_router
from applications.api_verify import router as verify_router
from core.api_errors import field_path, translate_error
from core.errors import DomainError
from enterprises.api import router as enterprises_router
from evaluation.api import router as evaluation_router
from notifications.api import router as notifications_router
from programmes.api import router as programmes_router
from publicity.api import router as publicity_router
from publicity.api_designations import router as designations_router
from reports.api import router as reports_router
from reviews.api import router as reviews_router
from reviews.api_batches import router as batches_router
from reviews.api_detail import router as reviews_detail_router
from reviews.seals.api import router as seals_router
from shenbao.api_input import INPUT_HANDLERS, SafeParser
from shenbao.openapi import ShenbaoNinjaAPI


class UnicodeJSONRenderer(JSONRenderer):
    # Chinese stays readable in responses instead of \uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


# Its OpenAPI document adds every operation's error responses (shenbao/openapi.py).
api = ShenbaoNinjaAPI(
    auth=API_AUTH,
    renderer=UnicodeJSONRenderer(),
    parser=SafeParser(),  # JSON the database can hold, or 422 naming the field (shenbao/api_input.py)
    title="Shenbao 申报 API",
    version="1",
    description="扬州市“互联网+小微企业”项目申报系统接口。认证：POST /api/v1/auth/token 取得令牌，"
    "之后以 `Authorization: Bearer <token>` 调用。",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def errors_response(request, errors, status=422):
    return api.create_response(request, {"errors": errors}, status=status)


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    wait = int(exc.wait) + 1 if exc.wait else None
    message = "请求过于频繁，请稍后再试。" + (f"（约 {wait} 秒后）" if wait else "")
    response = errors_response(request, [{"field": None, "message": message}], status=429)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return errors_response(
        request, [{"field": field_path(e.get("loc", ())), "message": translate_error(e)} for e in exc.errors]
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    return errors_response(request, exc.errors, status=exc.status)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return errors_response(request, [{"field": None, "message": "请先登录，或令牌已失效。"}], status=401)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return errors_response(request, [{"field": None, "message": str(exc) or "没有权限执行此操作。"}], status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return errors_response(request, [{"field": None, "message": "对象不存在或无权查看。"}], status=404)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if isinstance(exc.__cause__, DomainError):  # the body parser's refusal, wrapped by ninja (shenbao/api_input.py)
        return on_domain_error(request, exc.__cause__)
    return errors_response(request, [{"field": None, "message": str(exc)}], status=exc.status_code)


# Bodies Django cannot parse (too large, a malformed multipart body): 413 / 400 with the error body.
for _exc_class, _handler in INPUT_HANDLERS.items():
    api.add_exception_handler(_exc_class, _handler)


# The project mounts every app's router; no app module imports this one (no import cycle).
for _router in (
    accounts_router,
    programmes_router,
    enterprises_router,
    applications_router,
    materials_router,
    verify_router,
    flags_router,
    notifications_router,
    reviews_router,
    batches_router,
    reviews_detail_router,
    seals_router,
    evaluation_router,
    publicity_router,
    designations_router,
    reports_router,
):
    api.add_router("/", _router)
