"""Data names (regions, industries, categories, materials) are shown in the page's language (core/i18n.py)."""

from django.utils import translation

from core import formatting
from core.i18n import translated_name, year_free

SALES_DATA_2018 = (
    "企业2017、2018年度开票销售和新产品（新技术）2018年度开票销售、上缴税金以及新产品（新技术）"
    "研发投入等数据（提供相应的审计报告）"
)


def test_a_name_with_a_msgid_is_translated_and_chinese_stays_chinese():
    with translation.override("en"):
        assert translated_name("邗江区") == "Hanjiang District"
        assert translated_name("软件和信息技术服务业") == "Software and information technology services"
    with translation.override("zh-hans"):
        assert translated_name("邗江区") == "邗江区"


def test_a_name_typed_by_an_officer_is_shown_as_it_is():
    with translation.override("en"):
        assert translated_name("其他证明材料（2019年补充）") == "其他证明材料（2019年补充）"
        assert translated_name("") == ""


def test_years_moved_by_a_copied_call_are_found_through_the_year_free_msgid():
    assert year_free("企业2017、2018年度") == ("企业%(y1)s、%(y2)s年度", {"y1": "2017", "y2": "2018"})
    copied = SALES_DATA_2018.replace("2018", "2019").replace("2017", "2018")
    with translation.override("en"):
        original, moved = translated_name(SALES_DATA_2018), translated_name(copied)
    assert original.startswith("The enterprise's invoiced sales in 2017 and 2018") and "in 2018 (" in original
    assert moved.startswith("The enterprise's invoiced sales in 2018 and 2019") and "in 2019 (" in moved
    with translation.override("zh-hans"):
        assert translated_name(copied) == copied


def test_money_is_written_in_the_language_of_the_page():
    with translation.override("en"):
        assert formatting.money("620000") == "620,000.00 CNY"
        assert formatting.money_wan("500000") == "500,000.00 CNY"  # English has no word for 万元
    with translation.override("zh-hans"):
        assert formatting.money("620000") == "620,000.00 元"
        assert formatting.money_wan("500000") == "50.00 万元"
