"""Public eligibility API: POST /api/v1/eligibility/check (rate-limited), and GET /api/v1/ping (liveness).

The body's schema is `enterprises.payload_schema.EligibilityIn` (shown in the OpenAPI document); the body is
validated by `enterprises.payload`, which reads its fields from that schema, so that EVERY problem is listed
in one 422 answer and bad JSON never becomes a 500. The same engine (`enterprises.eligibility.evaluate`)
serves the self-check page.
"""

import json

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from ninja import Router, Schema

from accounts.selectors import county_units
from core.throttling import AddressRateThrottle
from enterprises import eligibility as el
from enterprises.payload import parse
from enterprises.payload_schema import request_body_schema
from enterprises.selectors import thresholds_for

router = Router(tags=["eligibility"])

THRESHOLD_CACHE_SECONDS = 30


class EligibilityThrottle(AddressRateThrottle):
    """Per-IP limit for the public check; the rate is read from settings.ELIGIBILITY_RATE_LIMIT on each call."""

    scope = "eligibility"

    def __init__(self):
        super().__init__(rate=settings.ELIGIBILITY_RATE_LIMIT)

    def allow_request(self, request):
        if self.rate != settings.ELIGIBILITY_RATE_LIMIT:
            self.rate = settings.ELIGIBILITY_RATE_LIMIT
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        # Public endpoint: every caller is limited by address, token or not.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _thresholds(code):
    """The category thresholds and default reference date, cached briefly (they change only in admin)."""
    key = f"eligibility:thresholds:{code}"
    hit = cache.get(key)
    if hit is None:
        category, ref = thresholds_for(code)
        frozen = el.DefaultThresholds(
            code=code,
            **{name: getattr(category, name) for name in el.DefaultThresholds.__dataclass_fields__ if name != "code"},
        )
        hit = (frozen, ref)
        cache.set(key, hit, THRESHOLD_CACHE_SECONDS)
    return hit


class CheckOut(Schema):
    code: str
    passed: bool
    message: str


class EligibilityOut(Schema):
    eligible: bool
    size_class: str
    size_reason: str
    checks: list[CheckOut]


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorItem]


_REQUEST_EXAMPLE = {
    "category": "demonstration",
    "reference_date": "2019-05-15",
    "enterprise": {
        "uscc": "91321003MA1MDM1A2R",
        "registered_region": "321003",
        "tax_region": "321003",
        "independent_legal_person": True,
        "established_on": "2012-03-01",
        "industry": "industry",
        "employees": 85,
        "revenue_yuan": "26000000.00",
        "assets_yuan": "18000000.00",
        "sound_management": True,
        "good_credit": True,
        "illegal_record": False,
    },
    "demonstration": {
        "investment_yuan": "620000.00",
        "areas": ["production_control"],
        "management_software": ["ERP", "MES"],
        "control_projects": 1,
        "online_sales_share": "0.2",
    },
}


@router.post(
    "/eligibility/check",
    auth=None,
    throttle=[EligibilityThrottle()],
    response={200: EligibilityOut, 422: ErrorsOut, 429: ErrorsOut},
    summary="资格自查（政策体检）",
    description="按通知第二部分“主要条件”逐条判断，返回每条规则是否满足及说明、企业划型及理由。公开接口，按来源地址限流。"
    "金额和占比可为 JSON 数字或数字字符串；占比为 0 到 1 之间的小数。输入有误时返回 422，并列出全部问题。",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": request_body_schema(), "example": _REQUEST_EXAMPLE}},
        }
    },
)
def eligibility_check(request):
    units = county_units()
    parsed, errors = parse(request.body, default_reference_date=lambda code: _thresholds(code)[1], county_units=units)
    if errors:
        return _json(errors={"errors": errors}, status=422)
    category, _ref = _thresholds(parsed.category)
    result = el.evaluate(
        category,
        enterprise=parsed.enterprise,
        demonstration=parsed.demonstration,
        new_product=parsed.new_product,
        reference_date=parsed.reference_date,
        units=units,
    )
    return _json(result.as_dict())


def _json(data=None, *, errors=None, status=200):
    """The answer as JSON, bypassing ninja's response validation: the engine builds exactly the documented
    shape (tests check it), and skipping pydantic here is a third of the endpoint's own time."""
    body = json.dumps(errors if errors is not None else data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


@router.get("/ping", auth=None, summary="存活探针", description='不访问数据库，只返回 {"ok": true}。')
def ping(request):
    return {"ok": True}
