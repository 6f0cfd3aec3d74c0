"""The published OpenAPI document tells the truth about errors: one generator adds them to every operation.

Every error the API answers has one body, `{"errors": [{"field": str | null, "message": str}]}` (the handlers
in `shenbao/api.py`, `core.api_errors`). Rather than each router listing its error responses, the schema
generator adds them from what the operation is, with the shared component `ErrorBody`:

| code | documented on | because |
|---|---|---|
| 401 | operations with auth | no or an invalid token / session |
| 403 | operations with auth | the object permission (also the session's CSRF check) |
| 404 | operations with a path parameter | the object does not exist or the caller may not see it |
| 400 | POST, PUT, PATCH | the body cannot be parsed at all (not JSON, a malformed multipart body) |
| 409 | writes (POST, PUT, PATCH, DELETE) | a workflow guard refused, a version or state moved on |
| 413 | POST, PUT, PATCH | the request body is over the size cap |
| 422 | operations with any parameter or a request body | bad input, every problem at once |
| 429 | throttled operations | too many requests (with `Retry-After`) |

Answers given before the operation runs (a middleware) are listed by the operation's view in
`ANSWERED_OUTSIDE`: the token endpoint's 403 for an account locked after repeated failures (django-axes) and its
429 (the login throttle).

A code an operation already documents (its own `response={…}`) is kept as written. Success codes are the
operations' own (`response={201: …}` where a handler answers 201); `tests/shenbao/test_openapi.py` checks that
the two agree for the endpoints that create.

Decimal fields (money, shares) are documented with the pattern of the strings they accept (pydantic's
`build_decimal_pattern`), not as any string: the schema then describes exactly the input that validates.
"""

from __future__ import annotations

import ninja.openapi.schema
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema

ERROR_BODY = "ErrorBody"
ERROR_ITEM = "ErrorItem"
_REF = f"#/components/schemas/{ERROR_BODY}"

ERROR_SCHEMAS = {
    ERROR_ITEM: {
        "title": ERROR_ITEM,
        "type": "object",
        "properties": {
            "field": {
                "title": "Field",
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "description": "出错的字段（点分路径，如 enterprise.uscc）；与具体字段无关时为 null",
            },
            "message": {"title": "Message", "type": "string", "description": "给人看的中文说明"},
        },
        "required": ["field", "message"],
    },
    ERROR_BODY: {
        "title": ERROR_BODY,
        "type": "object",
        "properties": {
            "errors": {"title": "Errors", "type": "array", "items": {"$ref": f"#/components/schemas/{ERROR_ITEM}"}}
        },
        "required": ["errors"],
    },
}

DESCRIPTIONS = {
    400: "请求体无法解析（不是 JSON，或 multipart 格式有误）",
    401: "未登录，或令牌已失效",
    403: "没有权限执行此操作",
    404: "对象不存在或无权查看",
    409: "冲突：当前状态不允许此操作，或数据已被修改",
    413: "请求体过大",
    422: "输入有误（一次列出全部问题）",
    429: "请求过于频繁（Retry-After 给出等待秒数）",
}
ANSWERED_OUTSIDE = {
    "accounts.api.issue_token": {403, 429},
}
WRITES = {"post", "put", "patch", "delete"}
WITH_BODY = {"post", "put", "patch"}


def error_codes(*, methods, has_auth, has_path_params, has_input, throttled):
    """The error codes an operation can answer (see the module's table)."""
    methods = {m.lower() for m in methods}
    codes = set()
    if has_auth:
        codes |= {401, 403}
    if has_path_params:
        codes.add(404)
    if methods & WRITES:
        codes.add(409)
    if methods & WITH_BODY:
        codes |= {400, 413}
    if has_input or methods & WITH_BODY:
        codes.add(422)
    if throttled:
        codes.add(429)
    return codes


def _error_response(code):
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": {"$ref": _REF}}}}


class ShenbaoGenerateJsonSchema(NinjaGenerateJsonSchema):
    def get_decimal_pattern(self, schema):
        return self.build_decimal_pattern(schema)


# ninja builds every model's and parameter's JSON Schema with the generator named in this module.
ninja.openapi.schema.NinjaGenerateJsonSchema = ShenbaoGenerateJsonSchema


class ShenbaoOpenAPISchema(OpenAPISchema):
    def operation_details(self, operation):
        details = super().operation_details(operation)
        codes = error_codes(
            methods=operation.methods,
            has_auth=bool(details.get("security")),
            has_path_params=any(p.get("in") == "path" for p in details.get("parameters", [])),
            has_input=bool(details.get("parameters")) or "requestBody" in details,
            throttled=bool(operation.throttle_objects),
        )
        view = operation.view_func
        codes |= ANSWERED_OUTSIDE.get(f"{view.__module__}.{view.__name__}", set())
        responses = details["responses"]
        documented = {str(code) for code in responses}
        for code in sorted(codes):
            if str(code) not in documented:
                responses[code] = _error_response(code)
        self.schemas.update(ERROR_SCHEMAS)
        return details


class ShenbaoNinjaAPI(NinjaAPI):
    """The project's NinjaAPI: its OpenAPI document carries every operation's error responses."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ShenbaoOpenAPISchema(self, path_prefix)
