"""The eligibility engine: the notice's section 二 (主要条件) as pure, parametrised rule functions.

Every threshold is read from the call's category (`programmes.models.Category` or any object with the same
attributes), so a later call changes figures in data. Read with the Civil Code §1259: 超过 excludes the
number itself, 不少于/以上 include it (../shared/docs/domain.md §1).

Each rule returns a `Check(code, passed, message)`; the message names the figure and the threshold.
`evaluate()` runs every rule of the category; the result is eligible only when every check passes.

Pure: no ORM, no request, no clock (the reference date is an argument). Choices and their labels come from
programmes.vocabulary; the county-level units are an argument too (``units``), by default read through the
source the enterprises app installs (the Region rows). Money and shares are written by core.formatting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import ngettext

from core.formatting import money, number, share
from enterprises import sizeclass
from enterprises.i18n import gettext_fast as _
from enterprises.i18n import pinned_language
from programmes.vocabulary import AREAS, COMPARISON_ROWS, SOFTWARE_KINDS, TECH_LEVELS

DEMONSTRATION = "demonstration"
NEW_PRODUCT = "new_product"
CATEGORY_CODES = (DEMONSTRATION, NEW_PRODUCT)

RD_DESIGN, PRODUCTION_CONTROL, SALES_OPERATIONS, PRODUCT_SERVICE_INNOVATION = AREAS.codes
QUALIFYING_TECH_LEVELS = ("domestic_leading", "international_advanced")

# 三降低两提升 (programmes.vocabulary.COMPARISON_ROWS): indicator -> (label msgid, lower_is_better)
INDICATORS = {
    code: (COMPARISON_ROWS.msgids[code], direction == "down") for code, _l, _u, _t, direction in COMPARISON_ROWS
}

# Where the county-level units come from when `evaluate()` is not given them: a callable returning
# {code: name}, installed by the enterprises app (accounts.selectors.county_units, the Region rows).
_units_source: Callable[[], Mapping[str, str]] | None = None


def set_units_source(source: Callable[[], Mapping[str, str]] | None) -> None:
    global _units_source
    _units_source = source


def current_units() -> Mapping[str, str]:
    """{code: name} of the county-level units, from the installed source."""
    if _units_source is None:
        raise RuntimeError("no source of county-level units: pass units= or call set_units_source()")
    return _units_source()


COMMON_CHECKS = (
    "registered_region",
    "tax_region",
    "independent_legal_person",
    "operating_years",
    "sound_management",
    "good_credit",
    "no_illegal_record",
    "size_class",
)
CATEGORY_CHECKS = {
    DEMONSTRATION: ("investment", "areas"),
    NEW_PRODUCT: ("rd_investment", "industrialized", "tech_level", "patents", "ip_owned", "comparison"),
}
CHECK_LABELS = {
    "registered_region": "在扬州市境内注册",
    "tax_region": "在扬州市境内纳税",
    "independent_legal_person": "具有独立法人资格",
    "operating_years": "正常经营一年以上",
    "sound_management": "健全的组织机构、管理制度和独立的财务核算制度",
    "good_credit": "信用良好",
    "no_illegal_record": "无违法记录",
    "size_class": "属小微企业",
    "investment": "近两年持续投入超过50万元",
    "areas": "至少一个环节互联网应用充分",
    "rd_investment": "研发投入不少于30万元",
    "industrialized": "已实现产业化",
    "tech_level": "技术水平国内领先或国际先进",
    "patents": "拥有1项以上专利",
    "ip_owned": "拥有自主知识产权或依法受让取得",
    "comparison": "符合“三降低两提升”",
}


@dataclass(frozen=True)
class EnterpriseFacts:
    uscc: str
    registered_region: str
    tax_region: str
    independent_legal_person: bool
    established_on: dt.date | None
    industry: str
    employees: int | None
    revenue_yuan: Decimal | None
    assets_yuan: Decimal | None
    sound_management: bool
    good_credit: bool
    illegal_record: bool


@dataclass(frozen=True)
class DemonstrationFacts:
    investment_yuan: Decimal
    areas: tuple[str, ...]
    management_software: tuple[str, ...]
    control_projects: int
    online_sales_share: Decimal | None  # fraction 0..1


@dataclass(frozen=True)
class NewProductFacts:
    rd_investment_yuan: Decimal
    industrialized: bool
    tech_level: str
    patents: int
    ip_owned: bool
    comparison: Mapping[str, tuple[Decimal | None, Decimal | None]]  # indicator -> (traditional, new)


@dataclass(frozen=True)
class Check:
    code: str
    passed: bool
    message: str

    def as_dict(self):
        return {"code": self.code, "passed": self.passed, "message": self.message}


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    size_class: str
    size_reason: str
    checks: tuple[Check, ...]

    def as_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "size_class": self.size_class,
            "size_reason": self.size_reason,
            "checks": [c.as_dict() for c in self.checks],
        }

    @property
    def failed(self):
        return tuple(c for c in self.checks if not c.passed)


# ---------------------------------------------------------------------------------------------- formatting


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar date `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# ---------------------------------------------------------------------------------------------- common rules


def check_region(code: str, region: str, what: str, *, units: Mapping[str, str]) -> Check:
    name = units.get(region)
    if name:
        name = _(name)  # a county-level unit's name is its msgid (accounts/regions.py)
        return Check(code, True, _("%(what)s为%(name)s（%(region)s），在扬州市境内。") % locals())
    if not region:
        return Check(code, False, _("未填写%(what)s，须为扬州市境内的县（市、区）或功能区。") % {"what": what})
    return Check(
        code,
        False,
        _("%(what)s代码 %(region)s 不在扬州市九个县（市、区）及功能区之内，不符合在扬州市境内注册并纳税的条件。")
        % {"what": what, "region": region},
    )


def check_registered_region(enterprise: EnterpriseFacts, *, units: Mapping[str, str]) -> Check:
    return check_region("registered_region", enterprise.registered_region, _("注册地"), units=units)


def check_tax_region(enterprise: EnterpriseFacts, *, units: Mapping[str, str]) -> Check:
    return check_region("tax_region", enterprise.tax_region, _("纳税地"), units=units)


def check_independent_legal_person(enterprise: EnterpriseFacts) -> Check:
    if enterprise.independent_legal_person:
        return Check("independent_legal_person", True, _("具有独立法人资格。"))
    return Check("independent_legal_person", False, _("不具有独立法人资格（须为独立法人企业，分支机构不能申报）。"))


def check_operating_years(enterprise: EnterpriseFacts, *, reference_date: dt.date, min_years: int) -> Check:
    code = "operating_years"
    if enterprise.established_on is None:
        missing = ngettext(
            "未填写成立日期，无法判断是否正常经营%(n)s年以上。",
            "未填写成立日期，无法判断是否正常经营%(n)s年以上。",
            min_years,
        )
        return Check(code, False, missing % {"n": min_years})
    latest = years_before(reference_date, min_years)
    values = {
        "founded": enterprise.established_on.isoformat(),
        "ref": reference_date.isoformat(),
        "latest": latest.isoformat(),
        "n": min_years,
    }
    # ngettext: "1 year" / "3 years" in English (the same sentence twice in Chinese).
    if enterprise.established_on <= latest:
        met = ngettext(
            "成立于%(founded)s，至%(ref)s已正常经营满%(n)s年（须在%(latest)s或之前成立）。",
            "成立于%(founded)s，至%(ref)s已正常经营满%(n)s年（须在%(latest)s或之前成立）。",
            min_years,
        )
        return Check(code, True, met % values)
    short = ngettext(
        "成立于%(founded)s，至%(ref)s正常经营不满%(n)s年（须在%(latest)s或之前成立）。",
        "成立于%(founded)s，至%(ref)s正常经营不满%(n)s年（须在%(latest)s或之前成立）。",
        min_years,
    )
    return Check(code, False, short % values)


def check_sound_management(enterprise: EnterpriseFacts) -> Check:
    if enterprise.sound_management:
        return Check("sound_management", True, _("已声明具备健全的组织机构、管理制度和独立的财务核算制度。"))
    return Check("sound_management", False, _("未声明具备健全的组织机构、管理制度和独立的财务核算制度。"))


def check_good_credit(enterprise: EnterpriseFacts) -> Check:
    if enterprise.good_credit:
        return Check("good_credit", True, _("已声明信用良好。"))
    return Check("good_credit", False, _("未声明信用良好。"))


def check_no_illegal_record(enterprise: EnterpriseFacts) -> Check:
    if not enterprise.illegal_record:
        return Check("no_illegal_record", True, _("已声明无违法记录。"))
    return Check("no_illegal_record", False, _("有违法记录，不符合“无违法记录”的条件。"))


def allowed_classes(category) -> tuple[str, ...]:
    return tuple(c.strip() for c in (category.allowed_size_classes or "").split(",") if c.strip())


def check_size_class(size: sizeclass.SizeResult, *, allowed: tuple[str, ...]) -> Check:
    # Lists join with _("、") and clauses with _("；"): ", " and "; " in English.
    labels = _("、").join(_(sizeclass.CLASS_LABELS.get(c, c)) for c in allowed)
    values = {"label": size.label, "allowed": labels, "reason": size.reason}
    if size.size_class in allowed:
        return Check("size_class", True, _("划型为%(label)s企业，属%(allowed)s企业。%(reason)s") % values)
    if size.size_class == sizeclass.UNKNOWN:
        return Check("size_class", False, _("无法划型：%(reason)s") % values)
    return Check("size_class", False, _("划型为%(label)s企业，只有%(allowed)s企业可以申报。%(reason)s") % values)


# ---------------------------------------------------------------------------------------------- demonstration


def check_investment(investment_yuan: Decimal, *, exceeds: Decimal) -> Check:
    values = {"amount": money(investment_yuan), "limit": money(exceeds)}
    if investment_yuan > exceeds:
        return Check("investment", True, _("近两年持续投入总额%(amount)s，超过%(limit)s。") % values)
    return Check("investment", False, _("近两年持续投入总额%(amount)s，须超过%(limit)s（恰好等于不算超过）。") % values)


def area_verdict(area: str, demonstration: DemonstrationFacts, category) -> tuple[bool, str]:
    """Whether one claimed area qualifies, with the reason."""
    label = _(AREAS.msgids.get(area, area))
    if area in (RD_DESIGN, PRODUCT_SERVICE_INNOVATION):
        return True, _("%(label)s：已申报，成效由评审认定。") % {"label": label}
    if area == PRODUCTION_CONTROL:
        kinds = sorted({k for k in demonstration.management_software if k in SOFTWARE_KINDS.codes})
        need_kinds, need_projects = category.min_management_software_kinds, category.min_control_projects
        values = {
            "label": label,
            "kinds": len(kinds),
            "need_kinds": need_kinds,
            "projects": demonstration.control_projects,
            "need_projects": need_projects,
        }
        ok = len(kinds) >= need_kinds or demonstration.control_projects >= need_projects
        if ok:
            return True, _(
                "%(label)s：应用关键生产管理软件%(kinds)s项、生产管控项目%(projects)s项，"
                "达到软件%(need_kinds)s项以上或项目%(need_projects)s项以上的要求。"
            ) % values
        return False, _(
            "%(label)s：应用关键生产管理软件%(kinds)s项、生产管控项目%(projects)s项，"
            "须软件%(need_kinds)s项以上或项目%(need_projects)s项以上。"
        ) % values
    if area == SALES_OPERATIONS:
        need = category.min_online_sales_share
        if demonstration.online_sales_share is None:
            return False, _("%(label)s：未填写线上交易额占比（须达到%(need)s以上）。") % {
                "label": label,
                "need": share(need),
            }
        values = {"label": label, "share": share(demonstration.online_sales_share), "need": share(need)}
        if demonstration.online_sales_share >= need:
            return True, _("%(label)s：线上交易额占比%(share)s，达到%(need)s以上。") % values
        return False, _("%(label)s：线上交易额占比%(share)s，须达到%(need)s以上。") % values
    return False, _("%(label)s：不是可申报的环节。") % {"label": label}


def check_areas(demonstration: DemonstrationFacts, category) -> Check:
    if not demonstration.areas:
        areas = _("、").join(_(msgid) for msgid in AREAS.msgids.values())
        return Check("areas", False, _("未申报任何环节，须在%(areas)s中至少申报一个。") % {"areas": areas})
    verdicts = [area_verdict(a, demonstration, category) for a in dict.fromkeys(demonstration.areas)]
    detail = _("；").join(text.rstrip("。.") for _ok, text in verdicts) + _("。")
    if any(ok for ok, _text in verdicts):
        return Check("areas", True, _("至少一个环节符合条件。%(detail)s") % {"detail": detail})
    return Check("areas", False, _("申报的环节均不符合条件。%(detail)s") % {"detail": detail})


def demonstration_checks(demonstration: DemonstrationFacts | None, category) -> list[Check]:
    if demonstration is None:
        missing = _("申报书尚未填写，")
        return [
            Check("investment", False, missing + _("无法判断近两年投入是否超过%(limit)s。")
                  % {"limit": money(category.investment_exceeds_yuan)}),
            Check("areas", False, missing + _("无法判断申报环节是否符合条件。")),
        ]  # fmt: skip
    return [
        check_investment(demonstration.investment_yuan, exceeds=category.investment_exceeds_yuan),
        check_areas(demonstration, category),
    ]


# ---------------------------------------------------------------------------------------------- new product


def check_rd_investment(rd_investment_yuan: Decimal, *, minimum: Decimal) -> Check:
    values = {"amount": money(rd_investment_yuan), "limit": money(minimum)}
    if rd_investment_yuan >= minimum:
        return Check("rd_investment", True, _("研发投入%(amount)s，不少于%(limit)s。") % values)
    return Check("rd_investment", False, _("研发投入%(amount)s，须不少于%(limit)s。") % values)


def check_industrialized(new_product: NewProductFacts) -> Check:
    if new_product.industrialized:
        return Check("industrialized", True, _("新产品（新技术）已实现产业化。"))
    return Check("industrialized", False, _("新产品（新技术）尚未实现产业化。"))


def check_tech_level(new_product: NewProductFacts) -> Check:
    label = _(TECH_LEVELS.msgids.get(new_product.tech_level, new_product.tech_level))
    if new_product.tech_level in QUALIFYING_TECH_LEVELS:
        return Check("tech_level", True, _("技术水平为%(label)s。") % {"label": label})
    return Check("tech_level", False, _("技术水平为“%(label)s”，须达到国内领先或国际先进水平。") % {"label": label})


def check_patents(patents: int, *, minimum: int) -> Check:
    values = {"n": patents, "min": minimum}
    if patents >= minimum:
        return Check("patents", True, _("拥有专利%(n)s项，达到%(min)s项以上。") % values)
    return Check("patents", False, _("拥有专利%(n)s项，须拥有%(min)s项以上。") % values)


def check_ip_owned(new_product: NewProductFacts) -> Check:
    if new_product.ip_owned:
        return Check("ip_owned", True, _("拥有核心技术自主知识产权或依法受让取得知识产权的所有权。"))
    return Check("ip_owned", False, _("未拥有核心技术自主知识产权，也未依法受让取得知识产权的所有权。"))


def check_comparison(comparison: Mapping[str, tuple[Decimal | None, Decimal | None]]) -> Check:
    missing, worse, better, same = [], [], [], []
    for key, (msgid, lower_is_better) in INDICATORS.items():
        label = _(msgid)
        traditional, new = comparison.get(key, (None, None))
        if traditional is None or new is None:
            missing.append(label)
            continue
        text = _("%(label)s（传统%(old)s，新%(new)s）") % {
            "label": label,
            "old": number(traditional),
            "new": number(new),
        }
        if new == traditional:
            same.append(text)
        elif (new < traditional) == lower_is_better:
            better.append(text)
        else:
            worse.append(text)
    if missing:
        return Check(
            "comparison",
            False,
            _("“三降低两提升”对比数据不全，缺少：%(missing)s；五项指标都须给出传统产品与新产品的数据。")
            % {"missing": _("、").join(missing)},
        )
    if worse:
        return Check(
            "comparison", False, _("以下指标比传统产品差：%(worse)s；任何一项都不得差于传统产品。")
            % {"worse": _("、").join(worse)}
        )  # fmt: skip
    if not better:
        return Check("comparison", False, _("五项指标均与传统产品持平，须至少一项优于传统产品。"))
    return Check(
        "comparison", True, _("无一项差于传统产品，优于传统产品的有：%(better)s。") % {"better": _("、").join(better)}
    )


def new_product_checks(new_product: NewProductFacts | None, category) -> list[Check]:
    if new_product is None:
        missing = _("申报书尚未填写，")
        return [
            Check("rd_investment", False, missing + _("无法判断研发投入是否不少于%(limit)s。")
                  % {"limit": money(category.min_rd_investment_yuan)}),
            Check("industrialized", False, missing + _("无法判断是否已实现产业化。")),
            Check("tech_level", False, missing + _("无法判断技术水平。")),
            Check("patents", False, missing + _("无法判断是否拥有%(n)s项以上专利。") % {"n": category.min_patents}),
            Check("ip_owned", False, missing + _("无法判断知识产权权属。")),
            Check("comparison", False, missing + _("缺少“三降低两提升”对比数据。")),
        ]  # fmt: skip
    return [
        check_rd_investment(new_product.rd_investment_yuan, minimum=category.min_rd_investment_yuan),
        check_industrialized(new_product),
        check_tech_level(new_product),
        check_patents(new_product.patents, minimum=category.min_patents),
        check_ip_owned(new_product),
        check_comparison(new_product.comparison),
    ]


# ---------------------------------------------------------------------------------------------- the engine


def common_checks(
    category, enterprise: EnterpriseFacts, *, reference_date: dt.date, size=None, units: Mapping[str, str] | None = None
) -> list[Check]:
    if units is None:
        units = current_units()
    if size is None:
        size = sizeclass.classify(
            enterprise.industry, enterprise.employees, enterprise.revenue_yuan, enterprise.assets_yuan
        )
    return [
        check_registered_region(enterprise, units=units),
        check_tax_region(enterprise, units=units),
        check_independent_legal_person(enterprise),
        check_operating_years(enterprise, reference_date=reference_date, min_years=category.min_operating_years),
        check_sound_management(enterprise),
        check_good_credit(enterprise),
        check_no_illegal_record(enterprise),
        check_size_class(size, allowed=allowed_classes(category)),
    ]


def evaluate(
    category,
    *,
    enterprise: EnterpriseFacts,
    demonstration: DemonstrationFacts | None = None,
    new_product: NewProductFacts | None = None,
    reference_date: dt.date,
    units: Mapping[str, str] | None = None,
) -> EligibilityResult:
    """Every rule of the category for this enterprise at the reference date.

    ``units`` is {code: name} of the county-level units a registered and tax region must be one of; by default
    the installed source's (``set_units_source``: the Region rows, see accounts.selectors.county_units).
    """
    if category.code not in CATEGORY_CODES:
        raise ValueError(f"unknown category {category.code!r}")
    if units is None:
        units = current_units()
    with pinned_language():
        return _evaluate(category, enterprise, demonstration, new_product, reference_date, units)


def _evaluate(category, enterprise, demonstration, new_product, reference_date, units):
    size = sizeclass.classify(
        enterprise.industry, enterprise.employees, enterprise.revenue_yuan, enterprise.assets_yuan
    )
    checks = common_checks(category, enterprise, reference_date=reference_date, size=size, units=units)
    if category.code == DEMONSTRATION:
        checks += demonstration_checks(demonstration, category)
    else:
        checks += new_product_checks(new_product, category)
    return EligibilityResult(
        eligible=all(c.passed for c in checks),
        size_class=size.size_class,
        size_reason=size.reason,
        checks=tuple(checks),
    )


@dataclass(frozen=True)
class DefaultThresholds:
    """The 2018 call's thresholds, for use without a Category row (tests, the self-check without a call)."""

    code: str
    investment_exceeds_yuan: Decimal = Decimal("500000.00")
    min_management_software_kinds: int = 2
    min_control_projects: int = 2
    min_online_sales_share: Decimal = Decimal("0.5000")
    min_rd_investment_yuan: Decimal = Decimal("300000.00")
    min_patents: int = 1
    min_operating_years: int = 1
    allowed_size_classes: str = "small,micro"
