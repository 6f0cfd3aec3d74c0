"""Parse and validate the JSON body of POST /api/v1/eligibility/check, collecting EVERY problem.

Pure (no ORM): returns the facts for the engine or a list of {"field", "message"} errors in Chinese.
The body's shape is `enterprises.payload_schema` (the pydantic models the OpenAPI document shows): every field
name, whether it is required, its label and its allowed codes are read from there, so the parser accepts
exactly the declared fields (tests/enterprises/test_payload_schema.py checks the values field by field).
Money and shares accept JSON numbers or decimal strings and become Decimal (the body is parsed with
`core.jsonsafe.loads(decimal=True)`, so 500000.01 is never a binary float).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import get_args

from django.utils.text import format_lazy

from core import jsonsafe
from enterprises import eligibility as el
from enterprises import payload_schema as S
from enterprises.i18n import gettext_fast as _
from enterprises.i18n import pinned_language
from enterprises.sizeclass import BANDS, INDUSTRY_LABELS
from enterprises.uscc import InvalidCreditCode, normalise

# Which size indicator each input field is (X employees, Y revenue, Z assets).
_INDICATOR_OF = {"employees": "X", "revenue_yuan": "Y", "assets_yuan": "Z"}
_MODELS = (S.EligibilityIn, S.EnterpriseIn, S.DemonstrationIn, S.NewProductIn, S.ComparisonIn, S.PairIn)


class _Label:
    """A field's label (its title in the schema, a msgid), translated only when a message is written."""

    __slots__ = ("msgid",)

    def __init__(self, msgid):
        self.msgid = msgid

    def __str__(self):
        return _(self.msgid)


# Per model, read once from the schema: (declared field names, required field names, labels).
_FIELDS = {
    m: (tuple(m.model_fields), frozenset(k for k, f in m.model_fields.items() if f.is_required())) for m in _MODELS
}
_LABELS = {m: {k: _Label(f.title) for k, f in m.model_fields.items() if f.title} for m in _MODELS}


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


def _get(obj, model, key, prefix, problems, *, required=None):
    """obj[key], or _MISSING (a problem when the field is required: by the schema unless `required` says)."""
    if key not in obj:
        if required if required is not None else key in _FIELDS[model][1]:
            problems.add(f"{prefix}{key}", _("此字段为必填项。"))
        return _MISSING
    return obj[key]


def _label(model, key):
    return _LABELS[model][key]


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
    number = _decimal(value, field, label, problems, nullable=nullable, places=S.MONEY_PLACES)
    if number is None:
        return None
    if number < 0:
        problems.add(field, _("%(label)s不得为负数（当前为%(v)s元）。") % {"label": label, "v": number})
        return None
    if number >= S.MAX_MONEY:
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
        return S.iso_day(value)
    except ValueError:
        problems.add(field, _("%(label)s应为 YYYY-MM-DD 格式的有效日期，“%(v)s”不是。") % {"label": label, "v": value})
        return None


def _region(value, field, label, problems, units):
    if value is _MISSING:
        return None
    if not isinstance(value, str) or not (value in units or (len(value) == 6 and value.isdigit())):
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


def _extra(obj, model, prefix, problems):
    allowed = _FIELDS[model][0]
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


