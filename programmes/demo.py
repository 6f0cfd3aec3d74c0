"""The built-in 2018 Yangzhou call: its notice exactly as published, the historical call and a
30-day demo copy that opens today so the demo can be used at any date."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from programmes.blank_forms import BLANK_FORMS, render_blank_form
from programmes.models import SHANGHAI, Call, Category, MaterialItem, Notice, NoticeAttachment, end_of_day
from programmes.seed import notice_2018

NOTICE_SLUG = "yz-2018-internet-plus-smes"
CATEGORIES = [
    (Category.Code.DEMONSTRATION, "示范/试点企业", "SF"),
    (Category.Code.NEW_PRODUCT, "研发推广应用新产品新技术", "XC"),
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


def ensure_categories(call):
    for order, (code, name, short) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            call=call, code=code, defaults={"name": name, "short_code": short, "sort_order": order}
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
