"""The shapes of an application form (申请书) and the two built-in definitions of the 2018 call, as data.

A definition is data of the call: it is stored per category and version (`programmes.CategoryForm`, JSON
made by `forms.serialise`) and an application keeps the version it was started on. Labels are msgids
(Chinese, marked with ``gettext_noop`` as ``_`` so makemessages finds them) and are relative to the call's year:
``%(year)s`` is the call's year, ``%(prev_year)s`` the year before. `resolve()` turns a stored definition
into one for a call year whose labels are translated and formatted lazily, when rendered.

Choices and the comparison rows are not copied into the definition: a field names its vocabulary
(``programmes.vocabulary``), the one place where choices and their labels are spelled.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _  # marks the msgids (makemessages); stored as is

from programmes import vocabulary

KINDS = ("text", "textarea", "money", "number", "date", "choice", "bool", "year")


def _year_text(msgid: str, year: int) -> str:
    text = gettext(msgid)
    return text % {"year": year, "prev_year": year - 1} if "%(" in text else text


year_text = lazy(_year_text, str)


def _vocabulary(name: str) -> tuple:
    if not name:
        return ()
    if not hasattr(vocabulary, name):
        raise ValueError(f"unknown vocabulary {name!r}")
    return getattr(vocabulary, name)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # one of KINDS
    required: bool = False
    vocabulary: str = ""  # the name of the choices in programmes.vocabulary (kind "choice")
    max_length: int | None = None
    help: str = ""
    readonly: bool = False

    @property
    def choices(self) -> tuple:
        return _vocabulary(self.vocabulary)

    @property
    def max_len(self) -> int:
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
    rows_vocabulary: str  # rows (code, label, default unit, reference target in percent, "down"/"up")
    columns: tuple
    help: str = ""

    @property
    def rows(self) -> tuple:
        return _vocabulary(self.rows_vocabulary)


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
    year: int | None = None  # set by resolve(): the call year the labels are written for

    @property
    def items(self):
        return [item for section in self.sections for item in section.items]

    def item(self, key):
        return next(i for i in self.items if i.key == key)


def _resolve_item(item, year):
    text = {"label": year_text(item.label, year)}
    if item.help:
        text["help"] = year_text(item.help, year)
    if isinstance(item, Table | Matrix):
        text["columns"] = tuple(_resolve_item(c, year) for c in item.columns)
    elif isinstance(item, Group):
        text["fields"] = tuple(_resolve_item(f, year) for f in item.fields)
    return dataclasses.replace(item, **text)


def resolve(definition: FormDefinition, *, year: int) -> FormDefinition:
    """The definition for a call of `year`: labels translated and their years filled in, lazily."""
    return dataclasses.replace(
        definition,
        title=year_text(definition.title, year),
        year=year,
        sections=tuple(
            dataclasses.replace(
                s,
                title=year_text(s.title, year),
                help=year_text(s.help, year) if s.help else "",
                items=tuple(_resolve_item(i, year) for i in s.items),
            )
            for s in definition.sections
        ),
    )


# ------------------------------------------------------------------------------ the 2018 call's two forms

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
                        Field("code", _("方向"), "choice", required=True, vocabulary="AREAS"),
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
                        Field("kind", _("类别"), "choice", required=True, vocabulary="INVESTMENT_KINDS"),
                        Field("area", _("所属方向"), "choice", required=True, vocabulary="AREAS"),
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
                        Field("kind", _("软件类型"), "choice", required=True, vocabulary="SOFTWARE_KINDS"),
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
                        Field(
                            "enterprise_prev_year_yuan",
                            _("企业%(prev_year)s年度开票销售（元）"),
                            "money",
                            required=True,
                        ),
                        Field("enterprise_year_yuan", _("企业%(year)s年度开票销售（元）"), "money", required=True),
                        Field(
                            "product_year_yuan", _("新产品（技术）%(year)s年度开票销售（元）"), "money", required=True
                        ),
                        Field("taxes_year_yuan", _("%(year)s年度上缴税金（元）"), "money", required=True),
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
                    "COMPARISON_ROWS",
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
                Field("tech_level", _("技术水平"), "choice", required=True, vocabulary="TECH_LEVELS"),
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
                        Field("type", _("类型"), "choice", required=True, vocabulary="IP_TYPES"),
                        Field("title", _("名称"), "text", required=True),
                        Field("granted_on", _("授权日期"), "date", required=True),
                        Field("owner", _("权利人"), "text", required=True),
                        Field("ownership", _("取得方式"), "choice", required=True, vocabulary="OWNERSHIP"),
                    ),
                    min_rows=1,
                    unique=("patent_no",),
                ),
            ),
        ),
    ),
)

# The built-in definitions, by category code: version 1 of every category created from the 2018 notice.
BUILTIN = {DEMONSTRATION.category_code: DEMONSTRATION, NEW_PRODUCT.category_code: NEW_PRODUCT}
