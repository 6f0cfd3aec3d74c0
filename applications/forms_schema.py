"""The one definition of each category's application form (申请书).

Everything about a form comes from here: validation of drafts and of submissions (``validate``), the JSON
Schema published by the API (``json_schema``), the parser of the server-rendered page (``parse_post``) and
the sections the templates render (``FORMS[code].sections``). The data shapes are those of
docs/application-data.md.

Drafts may be incomplete or even wrong: ``validate(..., for_submission=False)`` reports format errors but
keeps what was typed; only ``for_submission=True`` also demands every required field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from programmes.vocabulary import (
    AREAS,
    COMPARISON_ROWS,
    INVESTMENT_KINDS,
    IP_TYPES,
    OWNERSHIP,
    SOFTWARE_KINDS,
    TECH_LEVELS,
)

MAX_ROWS = 200
MONEY_MAX = Decimal("999999999999.99")
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text, textarea, money, number, date, choice, bool, year
    required: bool = False
    choices: tuple = ()
    max_length: int | None = None
    help: str = ""
    readonly: bool = False

    @property
    def max_len(self):
        if self.max_length:
            return self.max_length
        return 5000 if self.kind == "textarea" else 200


@dataclass(frozen=True)
class Table:
    """A list of rows (the investment list, the patents…). ``period_column`` must lie in the call's period."""

    key: str
    label: str
    columns: tuple
    min_rows: int = 0
    unique: tuple = ()
    period_column: str | None = None
    help: str = ""
    fixed_years: bool = False  # rows are the call's two years (sales); the year column is not typed

    def column(self, key):
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Group:
    """A JSON object of plain fields (e.g. the new product's sales figures)."""

    key: str
    label: str
    fields: tuple
    help: str = ""


@dataclass(frozen=True)
class Matrix:
    """A JSON object of row code -> {column -> value}: the 三降低两提升 comparison table."""

    key: str
    label: str
    rows: tuple  # (code, label, default unit, reference target in percent, direction "down"/"up")
    columns: tuple
    help: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple
    help: str = ""


@dataclass(frozen=True)
class FormDefinition:
    category_code: str
    title: str
    sections: tuple = field(default_factory=tuple)

    @property
    def items(self):
        return [item for section in self.sections for item in section.items]

    def item(self, key):
        return next(i for i in self.items if i.key == key)


DEMONSTRATION = FormDefinition(
    category_code="demonstration",
    title=_("扬州市“互联网+小微企业”示范试点企业申请书"),
    sections=(
        Section(
            "areas",
            _("申报方向与成效"),
            (
                Table(
                    "areas",
                    _("申报方向"),
                    (
                        Field("code", _("方向"), "choice", required=True, choices=AREAS),
                        Field("work", _("主要做法"), "textarea", required=True, max_length=3000),
                        Field("results", _("取得成效"), "textarea", required=True, max_length=3000),
                    ),
                    min_rows=1,
                    unique=("code",),
                    help=_("研发设计、生产管控、购销经营、产品和服务创新，可选一个或几个方面。"),
                ),
            ),
        ),
        Section(
            "investments",
            _("近两年投入清单"),
            (
                Table(
                    "investments",
                    _("投入清单"),
                    (
                        Field("date", _("日期"), "date", required=True),
                        Field("content", _("投入内容"), "text", required=True),
                        Field("kind", _("类别"), "choice", required=True, choices=INVESTMENT_KINDS),
                        Field("area", _("所属方向"), "choice", required=True, choices=AREAS),
                        Field("supplier", _("供应商"), "text", required=True),
                        Field("amount_yuan", _("金额（元）"), "money", required=True),
                        Field("invoice_no", _("发票号码"), "text", required=True, max_length=60),
                    ),
                    min_rows=1,
                    unique=("invoice_no",),
                    period_column="date",
                    help=_("只计入本批次投入统计期内的投入；按方向、按年度自动合计。"),
                ),
            ),
        ),
        Section(
            "production",
            _("关键生产管理软件与生产管控项目"),
            (
                Table(
                    "management_software",
                    _("关键生产管理软件"),
                    (
                        Field("kind", _("软件类型"), "choice", required=True, choices=SOFTWARE_KINDS),
                        Field("vendor", _("供应商/品牌"), "text", required=True),
                        Field("go_live", _("上线日期"), "date", required=True),
                    ),
                ),
                Table(
                    "control_projects",
                    _("生产管控项目"),
                    (
                        Field("name", _("项目名称"), "text", required=True),
                        Field("description", _("项目说明"), "textarea", max_length=2000),
                    ),
                    help=_("设备联网、远程实时监控、生产过程协同、故障智能诊断、决策支持、安全生产监管等。"),
                ),
            ),
        ),
        Section(
            "sales",
            _("线上交易情况"),
            (
                Table(
                    "sales",
                    _("销售额"),
                    (
                        Field("year", _("年度"), "year", required=True, readonly=True),
                        Field("online_yuan", _("线上交易额（元）"), "money", required=True),
                        Field("total_yuan", _("销售总额（元）"), "money", required=True),
                    ),
                    min_rows=2,
                    unique=("year",),
                    fixed_years=True,
                    help=_("线上交易额占比 = 两年线上交易额之和 ÷ 两年销售总额之和。"),
                ),
            ),
        ),
        Section(
            "summary",
            _("企业“互联网+”情况总结"),
            (Field("summary", _("情况总结"), "textarea", required=True, max_length=20000),),
        ),
    ),
)

