"""Parse and validate the JSON body of POST /api/v1/eligibility/check, collecting EVERY problem.

Pure (no ORM): returns the facts for the engine or a list of {"field", "message"} errors in Chinese.
Money and shares accept JSON numbers or decimal strings and become Decimal (the body is parsed with
`parse_float=Decimal`, so 500000.01 is never a binary float).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from enterprises import eligibility as el
from enterprises.i18n import gettext_fast as _
from enterprises.i18n import pinned_language
from enterprises.sizeclass import BANDS, INDUSTRY_LABELS
from enterprises.uscc import InvalidCreditCode, normalise

ENTERPRISE_KEYS = (
    "uscc", "registered_region", "tax_region", "independent_legal_person", "established_on", "industry",
    "employees", "revenue_yuan", "assets_yuan", "sound_management", "good_credit", "illegal_record",
)  # fmt: skip
DEMONSTRATION_KEYS = ("investment_yuan", "areas", "management_software", "control_projects", "online_sales_share")
NEW_PRODUCT_KEYS = ("rd_investment_yuan", "industrialized", "tech_level", "patents", "ip_owned", "comparison")
TOP_KEYS = ("category", "reference_date", "enterprise", "demonstration", "new_product")
# Which size indicator each input field is (X employees, Y revenue, Z assets).
_INDICATOR_OF = {"employees": "X", "revenue_yuan": "Y", "assets_yuan": "Z"}
_MAX_MONEY = Decimal("1e15")


@dataclass
class Parsed:
    category: str
    reference_date: dt.date | None
    enterprise: el.EnterpriseFacts
    demonstration: el.DemonstrationFacts | None
    new_product: el.NewProductFacts | None


class Problems:
    def __init__(self):
        self.errors = []

    def add(self, field, message):
        self.errors.append({"field": field, "message": message})


_MISSING = object()


def _get(obj, key, prefix, problems, *, required=True):
    if key not in obj:
        if required:
            problems.add(f"{prefix}{key}", _("此字段为必填项。"))
        return _MISSING
    return obj[key]


def _bool(value, field, problems):
    if value is _MISSING:
        return None
    if not isinstance(value, bool):
        problems.add(field, _("应为 true 或 false。"))
        return None
    return value


def _int(value, field, label, problems, *, nullable=False):
    if value is _MISSING:
        return None
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(field, _("%(label)s应为整数。") % {"label": label})
        return None
    if value < 0:
        problems.add(field, _("%(label)s不得为负数（当前为%(v)s）。") % {"label": label, "v": value})
        return None
    return value


def _decimal(value, field, label, problems, *, nullable=False, places=None):
    """A JSON number or decimal string as a finite Decimal, or None with a problem recorded."""
    if value is _MISSING:
        return None
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float, str)):
        problems.add(field, _("%(label)s应为数字或数字字符串。") % {"label": label})
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        problems.add(field, _("%(label)s应为数字或数字字符串，“%(v)s”不是数字。") % {"label": label, "v": value})
        return None
    if places is not None and number.as_tuple().exponent < -places:
        problems.add(field, _("%(label)s最多%(n)s位小数。") % {"label": label, "n": places})
        return None
    return number


def _money(value, field, label, problems, *, nullable=False):
    number = _decimal(value, field, label, problems, nullable=nullable, places=2)
    if number is None:
        return None
    if number < 0:
        problems.add(field, _("%(label)s不得为负数（当前为%(v)s元）。") % {"label": label, "v": number})
        return None
    if number >= _MAX_MONEY:
        problems.add(field, _("%(label)s过大。") % {"label": label})
        return None
    return number


def _date(value, field, label, problems):
    if value is _MISSING:
        return None
    if value is None or not isinstance(value, str):
        problems.add(field, _("%(label)s应为 YYYY-MM-DD 格式的日期。") % {"label": label})
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.add(field, _("%(label)s应为 YYYY-MM-DD 格式的有效日期，“%(v)s”不是。") % {"label": label, "v": value})
        return None


def _region(value, field, label, problems):
    if value is _MISSING:
        return None
    if not isinstance(value, str) or not (value in el.YANGZHOU_UNITS or (len(value) == 6 and value.isdigit())):
        problems.add(
            field,
            _("%(label)s应为扬州市九个县（市、区）及功能区的代码之一，或其他地区的6位行政区划代码。")
            % {"label": label},
        )
        return None
    return value


def _choice(value, field, label, allowed, problems):
    if value is _MISSING:
        return None
    if not isinstance(value, str) or value not in allowed:
        problems.add(
            field,
            _("%(label)s取值不在允许的范围内，应为：%(allowed)s。") % {"label": label, "allowed": "、".join(allowed)},
        )
        return None
    return value


def _codes(value, field, label, allowed, problems):
    if value is _MISSING:
        return None
    if not isinstance(value, list):
        problems.add(field, _("%(label)s应为列表。") % {"label": label})
        return None
    unknown = [str(v) for v in value if not isinstance(v, str) or v not in allowed]
    if unknown:
        problems.add(
            field,
            _("%(label)s含有不认识的代码：%(unknown)s；允许的代码为：%(allowed)s。")
            % {"label": label, "unknown": "、".join(unknown), "allowed": "、".join(allowed)},
        )
        return None
    return tuple(dict.fromkeys(value))


def _extra(obj, allowed, prefix, problems):
    for key in obj:
        if key not in allowed:
            problems.add(f"{prefix}{key}", _("不认识的字段。"))


def _object(value, field, problems):
    if value is _MISSING:
        return None
    if not isinstance(value, dict):
        problems.add(field, _("应为对象。"))
        return None
    return value


def _enterprise(obj, problems, reference_date):
    p = "enterprise."
    _extra(obj, ENTERPRISE_KEYS, p, problems)
    uscc = _get(obj, "uscc", p, problems)
    code = None
    if uscc is not _MISSING:
        if not isinstance(uscc, str):
            problems.add("enterprise.uscc", _("统一社会信用代码应为字符串。"))
        else:
            try:
                code = normalise(uscc)
            except InvalidCreditCode as exc:
                problems.add("enterprise.uscc", exc.message)
    registered = _region(_get(obj, "registered_region", p, problems), f"{p}registered_region", _("注册地"), problems)
    tax = _region(_get(obj, "tax_region", p, problems), f"{p}tax_region", _("纳税地"), problems)
    independent = _bool(_get(obj, "independent_legal_person", p, problems), f"{p}independent_legal_person", problems)
    established = _date(_get(obj, "established_on", p, problems), f"{p}established_on", _("成立日期"), problems)
    if established and reference_date and established > reference_date:
        problems.add(
            f"{p}established_on",
            _("成立日期%(e)s晚于判断基准日%(r)s。") % {"e": established.isoformat(), "r": reference_date.isoformat()},
        )
        established = None
    industry = _choice(
        _get(obj, "industry", p, problems), f"{p}industry", _("所属行业"), list(INDUSTRY_LABELS), problems
    )
    needed = set(BANDS[industry]["upper"]) if industry else set()
    figures = {}
    labels = {"employees": _("从业人员"), "revenue_yuan": _("营业收入"), "assets_yuan": _("资产总额")}
    for key in ("employees", "revenue_yuan", "assets_yuan"):
        raw = _get(obj, key, p, problems)
        if raw is None and industry and _INDICATOR_OF[key] in needed:
            problems.add(
                f"{p}{key}",
                _("%(industry)s划型需要%(label)s，不能为空。")
                % {"industry": INDUSTRY_LABELS[industry], "label": labels[key]},
            )
            figures[key] = None
            continue
        if key == "employees":
            figures[key] = _int(raw, f"{p}{key}", labels[key], problems, nullable=True)
        else:
            figures[key] = _money(raw, f"{p}{key}", labels[key], problems, nullable=True)
    sound = _bool(_get(obj, "sound_management", p, problems), f"{p}sound_management", problems)
    credit = _bool(_get(obj, "good_credit", p, problems), f"{p}good_credit", problems)
    illegal = _bool(_get(obj, "illegal_record", p, problems), f"{p}illegal_record", problems)
    if problems.errors:
        return None
    return el.EnterpriseFacts(
        uscc=code,
        registered_region=registered,
        tax_region=tax,
        independent_legal_person=independent,
        established_on=established,
        industry=industry,
        employees=figures["employees"],
        revenue_yuan=figures["revenue_yuan"],
        assets_yuan=figures["assets_yuan"],
        sound_management=sound,
        good_credit=credit,
        illegal_record=illegal,
    )


def _demonstration(obj, problems):
    p = "demonstration."
    _extra(obj, DEMONSTRATION_KEYS, p, problems)
    before = len(problems.errors)
    investment = _money(_get(obj, "investment_yuan", p, problems), f"{p}investment_yuan", _("近两年投入"), problems)
    areas = _codes(_get(obj, "areas", p, problems), f"{p}areas", _("申报环节"), list(el.AREAS), problems)
    software = _codes(
        _get(obj, "management_software", p, problems, required=False),
        f"{p}management_software",
        _("关键生产管理软件"),
        list(el.SOFTWARE_KINDS),
        problems,
    )
    projects = _int(
        _get(obj, "control_projects", p, problems, required=False),
        f"{p}control_projects",
        _("生产管控项目数"),
        problems,
    )
    share = _decimal(
        _get(obj, "online_sales_share", p, problems, required=False),
        f"{p}online_sales_share",
        _("线上交易额占比"),
        problems,
        nullable=True,
    )
    if share is not None and not (0 <= share <= 1):
        problems.add(
            f"{p}online_sales_share",
            _("线上交易额占比应为0到1之间的小数（如0.5表示50%%），当前为%(v)s。") % {"v": share},
        )
    if len(problems.errors) > before:
        return None
    return el.DemonstrationFacts(
        investment_yuan=investment,
        areas=areas,
        management_software=software or (),
        control_projects=projects or 0,
        online_sales_share=share,
    )


def _new_product(obj, problems):
    p = "new_product."
    _extra(obj, NEW_PRODUCT_KEYS, p, problems)
    before = len(problems.errors)
    rd = _money(_get(obj, "rd_investment_yuan", p, problems), f"{p}rd_investment_yuan", _("研发投入"), problems)
    industrialized = _bool(_get(obj, "industrialized", p, problems), f"{p}industrialized", problems)
    level = _choice(
        _get(obj, "tech_level", p, problems), f"{p}tech_level", _("技术水平"), list(el.TECH_LEVELS), problems
    )
    patents = _int(_get(obj, "patents", p, problems), f"{p}patents", _("专利数"), problems)
    ip_owned = _bool(_get(obj, "ip_owned", p, problems), f"{p}ip_owned", problems)
    comparison = {}
    raw = _object(_get(obj, "comparison", p, problems), f"{p}comparison", problems)
    if raw is not None:
        for key, pair in raw.items():
            field = f"{p}comparison.{key}"
            if key not in el.INDICATORS:
                problems.add(field, _("不认识的对比指标，应为：%(allowed)s。") % {"allowed": "、".join(el.INDICATORS)})
                continue
            label = el.INDICATORS[key][0]
            if not isinstance(pair, dict):
                problems.add(field, _('%(label)s应为对象 {"traditional", "new"}。') % {"label": label})
                continue
            _extra(pair, ("traditional", "new"), f"{field}.", problems)
            values = []
            for side, side_label in (("traditional", _("传统产品")), ("new", _("新产品"))):
                v = _decimal(pair.get(side), f"{field}.{side}", f"{label}（{side_label}）", problems, nullable=True)
                if v is not None and v < 0:
                    problems.add(
                        f"{field}.{side}", _("%(label)s（%(side)s）不得为负数。") % {"label": label, "side": side_label}
                    )
                    v = None
                values.append(v)
            comparison[key] = tuple(values)
    if len(problems.errors) > before:
        return None
    return el.NewProductFacts(
        rd_investment_yuan=rd,
        industrialized=industrialized,
        tech_level=level,
        patents=patents,
        ip_owned=ip_owned,
        comparison=comparison,
    )


def parse(body: bytes, *, default_reference_date=None) -> tuple[Parsed | None, list[dict]]:
    """(parsed, []) or (None, errors).

    Without a reference date in the body it is `default_reference_date(category_code)` (a callable) or None.
    """
    with pinned_language():
        return _parse(body, default_reference_date)


def _parse(body, default_reference_date):
    problems = Problems()
    try:
        data = json.loads(body or b"", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        problems.add(None, _("请求体不是有效的 JSON。"))
        return None, problems.errors
    if not isinstance(data, dict):
        problems.add(None, _("请求体应为 JSON 对象。"))
        return None, problems.errors
    _extra(data, TOP_KEYS, "", problems)
    category = _choice(
        _get(data, "category", "", problems), "category", _("申报类别"), list(el.CATEGORY_CODES), problems
    )
    reference = _get(data, "reference_date", "", problems, required=False)
    if reference in (_MISSING, None):
        reference_date = default_reference_date(category) if (default_reference_date and category) else None
    else:
        reference_date = _date(reference, "reference_date", _("判断基准日"), problems)
    enterprise_obj = _object(_get(data, "enterprise", "", problems), "enterprise", problems)
    enterprise = _enterprise(enterprise_obj, problems, reference_date) if enterprise_obj is not None else None
    demonstration = new_product = None
    if category == el.DEMONSTRATION:
        obj = _object(_get(data, "demonstration", "", problems), "demonstration", problems)
        demonstration = _demonstration(obj, problems) if obj is not None else None
    elif category == el.NEW_PRODUCT:
        obj = _object(_get(data, "new_product", "", problems), "new_product", problems)
        new_product = _new_product(obj, problems) if obj is not None else None
    if problems.errors:
        return None, problems.errors
    return Parsed(category, reference_date, enterprise, demonstration, new_product), []
