"""The API's error format, independent of the NinjaAPI object so that any app can answer with it.

Error contract (clients rely on it):
  422 {"errors": [{"field", "message"}]}  bad input (messages in Chinese)
  401 unauthenticated, 403 forbidden, 404 not found or not visible to the caller, 409 conflict, 429 throttled.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse

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


def json_response(body, *, status=200) -> JsonResponse:
    """A JSON answer with Chinese kept readable (no \\uXXXX escapes)."""
    return JsonResponse(
        body, status=status, safe=False, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


def errors_response(errors, *, status=422) -> JsonResponse:
    return json_response({"errors": errors}, status=status)
