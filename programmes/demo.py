"""The built-in 2018 Yangzhou call: its notice exactly as published, the historical call and a
30-day demo copy that opens today so the demo can be used at any date."""

import datetime as dt
import functools
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_noop

from programmes.blank_forms import BLANK_FORMS, render_blank_form
from programmes.models import (
    SHANGHAI,
    Call,
    Category,
    CategoryForm,
    MaterialItem,
    Notice,
    NoticeAttachment,
    end_of_day,
)
from programmes.rubric import ensure_rubric
from programmes.seed import notice_2018

NOTICE_SLUG = "yz-2018-internet-plus-smes"
# Category and material names are data and their own msgids (gettext_noop), shown translated (core.i18n).
CATEGORIES = [
    (Category.Code.DEMONSTRATION, gettext_noop("示范/试点企业"), "SF"),
    (Category.Code.NEW_PRODUCT, gettext_noop("研发推广应用新产品新技术"), "XC"),
]


def load_notice():
    fields = notice_2018()
    notice, created = Notice.objects.get_or_create(slug=NOTICE_SLUG, defaults=fields)
    for order, (code, title, filename) in enumerate(BLANK_FORMS, start=1):
        if not notice.attachments.filter(sort_order=order).exists():
            NoticeAttachment.objects.create(
                notice=notice, title=title, sort_order=order, file=ContentFile(render_blank_form(code), name=filename)
            )
    return notice


# The notice's section 三, item by item: (code, name, multiple files allowed).
MATERIALS = {
    Category.Code.DEMONSTRATION: [
        ("application_form", gettext_noop("示范（试点）企业申请书"), False),
        ("internet_plus_summary", gettext_noop("企业“互联网+”情况总结"), False),
        ("achievement_evidence", gettext_noop("近两年企业信息化、智能化建设成果的相关证明材料"), True),
        (
            "investment_list",
            gettext_noop("近两年信息化、智能化设备建设或软件定制、研发、购买实际的投入清单、发票复印件和供应商情况"),
            True,
        ),
        ("audit_report", gettext_noop("第三方机构出具的企业近两年财务审计报告（反映信息化软硬件投入情况）"), True),
        ("business_licence", gettext_noop("企业法人营业执照复印件"), False),
        ("results_evidence", gettext_noop("相关数据及成效的证明材料"), True),
    ],
    Category.Code.NEW_PRODUCT: [
        ("application_form", gettext_noop("新产品新技术申请书"), False),
        ("summary_report", gettext_noop("本产品（技术）总结报告"), False),
        ("ip_evidence", gettext_noop("自主知识产权和自主品牌的有效证明文件"), True),
        (
            "sales_tax_rd_data",
            # The msgid without its years: a copied call moves them (core.i18n looks names up this way).
            gettext_noop(
                "企业%(y1)s、%(y2)s年度开票销售和新产品（新技术）%(y3)s年度开票销售、上缴税金以及新产品（新技术）"
                "研发投入等数据（提供相应的审计报告）"
            )
            % {"y1": 2017, "y2": 2018, "y3": 2018},
            True,
        ),
        ("test_novelty_reports", gettext_noop("法定机构出具的新产品（技术）近期检测报告和查新报告"), True),
        ("business_licence", gettext_noop("企业法人营业执照复印件"), False),
        ("results_evidence", gettext_noop("相关数据及成效的证明材料"), True),
    ],
}


# The 2018 call's two form definitions, serialised from applications/forms/definitions.py (the source; a test
# checks that this file matches it): version 1 of the categories created here.
BUILTIN_FORMS = Path(__file__).resolve().parent / "form_definitions" / "2018.json"


@functools.cache
def _builtin_forms_text():
    return BUILTIN_FORMS.read_text(encoding="utf-8")


def builtin_form_definitions() -> dict:
    """{category code: definition JSON} of the 2018 call (a fresh copy each time)."""
    return json.loads(_builtin_forms_text())


def ensure_categories(call):
    """The two categories of the notice with their materials checklist and form definition; idempotent."""
    definitions = None
    for order, (code, name, short) in enumerate(CATEGORIES, start=1):
        category, _ = Category.objects.get_or_create(
            call=call, code=code, defaults={"name": name, "short_code": short, "sort_order": order}
        )
        if not category.form_versions.exists():
            definitions = definitions or builtin_form_definitions()
            CategoryForm.objects.create(category=category, version=1, definition=definitions[code])
        ensure_rubric(category)  # the notice's scoring criteria (programmes/rubric.py)
        for item_order, (item_code, item_name, multiple) in enumerate(MATERIALS[code], start=1):
            MaterialItem.objects.get_or_create(
                category=category,
                code=item_code,
                defaults={"name": item_name, "multiple": multiple, "sort_order": item_order},
            )


def load_calls(notice):
    historic, _ = Call.objects.get_or_create(
        code="yz2018",
        defaults={
            "year": 2018,
            "title": "2018年度扬州市“互联网+小微企业”项目申报",
            "receipt_prefix": "YZ2018",
            "notice": notice,
            "opens_at": dt.datetime(2019, 5, 14, 0, 0, tzinfo=SHANGHAI),
            "deadline": end_of_day(dt.date(2019, 5, 15)),
        },
    )
    ensure_categories(historic)
    today = timezone.localdate()
    demo, created = Call.objects.get_or_create(
        code="yz2018-demo",
        defaults={
            "year": 2018,
            "title": "【演示】2018年度扬州市“互联网+小微企业”项目申报",
            "receipt_prefix": "YZ2018D",
            "notice": notice,
            "is_demo": True,
            "opens_at": dt.datetime.combine(today, dt.time(0, 0), tzinfo=SHANGHAI),
            "deadline": end_of_day(today + dt.timedelta(days=30)),
        },
    )
    if not created and demo.deadline < timezone.now():
        # Re-running the loader after the demo window closed opens it again; within the window it changes nothing.
        demo.opens_at = dt.datetime.combine(today, dt.time(0, 0), tzinfo=SHANGHAI)
        demo.deadline = end_of_day(today + dt.timedelta(days=30))
        demo.save(update_fields=["opens_at", "deadline"])
    ensure_categories(demo)
    return historic, demo


def load():
    notice = load_notice()
    return load_calls(notice)