NEW_PRODUCT = FormDefinition(
    category_code="new_product",
    title=_("扬州市“互联网+小微企业”研发推广应用新产品新技术申请书"),
    sections=(
        Section(
            "product",
            _("产品（技术）概况"),
            (
                Field("product_name", _("产品（技术）名称"), "text", required=True),
                Field("description", _("产品（技术）简介"), "textarea", required=True),
                Field("industrialized", _("已实现产业化"), "bool", required=True),
                Field("industrialization_status", _("产业化情况"), "textarea", required=True),
                Field("cases", _("推广应用案例"), "textarea", required=True),
            ),
        ),
        Section(
            "sales",
            _("开票销售、税金与研发投入"),
            (
                Group(
                    "sales",
                    _("开票销售与税金"),
                    (
                        Field("enterprise_2017_yuan", _("企业2017年度开票销售（元）"), "money", required=True),
                        Field("enterprise_2018_yuan", _("企业2018年度开票销售（元）"), "money", required=True),
                        Field("product_2018_yuan", _("新产品（技术）2018年度开票销售（元）"), "money", required=True),
                        Field("taxes_2018_yuan", _("2018年度上缴税金（元）"), "money", required=True),
                    ),
                ),
                Table(
                    "rd_investments",
                    _("研发投入清单"),
                    (
                        Field("date", _("日期"), "date", required=True),
                        Field("content", _("投入内容"), "text", required=True),
                        Field("amount_yuan", _("金额（元）"), "money", required=True),
                    ),
                    min_rows=1,
                ),
            ),
        ),
        Section(
            "comparison",
            _("“三降低两提升”对比"),
            (
                Matrix(
                    "comparison",
                    _("与传统产品对比"),
                    COMPARISON_ROWS,
                    (
                        Field("traditional", _("传统产品"), "number", required=True),
                        Field("new", _("新产品（技术）"), "number", required=True),
                        Field("unit", _("单位"), "text", max_length=20),
                    ),
                    help=_("参考目标为2015年《智能制造试点示范专项行动实施方案》的试点目标，仅供对照。"),
                ),
            ),
        ),
        Section(
            "technology",
            _("技术水平"),
            (
                Field("tech_level", _("技术水平"), "choice", required=True, choices=TECH_LEVELS),
                Field("tech_evidence", _("技术水平依据"), "textarea", required=True),
            ),
        ),
        Section(
            "ip",
            _("知识产权"),
            (
                Table(
                    "ip",
                    _("知识产权清单"),
                    (
                        Field("patent_no", _("专利（登记）号"), "text", required=True, max_length=40),
                        Field("type", _("类型"), "choice", required=True, choices=IP_TYPES),
                        Field("title", _("名称"), "text", required=True),
                        Field("granted_on", _("授权日期"), "date", required=True),
                        Field("owner", _("权利人"), "text", required=True),
                        Field("ownership", _("取得方式"), "choice", required=True, choices=OWNERSHIP),
                    ),
                    min_rows=1,
                    unique=("patent_no",),
                ),
            ),
        ),
    ),
)

