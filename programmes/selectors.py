"""Reads of notices and calls, and what the public call page says about a call: its categories' thresholds in
words, their materials checklists and the time left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import file_size, money_wan, share
from programmes.models import Call, Category, CategoryForm, MaterialItem, Notice
from programmes.vocabulary import AREAS, TECH_LEVELS


def notices_public():
    return Notice.objects.filter(is_published=True).prefetch_related("attachments")


def calls_public():
    versions = Prefetch("categories__form_versions", queryset=CategoryForm.objects.only("id", "category_id", "version"))
    # Whether the call's settings are locked (its first application exists), without importing a later app.
    applications = Call.applications.rel.related_model.objects.filter(call=OuterRef("pk"))
    return (
        Call.objects.select_related("notice")
        .prefetch_related("categories__material_items", versions)
        .annotate(has_applications=Exists(applications))
    )


def calls_open(moment=None):
    return calls_public().open_at(moment or timezone.now()).order_by("deadline")


# ---------------------------------------------------------------------------------------------- time left


def call_time_left(call: Call, *, now: dt.datetime | None = None) -> tuple[bool, int]:
    """(open?, seconds left until the deadline) at `now`."""
    now = (now or timezone.now()).replace(microsecond=0)
    return call.opens_at <= now <= call.deadline, max(0, int((call.deadline - now).total_seconds()))


def call_time_left_text(call: Call, *, now: dt.datetime | None = None) -> str:
    """The time left in words ("距截止还有 3 天 4 小时", "尚未开始受理", "已截止"): call and application pages."""
    is_open, seconds = call_time_left(call, now=now)
    now = now or timezone.now()
    if now < call.opens_at:
        return _("尚未开始受理")
    if not is_open:
        return _("已截止")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("距截止还有 %(d)s 天 %(h)s 小时") % {"d": days, "h": hours}
    return _("距截止还有 %(h)s 小时 %(m)s 分钟") % {"h": hours, "m": minutes}


# ---------------------------------------------------------------------------------------------- call page


def category_thresholds(category: Category) -> list[str]:
    """The category's conditions of the notice's section 二 in words, with the figures of this call.

    Worded as the notice does, read with ../shared/docs/domain.md §1: 超过 excludes the figure, 不少于/以上
    include it — the same reading as enterprises/eligibility.py, which decides. Money in 万元 and shares are
    written by core.formatting.
    """
    call = category.call
    common = ngettext(
        "须在扬州市境内注册并纳税，具有独立法人资格且正常经营 %(n)s 年以上，具备健全的组织机构、管理制度和独立的"
        "财务核算制度，信用良好且无违法记录。",
        "须在扬州市境内注册并纳税，具有独立法人资格且正常经营 %(n)s 年以上，具备健全的组织机构、管理制度和独立的"
        "财务核算制度，信用良好且无违法记录。",
        category.min_operating_years,
    ) % {"n": category.min_operating_years}
    # The notice's 小微企业 (the default); another set of size classes is shown by the self-check, which classifies.
    if set(category.allowed_size_classes.replace(" ", "").split(",")) == {"micro", "small"}:
        common = [common, _("属小微企业（按《中小企业划型标准规定》划型，可先用“政策体检”自测）。")]
    else:
        common = [common]
    if category.code == Category.Code.DEMONSTRATION:
        return [
            *common,
            _(
                "近两年（%(start)s 至 %(end)s）在%(a)s、%(b)s、%(c)s、%(d)s某一个或几个方面持续投入总额超过 %(amount)s"
                "（恰好等于不算超过），并且取得显著成效。"
            )
            % {
                "start": call.investment_period_start.isoformat(),
                "end": call.investment_period_end.isoformat(),
                "amount": money_wan(category.investment_exceeds_yuan),
                **dict(zip("abcd", (AREAS.label(code) for code in AREAS.codes), strict=True)),
            },
            _("%(area)s：应用关键生产管理软件 %(kinds)s 项以上，或生产管控项目 %(projects)s 项以上。")
            % {
                "area": AREAS.label("production_control"),
                "kinds": category.min_management_software_kinds,
                "projects": category.min_control_projects,
            },
            _("%(area)s：线上交易额占比达到 %(share)s 以上。")
            % {"area": AREAS.label("sales_operations"), "share": share(category.min_online_sales_share)},
        ]
    if category.code == Category.Code.NEW_PRODUCT:
        return [
            *common,
            _("研发投入不少于 %(amount)s。") % {"amount": money_wan(category.min_rd_investment_yuan)},
            _("应用于互联网或应用信息技术的新产品（新技术）已经实现产业化。"),
            _("符合“三降低两提升”总体要求（提供与传统产品的对比分析数据）。"),
            _("技术水平达到%(a)s或%(b)s水平。")
            % {"a": TECH_LEVELS.label("domestic_leading"), "b": TECH_LEVELS.label("international_advanced")},
            ngettext(
                "拥有核心技术自主知识产权或依法受让取得知识产权，拥有 %(n)s 项以上专利。",
                "拥有核心技术自主知识产权或依法受让取得知识产权，拥有 %(n)s 项以上专利。",
                category.min_patents,
            )
            % {"n": category.min_patents},
        ]
    return common


@dataclass(frozen=True)
class ChecklistRow:
    """One row of a category's materials checklist as the call page shows it."""

    name: str
    description: str
    required: bool
    multiple: bool
    types: str  # "PDF / JPEG / PNG / OFD"
    max_size: str  # "20 MB"


def material_checklist(category: Category) -> list[ChecklistRow]:
    """The category's MaterialItem rows (prefetched by `calls_public`) with their types and size limit in words."""
    items: list[MaterialItem] = list(category.material_items.all())
    return [
        ChecklistRow(
            name=item.name,
            description=item.description,
            required=item.required,
            multiple=item.multiple,
            types=" / ".join(kind.upper() for kind in item.allowed_type_list),
            max_size=file_size(item.max_size_bytes),
        )
        for item in items
    ]


@dataclass(frozen=True)
class CategoryOverview:
    category: Category
    thresholds: list[str]
    checklist: list[ChecklistRow]


def call_overview(call: Call, *, now: dt.datetime | None = None) -> dict:
    """What the public call page shows of `call`: whether it is open, the time left, and for each category its
    name, its thresholds in words and its materials checklist."""
    is_open, _seconds = call_time_left(call, now=now)
    return {
        "is_open": is_open,
        "time_left": call_time_left_text(call, now=now),
        "categories": [
            CategoryOverview(category=c, thresholds=category_thresholds(c), checklist=material_checklist(c))
            for c in call.categories.all()
        ],
    }
