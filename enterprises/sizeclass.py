"""SME size classes (划型) after 《中小企业划型标准规定》(工信部联企业〔2011〕300号).

The table below is the one in ../shared/docs/domain.md §2, in 万元 for money; inputs are yuan.
Rule: a firm is 中小微 when it is below the upper bound on ANY listed indicator; within that it is 中型 when
it meets EVERY 中型 lower bound, else 小型 when it meets EVERY 小型 lower bound, else 微型. Otherwise 大型.
"X及以上" is ≥ X and "X以下" is < X, as the standard writes them.

Pure: no ORM, no settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop, ngettext

from enterprises.i18n import gettext_fast as _
from enterprises.i18n import pinned_language

MICRO, SMALL, MEDIUM, LARGE, UNKNOWN = "micro", "small", "medium", "large", "unknown"
# Labels and industry names are msgids (gettext_noop), translated where they are said (label, reason).
CLASS_LABELS = {
    MICRO: gettext_noop("微型"),
    SMALL: gettext_noop("小型"),
    MEDIUM: gettext_noop("中型"),
    LARGE: gettext_noop("大型"),
    UNKNOWN: gettext_noop("无法划型"),
}
CLASS_ORDER = {MICRO: 0, SMALL: 1, MEDIUM: 2, LARGE: 3}

# X 从业人员 (people), Y 营业收入 (万元), Z 资产总额 (万元)
EMPLOYEES, REVENUE, ASSETS = "X", "Y", "Z"

# code, label, upper bounds (any indicator below → 中小微), 中型 lower bounds (all), 小型 lower bounds (all)
_TABLE = [
    ("agriculture", gettext_noop("农、林、牧、渔业"), {"Y": 20000}, {"Y": 500}, {"Y": 50}),
    (
        "industry",
        gettext_noop("工业（采矿业，制造业，电力、热力、燃气及水生产和供应业）"),
        {"X": 1000, "Y": 40000},
        {"X": 300, "Y": 2000},
        {"X": 20, "Y": 300},
    ),
    ("construction", gettext_noop("建筑业"), {"Y": 80000, "Z": 80000}, {"Y": 6000, "Z": 5000}, {"Y": 300, "Z": 300}),
    ("wholesale", gettext_noop("批发业"), {"X": 200, "Y": 40000}, {"X": 20, "Y": 5000}, {"X": 5, "Y": 1000}),
    ("retail", gettext_noop("零售业"), {"X": 300, "Y": 20000}, {"X": 50, "Y": 500}, {"X": 10, "Y": 100}),
    (
        "transport",
        gettext_noop("交通运输业（不含铁路运输）"),
        {"X": 1000, "Y": 30000},
        {"X": 300, "Y": 3000},
        {"X": 20, "Y": 200},
    ),
    ("warehousing", gettext_noop("仓储业"), {"X": 200, "Y": 30000}, {"X": 100, "Y": 1000}, {"X": 20, "Y": 100}),
    ("postal", gettext_noop("邮政业"), {"X": 1000, "Y": 30000}, {"X": 300, "Y": 2000}, {"X": 20, "Y": 100}),
    ("accommodation", gettext_noop("住宿业"), {"X": 300, "Y": 10000}, {"X": 100, "Y": 2000}, {"X": 10, "Y": 100}),
    ("catering", gettext_noop("餐饮业"), {"X": 300, "Y": 10000}, {"X": 100, "Y": 2000}, {"X": 10, "Y": 100}),
    (
        "information_transmission",
        gettext_noop("信息传输业"),
        {"X": 2000, "Y": 100000},
        {"X": 100, "Y": 1000},
        {"X": 10, "Y": 100},
    ),
    (
        "software_it",
        gettext_noop("软件和信息技术服务业"),
        {"X": 300, "Y": 10000},
        {"X": 100, "Y": 1000},
        {"X": 10, "Y": 50},
    ),
    (
        "real_estate_development",
        gettext_noop("房地产开发经营"),
        {"Y": 200000, "Z": 10000},
        {"Y": 1000, "Z": 5000},
        {"Y": 100, "Z": 2000},
    ),
    (
        "property_management",
        gettext_noop("物业管理"),
        {"X": 1000, "Y": 5000},
        {"X": 300, "Y": 1000},
        {"X": 100, "Y": 500},
    ),
    (
        "leasing_business_services",
        gettext_noop("租赁和商务服务业"),
        {"X": 300, "Z": 120000},
        {"X": 100, "Z": 8000},
        {"X": 10, "Z": 100},
    ),
    ("other", gettext_noop("其他未列明行业"), {"X": 300}, {"X": 100}, {"X": 10}),
]

INDUSTRIES: list[tuple[str, str]] = [(code, label) for code, label, *_rest in _TABLE]
INDUSTRY_LABELS = dict(INDUSTRIES)
BANDS = {code: {"upper": up, "medium": med, "small": sm} for code, _label, up, med, sm in _TABLE}

# GB/T 4754-2017 sections (门类) to help the user find the row; a section can map to several rows.
GBT4754_SECTIONS = [
    ("A", gettext_noop("农、林、牧、渔业"), ["agriculture"]),
    ("B", gettext_noop("采矿业"), ["industry"]),
    ("C", gettext_noop("制造业"), ["industry"]),
    ("D", gettext_noop("电力、热力、燃气及水生产和供应业"), ["industry"]),
    ("E", gettext_noop("建筑业"), ["construction"]),
    ("F", gettext_noop("批发和零售业"), ["wholesale", "retail"]),
    ("G", gettext_noop("交通运输、仓储和邮政业"), ["transport", "warehousing", "postal"]),
    ("H", gettext_noop("住宿和餐饮业"), ["accommodation", "catering"]),
    ("I", gettext_noop("信息传输、软件和信息技术服务业"), ["information_transmission", "software_it"]),
    ("K", gettext_noop("房地产业"), ["real_estate_development", "property_management"]),
    ("L", gettext_noop("租赁和商务服务业"), ["leasing_business_services"]),
    ("M–T", gettext_noop("其他门类（科学研究、公共管理等）"), ["other"]),
]

_WAN = Decimal(10000)


@dataclass(frozen=True)
class SizeResult:
    size_class: str  # micro | small | medium | large | unknown (a needed figure is missing)
    reason: str

    @property
    def label(self):
        return _(CLASS_LABELS[self.size_class])


def _fmt(value):
    """Decimal without exponent or trailing zeros: 2600, 2600.5."""
    return format(Decimal(value).normalize(), "f")


def _names():
    return {EMPLOYEES: _("从业人员"), REVENUE: _("营业收入"), ASSETS: _("资产总额")}


def _count(value):
    """ngettext's n for a figure: its integer value, or 2 (plural) for a fraction."""
    return int(value) if value == int(value) else 2


