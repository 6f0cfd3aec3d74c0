"""Yangzhou's county-level units (2019), the city, and their reviewing bureaus — as data.

Codes: GB/T 2260 for counties; the functional zones have none, so they get stable internal codes.
Source: ../shared/docs/domain.md section 4.
"""

from django.utils.translation import gettext_noop

# The names are msgids (gettext_noop): stored in Chinese, shown in the page's language (core.i18n.translated_name).
REGIONS = [
    # code, name, kind, industry bureau, finance bureau
    ("321000", gettext_noop("扬州市"), "city", "扬州市工业和信息化局", "扬州市财政局"),
    ("321002", gettext_noop("广陵区"), "county", "广陵区工信局", "广陵区财政局"),
    ("321003", gettext_noop("邗江区"), "county", "邗江区工信局", "邗江区财政局"),
    ("321012", gettext_noop("江都区"), "county", "江都区工信局", "江都区财政局"),
    ("321023", gettext_noop("宝应县"), "county", "宝应县工信局", "宝应县财政局"),
    ("321081", gettext_noop("仪征市"), "county", "仪征市工信局", "仪征市财政局"),
    ("321084", gettext_noop("高邮市"), "county", "高邮市工信局", "高邮市财政局"),
    (
        "yz-etdz",
        gettext_noop("扬州经济技术开发区"),
        "zone",
        "扬州经济技术开发区经发局",
        "扬州经济技术开发区财政（审）局",
    ),
    ("yz-ecocity", gettext_noop("扬州生态科技新城"), "zone", "扬州生态科技新城经发局", "扬州生态科技新城财政（审）局"),
    (
        "yz-shouxihu",
        gettext_noop("蜀冈—瘦西湖风景名胜区"),
        "zone",
        "蜀冈—瘦西湖风景名胜区经发局",
        "蜀冈—瘦西湖风景名胜区财政（审）局",
    ),
]


def ensure_regions(Region, Organisation):
    """Create the regions and their bureaus where missing; idempotent. Used by the data migration and the demo."""
    for order, (code, name, kind, industry, finance) in enumerate(REGIONS):
        region, _ = Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "industry_bureau": industry,
                "finance_bureau": finance,
                "sort_order": order,
            },
        )
        industry_kind, finance_kind = (
            ("city_industry", "city_finance") if kind == "city" else ("county_industry", "county_finance")
        )
        Organisation.objects.get_or_create(kind=industry_kind, region=region, defaults={"name": industry})
        Organisation.objects.get_or_create(kind=finance_kind, region=region, defaults={"name": finance})
    Organisation.objects.get_or_create(kind="expert_pool", defaults={"name": "扬州市“互联网+小微企业”评审专家库"})
    Organisation.objects.get_or_create(kind="system", defaults={"name": "申报系统运维"})