def _enterprise(obj, problems, reference_date, units):
    m, p = S.EnterpriseIn, "enterprise."
    _extra(obj, m, p, problems)
    uscc = _get(obj, m, "uscc", p, problems)
    code = None
    if uscc is not _MISSING:
        if not isinstance(uscc, str):
            problems.add("enterprise.uscc", _("统一社会信用代码应为字符串。"))
        else:
            try:
                code = normalise(uscc)
            except InvalidCreditCode as exc:
                problems.add("enterprise.uscc", exc.message)
    registered, tax = (
        _region(_get(obj, m, key, p, problems), f"{p}{key}", _label(m, key), problems, units)
        for key in ("registered_region", "tax_region")
    )
    independent = _bool(_get(obj, m, "independent_legal_person", p, problems), f"{p}independent_legal_person", problems)
    established = _date(
        _get(obj, m, "established_on", p, problems), f"{p}established_on", _label(m, "established_on"), problems
    )
    if established and reference_date and established > reference_date:
        problems.add(
            f"{p}established_on",
            _("成立日期%(e)s晚于判断基准日%(r)s。") % {"e": established.isoformat(), "r": reference_date.isoformat()},
        )
        established = None
    industry = _choice(
        _get(obj, m, "industry", p, problems), f"{p}industry", _label(m, "industry"), S.INDUSTRY_CODES, problems
    )
    needed = set(BANDS[industry]["upper"]) if industry else set()
    figures = {}
    for key in ("employees", "revenue_yuan", "assets_yuan"):
        raw, label = _get(obj, m, key, p, problems), _label(m, key)
        if raw is None and industry and _INDICATOR_OF[key] in needed:
            problems.add(
                f"{p}{key}",
                _("%(industry)s划型需要%(label)s，不能为空。")
                % {"industry": INDUSTRY_LABELS[industry], "label": label},
            )
            figures[key] = None
            continue
        if key == "employees":
            figures[key] = _int(raw, f"{p}{key}", label, problems, nullable=True)
        else:
            figures[key] = _money(raw, f"{p}{key}", label, problems, nullable=True)
    sound, credit, illegal = (
        _bool(_get(obj, m, key, p, problems), f"{p}{key}", problems)
        for key in ("sound_management", "good_credit", "illegal_record")
    )
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
    m, p = S.DemonstrationIn, "demonstration."
    _extra(obj, m, p, problems)
    before = len(problems.errors)
    investment = _money(
        _get(obj, m, "investment_yuan", p, problems), f"{p}investment_yuan", _label(m, "investment_yuan"), problems
    )
    areas = _codes(_get(obj, m, "areas", p, problems), f"{p}areas", _label(m, "areas"), S.AREA_CODES, problems)
    software = _codes(
        _get(obj, m, "management_software", p, problems),
        f"{p}management_software",
        _label(m, "management_software"),
        S.SOFTWARE_CODES,
        problems,
    )
    projects = _int(
        _get(obj, m, "control_projects", p, problems), f"{p}control_projects", _label(m, "control_projects"), problems
    )
    share = _decimal(
        _get(obj, m, "online_sales_share", p, problems),
        f"{p}online_sales_share",
        _label(m, "online_sales_share"),
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


def _comparison(raw, prefix, problems):
    comparison = {}
    for key, pair in raw.items():
        field = f"{prefix}{key}"
        if key not in _FIELDS[S.ComparisonIn][0]:
            problems.add(field, _("不认识的对比指标，应为：%(allowed)s。") % {"allowed": "、".join(S.INDICATOR_CODES)})
            continue
        label = S.INDICATOR_LABELS[key]  # lazy: translated only when a message is written
        if not isinstance(pair, dict):
            problems.add(field, _('%(label)s应为对象 {"traditional", "new"}。') % {"label": label})
            continue
        _extra(pair, S.PairIn, f"{field}.", problems)
        values = []
        for side in _FIELDS[S.PairIn][0]:
            side_label = _label(S.PairIn, side)
            value = pair.get(side)
            if value is None:
                values.append(None)
                continue
            v = _decimal(value, f"{field}.{side}", format_lazy("{}（{}）", label, side_label), problems)
            if v is not None and v < 0:
                problems.add(
                    f"{field}.{side}", _("%(label)s（%(side)s）不得为负数。") % {"label": label, "side": side_label}
                )
                v = None
            values.append(v)
        comparison[key] = tuple(values)
    return comparison


def _new_product(obj, problems):
    m, p = S.NewProductIn, "new_product."
    _extra(obj, m, p, problems)
    before = len(problems.errors)
    rd = _money(
        _get(obj, m, "rd_investment_yuan", p, problems),
        f"{p}rd_investment_yuan",
        _label(m, "rd_investment_yuan"),
        problems,
    )
    industrialized = _bool(_get(obj, m, "industrialized", p, problems), f"{p}industrialized", problems)
    level = _choice(
        _get(obj, m, "tech_level", p, problems), f"{p}tech_level", _label(m, "tech_level"), S.TECH_LEVEL_CODES, problems
    )
    patents = _int(_get(obj, m, "patents", p, problems), f"{p}patents", _label(m, "patents"), problems)
    ip_owned = _bool(_get(obj, m, "ip_owned", p, problems), f"{p}ip_owned", problems)
    raw = _object(_get(obj, m, "comparison", p, problems), f"{p}comparison", problems)
    comparison = _comparison(raw, f"{p}comparison.", problems) if raw is not None else {}
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


def parse(
    body: bytes,
    *,
    default_reference_date: Callable[[str], dt.date | None] | None = None,
    county_units: Container[str] = (),
) -> tuple[Parsed | None, list[dict]]:
    """(parsed, []) or (None, errors).

    Without a reference date in the body it is `default_reference_date(category_code)` or None.
    `county_units`: the codes of Yangzhou's county-level units (`accounts.selectors.county_units()`); any other
    region must be a 6-digit code (accepted here; the region rule then fails).
    """
    with pinned_language():
        return _parse(body, default_reference_date, county_units)


def _declared_field(path):
    """A refused place named like every other problem: the declared field holding it (``enterprise.employees``
    for ``enterprise.employees.0`` or a key inside it), or None for the body itself."""
    model, kept = S.EligibilityIn, []
    for part in (path or "").split("."):
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            break
        kept.append(part)
        annotation = fields[part].annotation
        model = next((a for a in (annotation, *get_args(annotation)) if hasattr(a, "model_fields")), None)
    return ".".join(kept) or None


def _parse(body, default_reference_date, units):
    problems = Problems()
    try:
        # The API's one JSON reader (core.jsonsafe): NaN, 1e400, NUL, lone surrogates and deep nesting are refused.
        data = jsonsafe.loads(body or b"", decimal=True)
    except jsonsafe.UnsafeInput as exc:
        return None, [{**e, "field": _declared_field(e["field"])} for e in exc.errors]
    except jsonsafe.InvalidJSON:
        problems.add(None, _("请求体不是有效的 JSON。"))
        return None, problems.errors
    if not isinstance(data, dict):
        problems.add(None, _("请求体应为 JSON 对象。"))
        return None, problems.errors
    m = S.EligibilityIn
    _extra(data, m, "", problems)
    category = _choice(
        _get(data, m, "category", "", problems), "category", _label(m, "category"), S.CATEGORY_CODES, problems
    )
    reference = _get(data, m, "reference_date", "", problems)
    if reference in (_MISSING, None):
        reference_date = default_reference_date(category) if (default_reference_date and category) else None
    else:
        reference_date = _date(reference, "reference_date", _label(m, "reference_date"), problems)
    enterprise_obj = _object(_get(data, m, "enterprise", "", problems), "enterprise", problems)
    enterprise = _enterprise(enterprise_obj, problems, reference_date, units) if enterprise_obj is not None else None
    blocks = {}
    for code, (key, model) in S.BLOCKS.items():
        # The category's block is required; the other category's block may be left out, but when sent it is
        # checked like any other part of the body (the schema describes it), and then not used.
        value = _get(data, m, key, "", problems, required=code == category)
        if value is _MISSING:
            continue
        obj = _object(value, key, problems)
        reader = _demonstration if model is S.DemonstrationIn else _new_product
        block = reader(obj, problems) if obj is not None else None
        if code == category:
            blocks[key] = block
    if problems.errors:
        return None, problems.errors
    return Parsed(category, reference_date, enterprise, blocks.get("demonstration"), blocks.get("new_product")), []