FORMS = {DEMONSTRATION.category_code: DEMONSTRATION, NEW_PRODUCT.category_code: NEW_PRODUCT}


def definition_for(category_code):
    return FORMS[category_code]


class StructureError(ValueError):
    """The data is not of the form's shape at all (not an object, unknown keys): nothing may be saved."""

    def __init__(self, errors):
        super().__init__(errors[0]["message"])
        self.errors = errors


# ---------------------------------------------------------------------------------------------- validation


def _blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_money(value):
    """'120,000.5' -> Decimal('120000.50'); raises ValueError for anything that is not a non-negative amount."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("float")
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError("format")
    amount = Decimal(text)
    if amount < 0:
        raise ValueError("negative")
    if amount != amount.quantize(TWO_PLACES):
        raise ValueError("places")
    if amount > MONEY_MAX:
        raise ValueError("too_large")
    return amount.quantize(TWO_PLACES)


def parse_number(value):
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("float")
    text = str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("format") from exc
    if not number.is_finite() or number < 0 or abs(number) > MONEY_MAX:
        raise ValueError("range")
    return number


def parse_date(value):
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError("format") from exc


class _Validator:
    def __init__(self, definition, *, period, years, for_submission):
        self.definition = definition
        self.period = period
        self.years = years
        self.for_submission = for_submission
        self.errors = []

    def error(self, path, message):
        self.errors.append({"field": path, "message": str(message)})

    def value(self, fld, raw, path, where):
        """Normalise one value. Invalid input is kept as typed (a draft keeps it) and reported."""
        if _blank(raw):
            if fld.required and self.for_submission:
                self.error(path, _("请填写%(where)s。") % {"where": where})
            return "" if fld.kind not in {"bool"} else None
        kind = fld.kind
        if kind in {"text", "textarea"}:
            if not isinstance(raw, str):
                self.error(path, _("%(where)s应为文字。") % {"where": where})
                return str(raw)
            text = raw.strip() if kind == "text" else raw
            if len(text) > fld.max_len:
                self.error(
                    path,
                    _("%(where)s最多 %(limit)s 个字，现为 %(n)s 个字。")
                    % {"where": where, "limit": fld.max_len, "n": len(text)},
                )
            return text
        if kind == "money":
            try:
                return str(parse_money(raw))
            except ValueError as exc:
                reason = str(exc)
                if reason == "negative":
                    msg = _("%(where)s不能为负数。")
                elif reason == "places":
                    msg = _("%(where)s最多保留两位小数（精确到分）。")
                elif reason == "too_large":
                    msg = _("%(where)s超出上限（不超过 999999999999.99 元）。")
                else:
                    msg = _("%(where)s应为金额数字（元），例如 120000.00。")
                self.error(path, msg % {"where": where})
                return raw if isinstance(raw, str) else str(raw)
        if kind == "number":
            try:
                number = parse_number(raw)
                return format(number.normalize(), "f") if number == number.to_integral() else str(number)
            except ValueError:
                self.error(path, _("%(where)s应为不小于 0 的数字。") % {"where": where})
                return raw if isinstance(raw, str) else str(raw)
        if kind == "date":
            try:
                return parse_date(raw).isoformat()
            except ValueError:
                self.error(path, _("%(where)s日期格式应为 YYYY-MM-DD，例如 2018-03-01。") % {"where": where})
                return str(raw)
        if kind == "choice":
            allowed = [c for c, _label in fld.choices]
            if raw not in allowed:
                labels = "、".join(str(label) for _c, label in fld.choices)
                self.error(path, _("%(where)s应为以下之一：%(labels)s。") % {"where": where, "labels": labels})
            return raw if isinstance(raw, str) else str(raw)
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"true", "1", "on", "yes", "是"}:
                return True
            if text in {"false", "0", "off", "no", "否"}:
                return False
            self.error(path, _("%(where)s应为“是”或“否”。") % {"where": where})
            return None
        if kind == "year":
            try:
                year = int(str(raw).strip())
            except ValueError:
                self.error(path, _("%(where)s应为年份，例如 2018。") % {"where": where})
                return raw
            if self.years and year not in self.years:
                self.error(
                    path,
                    _("%(where)s只能是 %(years)s 年。") % {"where": where, "years": "、".join(map(str, self.years))},
                )
            return year
        raise AssertionError(kind)

    def table(self, tbl, raw):
        if raw in (None, ""):
            raw = []
        if not isinstance(raw, list):
            raise StructureError([{"field": tbl.key, "message": str(_("「%(t)s」应为列表。") % {"t": tbl.label})}])
        if len(raw) > MAX_ROWS:
            raise StructureError(
                [{"field": tbl.key, "message": str(_("「%(t)s」最多 %(n)s 行。") % {"t": tbl.label, "n": MAX_ROWS})}]
            )
        keys = {c.key for c in tbl.columns}
        rows = []
        for index, row in enumerate(raw):
            if not isinstance(row, dict):
                raise StructureError(
                    [
                        {
                            "field": f"{tbl.key}.{index}",
                            "message": str(_("「%(t)s」的每一行应为对象。") % {"t": tbl.label}),
                        }
                    ]
                )
            extra = sorted(set(row) - keys)
            if extra:
                raise StructureError(
                    [
                        {
                            "field": f"{tbl.key}.{index}.{extra[0]}",
                            "message": str(_("「%(t)s」没有“%(k)s”这一栏。") % {"t": tbl.label, "k": extra[0]}),
                        }
                    ]
                )
            clean = {}
            for col in tbl.columns:
                where = _("「%(t)s」第 %(n)s 行的“%(c)s”") % {"t": tbl.label, "n": index + 1, "c": col.label}
                clean[col.key] = self.value(col, row.get(col.key), f"{tbl.key}.{index}.{col.key}", where)
            rows.append(clean)
        # Rules across rows: uniqueness, the investment period, the minimum number of rows.
        for key in tbl.unique:
            seen = {}
            col = tbl.column(key)
            for index, row in enumerate(rows):
                value = row.get(key)
                if _blank(value):
                    continue
                norm = str(value).strip().upper() if isinstance(value, str) else value
                if norm in seen:
                    self.error(
                        f"{tbl.key}.{index}.{key}",
                        _("「%(t)s」第 %(n)s 行的“%(c)s”%(v)s 与第 %(m)s 行重复。")
                        % {"t": tbl.label, "n": index + 1, "c": col.label, "v": value, "m": seen[norm] + 1},
                    )
                else:
                    seen[norm] = index
        if tbl.period_column and self.period:
            start, end = self.period
            for index, row in enumerate(rows):
                try:
                    day = parse_date(row.get(tbl.period_column))
                except ValueError:
                    continue
                if not start <= day <= end:
                    self.error(
                        f"{tbl.key}.{index}.{tbl.period_column}",
                        _("「%(t)s」第 %(n)s 行的日期 %(d)s 不在本批次投入统计期（%(s)s 至 %(e)s）内，不计入投入总额。")
                        % {"t": tbl.label, "n": index + 1, "d": day.isoformat(), "s": start, "e": end},
                    )
        if self.for_submission and len(rows) < tbl.min_rows:
            self.error(tbl.key, _("「%(t)s」至少填写 %(n)s 行。") % {"t": tbl.label, "n": tbl.min_rows})
        return rows

    def group(self, grp, raw):
        if raw in (None, ""):
            raw = {}
        if not isinstance(raw, dict):
            raise StructureError([{"field": grp.key, "message": str(_("「%(t)s」应为对象。") % {"t": grp.label})}])
        extra = sorted(set(raw) - {f.key for f in grp.fields})
        if extra:
            raise StructureError(
                [
                    {
                        "field": f"{grp.key}.{extra[0]}",
                        "message": str(_("「%(t)s」没有“%(k)s”这一项。") % {"t": grp.label, "k": extra[0]}),
                    }
                ]
            )
        return {
            f.key: self.value(f, raw.get(f.key), f"{grp.key}.{f.key}", _("“%(c)s”") % {"c": f.label})
            for f in grp.fields
        }

    def matrix(self, mtx, raw):
        if raw in (None, ""):
            raw = {}
        if not isinstance(raw, dict):
            raise StructureError([{"field": mtx.key, "message": str(_("「%(t)s」应为对象。") % {"t": mtx.label})}])
        codes = [r[0] for r in mtx.rows]
        extra = sorted(set(raw) - set(codes))
        if extra:
            raise StructureError(
                [
                    {
                        "field": f"{mtx.key}.{extra[0]}",
                        "message": str(_("「%(t)s」没有“%(k)s”这一行。") % {"t": mtx.label, "k": extra[0]}),
                    }
                ]
            )
        out = {}
        col_keys = {c.key for c in mtx.columns}
        for code, label, unit, _target, _direction in mtx.rows:
            row = raw.get(code) or {}
            if not isinstance(row, dict) or set(row) - col_keys:
                raise StructureError(
                    [
                        {
                            "field": f"{mtx.key}.{code}",
                            "message": str(_("「%(t)s」“%(r)s”一行的格式不对。") % {"t": mtx.label, "r": label}),
                        }
                    ]
                )
            clean = {}
            for col in mtx.columns:
                where = _("「%(t)s」“%(r)s”的“%(c)s”") % {"t": mtx.label, "r": label, "c": col.label}
                clean[col.key] = self.value(col, row.get(col.key), f"{mtx.key}.{code}.{col.key}", where)
            if not clean.get("unit"):
                clean["unit"] = unit
            out[code] = clean
        return out

    def run(self, data):
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise StructureError([{"field": "data", "message": str(_("申报书内容应为对象。"))}])
        items = self.definition.items
        extra = sorted(set(data) - {i.key for i in items})
        if extra:
            raise StructureError(
                [{"field": extra[0], "message": str(_("申报书中没有“%(k)s”这一项。") % {"k": extra[0]})}]
            )
        clean = {}
        for item in items:
            raw = data.get(item.key)
            if isinstance(item, Table):
                clean[item.key] = self.table(item, raw)
            elif isinstance(item, Group):
                clean[item.key] = self.group(item, raw)
            elif isinstance(item, Matrix):
                clean[item.key] = self.matrix(item, raw)
            else:
                clean[item.key] = self.value(item, raw, item.key, _("“%(c)s”") % {"c": item.label})
        return clean


def validate(definition, data, *, call=None, for_submission=False):
    """Return (normalised data, errors). Raises StructureError if the data is not of the form's shape."""
    period = (call.investment_period_start, call.investment_period_end) if call is not None else None
    years = (call.year - 1, call.year) if call is not None else ()
    validator = _Validator(definition, period=period, years=years, for_submission=for_submission)
    clean = validator.run(data)
    return clean, validator.errors


