"""The JSON API at /api/v1/: one NinjaAPI, each app contributes a router from its own api.py.

Error contract (clients rely on it):
  422 {"errors": [{"field", "message"}]}  bad input (messages in Chinese)
  401 unauthenticated, 403 forbidden, 404 not found or not visible to the caller, 409 conflict.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from accounts.auth import API_AUTH
from shenbao.errors import DomainError


class UnicodeJSONRenderer(JSONRenderer):
    # Chinese stays readable in responses instead of \uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    auth=API_AUTH,
    renderer=UnicodeJSONRenderer(),
    title="Shenbao 申报 API",
    version="1",
    description="扬州市“互联网+小微企业”项目申报系统接口。认证：POST /api/v1/auth/token 取得令牌，"
    "之后以 `Authorization: Bearer <token>` 调用。",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# Pydantic's error types, said in Chinese. Unknown types fall back to a generic message.
_MESSAGES = {
    "missing": "此字段为必填项。",
    "int_parsing": "请输入整数。",
    "int_type": "请输入整数。",
    "int_from_float": "请输入整数。",
    "float_parsing": "请输入数字。",
    "float_type": "请输入数字。",
    "decimal_parsing": "请输入数字（可用小数）。",
    "decimal_type": "请输入数字（可用小数）。",
    "decimal_max_places": "小数位数过多。",
    "bool_parsing": "请填写 true 或 false。",
    "bool_type": "请填写 true 或 false。",
    "string_type": "请输入文字。",
    "string_too_short": "内容过短。",
    "string_too_long": "内容过长。",
    "date_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_type": "日期格式应为 YYYY-MM-DD。",
    "datetime_parsing": "时间格式应为 ISO 8601，例如 2019-05-15T23:59:59+08:00。",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601，例如 2019-05-15T23:59:59+08:00。",
    "datetime_type": "时间格式应为 ISO 8601。",
    "enum": "取值不在允许的范围内。",
    "literal_error": "取值不在允许的范围内。",
    "list_type": "应为列表。",
    "dict_type": "应为对象。",
    "model_type": "应为对象。",
    "model_attributes_type": "应为对象。",
    "json_invalid": "请求体不是有效的 JSON。",
    "extra_forbidden": "不认识的字段。",
    "greater_than_equal": "数值过小。",
    "greater_than": "数值过小。",
    "less_than_equal": "数值过大。",
    "less_than": "数值过大。",
}
_LOCATION_PREFIXES = {"body", "query", "path", "form", "file", "header", "cookie", "payload", "data", "params"}


def field_path(loc):
    """('body', 'payload', 'enterprise', 'uscc') -> 'enterprise.uscc'."""
    parts = list(loc)
    while parts and str(parts[0]) in _LOCATION_PREFIXES:
        parts.pop(0)
    return ".".join(str(p) for p in parts) or None


def translate_error(error):
    ctx = error.get("ctx") or {}
    if error.get("type") == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if error.get("type") in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        op = {
            "greater_than_equal": "不得小于",
            "greater_than": "必须大于",
            "less_than_equal": "不得大于",
            "less_than": "必须小于",
        }[error["type"]]
        return f"数值{op} {limit}。"
    if error.get("type") in {"enum", "literal_error"} and "expected" in ctx:
        return f"取值不在允许的范围内，应为：{ctx['expected']}。"
    return _MESSAGES.get(error.get("type"), error.get("msg") or "输入有误。")


def errors_response(request, errors, status=422):
    return api.create_response(request, {"errors": errors}, status=status)


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
    return errors_response(request, [{"field": None, "message": str(exc)}], status=exc.status_code)


def register_routers():
    # Imported here so that app modules can import `api` helpers without cycles.
    from accounts.api import router as accounts_router
    from applications.api import router as applications_router
    from applications.api_materials import router as materials_router
    from enterprises.api import router as enterprises_router
    from programmes.api import router as programmes_router

    api.add_router("/", accounts_router)
    api.add_router("/", programmes_router)
    api.add_router("/", enterprises_router)
    api.add_router("/", applications_router)
    api.add_router("/", materials_router)


register_routers()
