"""The body of POST /api/v1/eligibility/check as pydantic models: the documented contract of the API.

One source for the body's shape. These models are the operation's OpenAPI request schema
(`request_body_schema()`), and the collecting parser in `enterprises.payload` takes from them every field
name it accepts, whether the field is required, its label in messages, the allowed codes and the money
limits, so an undeclared field can neither be read nor accepted. tests/enterprises/test_payload_schema.py
checks, field by field, that pydantic validating these models and the parser accept and reject the same
values. The parser, not pydantic, validates requests: it lists every problem at once with a Chinese message
naming the field, including the rules across fields that a model can't state per field (a founding date
after the reference date, the figures an industry's size row needs, the block the category needs), and it
reads amounts from JSON without a detour through binary floats. Why: docs/eligibility.md ("API").

Codes come from `programmes.vocabulary` (areas, software kinds, technology levels, comparison indicators),
`enterprises.sizeclass` (industries) and `enterprises.eligibility` (categories). Region codes are data
(`accounts.Region`), so the schema says what a region code is and the parser checks it against the rows.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.text import format_lazy
from django.utils.translation import gettext_noop as N_
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from enterprises.eligibility import CATEGORY_CODES, CHECK_LABELS, DEMONSTRATION, NEW_PRODUCT
from enterprises.sizeclass import INDUSTRIES
from programmes import vocabulary as V


def _codes(choices):
    return tuple(code for code, *_rest in choices)


INDUSTRY_CODES = _codes(INDUSTRIES)
AREA_CODES = _codes(V.AREAS)
SOFTWARE_CODES = _codes(V.SOFTWARE_KINDS)
TECH_LEVEL_CODES = _codes(V.TECH_LEVELS)
INDICATOR_CODES = _codes(V.COMPARISON_ROWS)
INDICATOR_LABELS = {code: label for code, label, *_rest in V.COMPARISON_ROWS}
MONEY_PLACES = 2
MAX_MONEY = Decimal("1e15")  # exclusive; far above any figure of a small enterprise, below float trouble


def _listing(choices):
    """'code：label；…' for a description, translated when the document is rendered (labels are lazy)."""
    rows = [(code, label) for code, label, *_rest in choices]
    return format_lazy("；".join(["{}：{}"] * len(rows)), *(x for row in rows for x in row))


def _extra(**values):
    """json_schema_extra that may hold lazy strings (pydantic would serialise a dict's values at once)."""

    def update(schema):
        schema.update(values)

    return update


def _absent_or_object(**values):
    """json_schema_extra of an optional object that may be left out but not sent as null."""

    def update(schema):
        schema.pop("default", None)
        schema.update(values)

    return update


def _described(text, choices):
    """json_schema_extra: a description listing the codes with their labels, translated when rendered."""
    return _extra(description=format_lazy("{}{}", text, _listing(choices)))


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(value) -> dt.date:
    """The one date format of the body, YYYY-MM-DD (no week dates, no timestamps); ValueError otherwise."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("YYYY-MM-DD")
    return dt.date.fromisoformat(value)


def number_or_string(value):
    """Only what the JSON Schema says: a JSON number or a string. Pydantic's lax Decimal would also take a
    list as a (sign, digits, exponent) tuple, which the parser (rightly) refuses."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("number or string")
    return value


# Types shared by several fields. Amounts and shares are JSON numbers or decimal strings ("620000.00").
Money = Annotated[Decimal, Field(ge=0, lt=MAX_MONEY, decimal_places=MONEY_PLACES), BeforeValidator(number_or_string)]
Share = Annotated[Decimal, Field(ge=0, le=1), BeforeValidator(number_or_string)]
Measure = Annotated[Decimal, Field(ge=0), BeforeValidator(number_or_string)]
Count = Annotated[int, Field(ge=0, strict=True)]
Flag = Annotated[bool, Field(strict=True)]
Day = Annotated[dt.date, BeforeValidator(iso_day)]
Category = Literal[CATEGORY_CODES]
Industry = Literal[INDUSTRY_CODES]
Area = Literal[AREA_CODES]
SoftwareKind = Literal[SOFTWARE_CODES]
TechLevel = Literal[TECH_LEVEL_CODES]

_MONEY = "元，JSON 数字或数字字符串，最多两位小数。"
_REGION = "扬州市县（市、区）或功能区的代码（如 321003、yz-etdz），或其他地区的6位行政区划代码（不满足地域条件）。"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnterpriseIn(_Body):
    model_config = ConfigDict(title="企业信息")

    uscc: str = Field(
        title=N_("统一社会信用代码"), description="18位，按 GB 32100-2015 校验。", examples=["91321003MA1MDM1A2R"]
    )
    registered_region: str = Field(title=N_("注册地"), description=_REGION, examples=["321003"])
    tax_region: str = Field(title=N_("纳税地"), description=_REGION, examples=["321003"])
    independent_legal_person: Flag = Field(title=CHECK_LABELS["independent_legal_person"])
    established_on: Day = Field(title=N_("成立日期"), description="YYYY-MM-DD，不晚于判断基准日。")
    industry: Industry = Field(
        title=N_("所属行业"), json_schema_extra=_described("划型所用的行业（工信部联企业〔2011〕300号）：", INDUSTRIES)
    )
    employees: Count | None = Field(title=N_("从业人员"), description="人；所属行业划型需要时不能为 null。")
    revenue_yuan: Money | None = Field(title=N_("营业收入"), description=_MONEY + "所属行业划型需要时不能为 null。")
    assets_yuan: Money | None = Field(title=N_("资产总额"), description=_MONEY + "所属行业划型需要时不能为 null。")
    sound_management: Flag = Field(title=CHECK_LABELS["sound_management"])
    good_credit: Flag = Field(title=CHECK_LABELS["good_credit"])
    illegal_record: Flag = Field(title="有违法记录", description="true：有违法记录（不满足条件）。")


class DemonstrationIn(_Body):
    model_config = ConfigDict(title="示范企业申报信息")

    investment_yuan: Money = Field(title=N_("近两年投入"), description="近两年持续投入总额，" + _MONEY)
    areas: list[Area] = Field(title=N_("申报环节"), json_schema_extra=_described("申报的环节：", V.AREAS))
    management_software: list[SoftwareKind] = Field(
        default=[], title=N_("关键生产管理软件"), json_schema_extra=_described("已应用的种类：", V.SOFTWARE_KINDS)
    )
    control_projects: Count = Field(default=0, title=N_("生产管控项目数"))
    online_sales_share: Share | None = Field(
        default=None, title=N_("线上交易额占比"), description="0 到 1 之间的小数（0.5 表示 50%），数字或数字字符串。"
    )


class PairIn(_Body):
    model_config = ConfigDict(
        title="对比指标", json_schema_extra=_extra(description="传统产品与新产品的数值，数字或数字字符串。")
    )

    traditional: Measure | None = Field(default=None, title=N_("传统产品"))
    new: Measure | None = Field(default=None, title=N_("新产品"))


def _pair(code):
    label = INDICATOR_LABELS[code]
    # Not nullable: an indicator not given is left out (the rule then says which one is missing).
    return Annotated[PairIn, Field(default=None, json_schema_extra=_absent_or_object(title=label))]


ComparisonIn = type(
    "ComparisonIn",
    (_Body,),
    {
        "__module__": __name__,
        "__annotations__": {code: _pair(code) for code in INDICATOR_CODES},
        "model_config": ConfigDict(
            title="三降低两提升对比", json_schema_extra=_extra(description="五项指标须齐全，才可能满足该条件。")
        ),
    },
)


class NewProductIn(_Body):
    model_config = ConfigDict(title="新产品新技术申报信息")

    rd_investment_yuan: Money = Field(title=N_("研发投入"), description=_MONEY)
    industrialized: Flag = Field(title=CHECK_LABELS["industrialized"])
    tech_level: TechLevel = Field(title=N_("技术水平"), json_schema_extra=_described("", V.TECH_LEVELS))
    patents: Count = Field(title=N_("专利数"))
    ip_owned: Flag = Field(title=CHECK_LABELS["ip_owned"])
    comparison: ComparisonIn = Field(title="三降低两提升对比")


class EligibilityIn(_Body):
    model_config = ConfigDict(title="资格自查请求")

    category: Category = Field(title=N_("申报类别"), description="demonstration：示范企业；new_product：新产品新技术。")
    reference_date: Day | None = Field(
        default=None, title=N_("判断基准日"), description="YYYY-MM-DD；不填时为开放批次的截止日（北京时间）。"
    )
    enterprise: EnterpriseIn
    demonstration: DemonstrationIn = Field(
        default=None, json_schema_extra=_absent_or_object(description=f"category 为 {DEMONSTRATION} 时必填。")
    )
    new_product: NewProductIn = Field(
        default=None, json_schema_extra=_absent_or_object(description=f"category 为 {NEW_PRODUCT} 时必填。")
    )


BLOCKS = {DEMONSTRATION: ("demonstration", DemonstrationIn), NEW_PRODUCT: ("new_product", NewProductIn)}


def request_body_schema() -> dict:
    """EligibilityIn's JSON Schema with the nested models inlined (an operation's schema can't carry $defs)."""
    schema = EligibilityIn.model_json_schema(ref_template="#/$defs/{model}")
    definitions = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                target = inline(definitions[node["$ref"].rsplit("/", 1)[1]])
                return {**target, **{k: inline(v) for k, v in node.items() if k != "$ref"}}
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)