def empty_data(definition, *, call=None):
    """A new draft: blank values, and the fixed-year rows (sales per year) already there."""
    data, _errors = validate(definition, {}, call=call)
    for item in definition.items:
        if isinstance(item, Table) and item.fixed_years and call is not None:
            data[item.key] = [
                {c.key: (year if c.key == "year" else "") for c in item.columns} for year in (call.year - 1, call.year)
            ]
    return data


# ------------------------------------------------------------------------------------------ the page's POST


def _row_blank(row, table):
    return all(_blank(row.get(c.key)) for c in table.columns if not c.readonly)


def parse_post(definition, post):
    """The page's fields, named like the JSON paths (``investments.0.amount_yuan``), back into form data."""
    data = {}
    for item in definition.items:
        if isinstance(item, Table):
            rows = {}
            prefix = f"{item.key}."
            for name in post:
                if not name.startswith(prefix):
                    continue
                parts = name[len(prefix) :].split(".")
                if len(parts) != 2 or not parts[0].isdigit():
                    continue
                index, col = int(parts[0]), parts[1]
                if col in {c.key for c in item.columns}:
                    rows.setdefault(index, {})[col] = post.get(name)
            ordered = [rows[i] for i in sorted(rows)]
            data[item.key] = [r for r in ordered if item.fixed_years or not _row_blank(r, item)]
        elif isinstance(item, Group):
            data[item.key] = {f.key: post.get(f"{item.key}.{f.key}", "") for f in item.fields}
        elif isinstance(item, Matrix):
            data[item.key] = {
                code: {c.key: post.get(f"{item.key}.{code}.{c.key}", "") for c in item.columns}
                for code, *_rest in item.rows
            }
        elif item.kind == "bool":
            value = post.get(item.key, "")
            data[item.key] = value
        else:
            data[item.key] = post.get(item.key, "")
    return data