# Whole phrases, so that English puts its spaces and plurals: 从业人员85人 / 85 employees.
# A list of clauses joins with _("，"): ", " in English.
def _say(indicator, value):
    values = {"value": _fmt(value)}
    if indicator == EMPLOYEES:
        return ngettext("从业人员%(value)s人", "从业人员%(value)s人", _count(value)) % values
    return (_("营业收入%(value)s万元") if indicator == REVENUE else _("资产总额%(value)s万元")) % values


def _bound(indicator, bound):
    values = {"value": _fmt(bound)}
    if indicator == EMPLOYEES:
        return ngettext("%(value)s人", "%(value)s人", _count(bound)) % values
    return _("%(value)s万元") % values


def classify(industry: str, employees, revenue_yuan, assets_yuan) -> SizeResult:
    """Size class of a firm. employees: people; revenue_yuan, assets_yuan: yuan (Decimal or int)."""
    with pinned_language():
        return _classify(industry, employees, revenue_yuan, assets_yuan)


def _classify(industry, employees, revenue_yuan, assets_yuan):
    if industry not in BANDS:
        raise ValueError(f"unknown industry {industry!r}")
    bands = BANDS[industry]
    label = _(INDUSTRY_LABELS[industry])
    values = {
        EMPLOYEES: None if employees is None else Decimal(employees),
        REVENUE: None if revenue_yuan is None else Decimal(revenue_yuan) / _WAN,
        ASSETS: None if assets_yuan is None else Decimal(assets_yuan) / _WAN,
    }
    needed = set(bands["upper"])
    missing = [_names()[k] for k in (EMPLOYEES, REVENUE, ASSETS) if k in needed and values[k] is None]
    if missing:
        return SizeResult(
            UNKNOWN, _("%(industry)s：缺少%(missing)s，无法划型。") % {"industry": label, "missing": "、".join(missing)}
        )
    under = [k for k, bound in bands["upper"].items() if values[k] < bound]
    if not under:
        parts = _("，").join(
            _("%(value)s，不低于%(bound)s") % {"value": _say(k, values[k]), "bound": _bound(k, b)}
            for k, b in bands["upper"].items()
        )
        return SizeResult(LARGE, _("%(industry)s：%(parts)s，属大型企业。") % {"industry": label, "parts": parts})
    medium_short = [k for k, b in bands["medium"].items() if values[k] < b]
    if not medium_short:
        parts = _("，").join(
            _("%(value)s，达到中型下限%(bound)s") % {"value": _say(k, values[k]), "bound": _bound(k, b)}
            for k, b in bands["medium"].items()
        )
        upper = _("，").join(
            _("%(value)s，低于%(bound)s") % {"value": _say(k, values[k]), "bound": _bound(k, bands["upper"][k])}
            for k in under
        )
        return SizeResult(
            MEDIUM,
            _("%(industry)s：%(upper)s，属中小微企业；%(parts)s，属中型企业。")
            % {"industry": label, "upper": upper, "parts": parts},
        )
    not_medium = _("，").join(
        _("%(value)s，低于中型下限%(bound)s") % {"value": _say(k, values[k]), "bound": _bound(k, bands["medium"][k])}
        for k in medium_short
    )
    small_short = [k for k, b in bands["small"].items() if values[k] < b]
    if not small_short:
        parts = _("，").join(
            _("%(value)s，达到小型下限%(bound)s") % {"value": _say(k, values[k]), "bound": _bound(k, b)}
            for k, b in bands["small"].items()
        )
        return SizeResult(
            SMALL,
            _("%(industry)s：%(not_medium)s，不属中型；%(parts)s，属小型企业。")
            % {"industry": label, "not_medium": not_medium, "parts": parts},
        )
    not_small = _("，").join(
        _("%(value)s，低于小型下限%(bound)s") % {"value": _say(k, values[k]), "bound": _bound(k, bands["small"][k])}
        for k in small_short
    )
    return SizeResult(
        MICRO, _("%(industry)s：%(not_small)s，属微型企业。") % {"industry": label, "not_small": not_small}
    )