# ------------------------------------------------------------------------------------------ JSON Schema

MONEY_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"


def _field_schema(fld):
    base = {"title": str(fld.label)}
    if fld.kind in {"text", "textarea"}:
        base.update(type="string", maxLength=fld.max_len)
        if fld.kind == "textarea":
            base["x-widget"] = "textarea"
    elif fld.kind == "money":
        base.update(type="string", pattern=MONEY_PATTERN, description=str(_("金额（元），字符串，最多两位小数")))
    elif fld.kind == "number":
        base.update(type="string", pattern=r"^\d+(\.\d+)?$")
    elif fld.kind == "date":
        base.update(type="string", format="date")
    elif fld.kind == "choice":
        base.update(
            type="string",
            enum=[c for c, _l in fld.choices],
            **{"x-enum-labels": {c: str(lbl) for c, lbl in fld.choices}},
        )
    elif fld.kind == "bool":
        base.update(type="boolean")
    elif fld.kind == "year":
        base.update(type="integer")
    if fld.help:
        base["description"] = str(fld.help)
    return base


def json_schema(definition, *, call=None):
    """JSON Schema (2020-12) of a complete, submittable application of this category."""
    properties, required = {}, []
    for section in definition.sections:
        for item in section.items:
            if isinstance(item, Table):
                row = {
                    "type": "object",
                    "properties": {c.key: _field_schema(c) for c in item.columns},
                    "required": [c.key for c in item.columns if c.required],
                    "additionalProperties": False,
                }
                schema = {"title": str(item.label), "type": "array", "items": row, "maxItems": MAX_ROWS}
                if item.min_rows:
                    schema["minItems"] = item.min_rows
                    required.append(item.key)
                if item.unique:
                    schema["x-unique-columns"] = list(item.unique)
                if item.period_column and call is not None:
                    row["properties"][item.period_column]["formatMinimum"] = call.investment_period_start.isoformat()
                    row["properties"][item.period_column]["formatMaximum"] = call.investment_period_end.isoformat()
            elif isinstance(item, Group):
                schema = {
                    "title": str(item.label),
                    "type": "object",
                    "properties": {f.key: _field_schema(f) for f in item.fields},
                    "required": [f.key for f in item.fields if f.required],
                    "additionalProperties": False,
                }
                required.append(item.key)
            elif isinstance(item, Matrix):
                row_props = {c.key: _field_schema(c) for c in item.columns}
                schema = {
                    "title": str(item.label),
                    "type": "object",
                    "properties": {
                        code: {
                            "title": str(label),
                            "type": "object",
                            "properties": row_props,
                            "required": [c.key for c in item.columns if c.required],
                            "additionalProperties": False,
                            "x-reference-target-percent": target,
                            "x-direction": direction,
                            "x-default-unit": unit,
                        }
                        for code, label, unit, target, direction in item.rows
                    },
                    "required": [r[0] for r in item.rows],
                    "additionalProperties": False,
                }
                required.append(item.key)
            else:
                schema = _field_schema(item)
                if item.required:
                    required.append(item.key)
            schema["x-section"] = section.key
            properties[item.key] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"shenbao.application.{definition.category_code}",
        "title": str(definition.title),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "x-sections": [{"key": s.key, "title": str(s.title)} for s in definition.sections],
    }


def quantize(amount):
    return Decimal(amount).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
