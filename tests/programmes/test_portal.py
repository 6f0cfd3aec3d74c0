import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.selectors import call_time_left_text
from tests.factories import CallFactory, NoticeFactory


def test_home_shows_programme_open_calls_and_notices(client, db):
    CallFactory(title="开放中的批次")
    CallFactory(
        title="已截止的批次",
        opens_at=timezone.now() - dt.timedelta(days=9),
        deadline=timezone.now() - dt.timedelta(days=1),
    )
    NoticeFactory(title="最新的通知")
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "互联网+小微企业" in body
    assert "开放中的批次" in body
    assert "已截止的批次" not in body
    assert "最新的通知" in body
    assert 'lang="zh-Hans"' in body


def test_english_is_available(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Notices" in body and "Log in" in body


def test_call_pages(client, db):
    call = CallFactory(title="批次乙")
    assert "批次乙" in client.get("/calls/").content.decode()
    detail = client.get(f"/calls/{call.pk}/").content.decode()
    assert "示范/试点企业" in detail and "研发推广应用新产品新技术" in detail


def test_no_cdn_references_in_pages(client, db):
    body = client.get("/").content.decode()
    assert "http://" not in body.replace("http://testserver", "") and "https://" not in body


# ---------------------------------------------------------------------------------------------- the call page


def _call_page(client, call, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("portal:call_detail", args=[call.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(html):
    """The page's text without tags or indentation, as a reader sees it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_call_page_names_categories_not_codes(client, db):
    call = CallFactory()
    html = _call_page(client, call)
    assert "示范/试点企业" in html and "研发推广应用新产品新技术" in html
    text = _text(html)
    assert "demonstration" not in text and "new_product" not in text


def test_call_page_lists_each_category_checklist(client, db):
    call = CallFactory()
    category = call.categories.get(code="demonstration")
    category.material_items.update(max_size_bytes=20 * 1024 * 1024)
    optional = category.material_items.order_by("sort_order").last()
    optional.required, optional.allowed_types, optional.max_size_bytes = False, "pdf,png", 1536
    optional.save()
    html = _call_page(client, call)
    section = html[html.index('data-category="demonstration"') : html.index('data-category="new_product"')]
    rows = re.findall(r"<tr data-material=.*?</tr>", section, flags=re.S)
    assert len(rows) == category.material_items.count() == 7
    first = category.material_items.order_by("sort_order").first()
    assert first.name in rows[0] and "必须提供" in rows[0] and "PDF / JPEG / PNG / OFD" in rows[0]
    assert "20 MB" in rows[0]
    assert optional.name in rows[-1] and "选填" in rows[-1] and "PDF / PNG" in rows[-1] and "1.5 KB" in rows[-1]
    other = html[html.index('data-category="new_product"') :]
    assert "新产品新技术申请书" in other


def test_call_page_states_thresholds_as_the_notice_does(client, db):
    call = CallFactory()
    call.categories.filter(code="new_product").update(min_rd_investment_yuan=Decimal("355000"), min_patents=2)
    text = _text(_call_page(client, call))
    demonstration = text[text.index("示范/试点企业") : text.index("研发推广应用新产品新技术")]
    assert "正常经营 1 年以上" in demonstration
    assert "2017-01-01 至 2018-12-31" in demonstration
    assert "持续投入总额超过 50.00 万元" in demonstration
    assert "生产管控：应用关键生产管理软件 2 项以上，或生产管控项目 2 项以上" in demonstration
    assert "购销经营：线上交易额占比达到 50.0% 以上" in demonstration
    new_product = text[text.index("研发推广应用新产品新技术") :]
    assert "研发投入不少于 35.50 万元" in new_product
    assert "拥有 2 项以上专利" in new_product
    assert "国内领先或国际先进" in new_product


def test_call_page_shows_the_time_left(client, db):
    call = CallFactory(deadline=timezone.now() + dt.timedelta(days=3, hours=4, minutes=30))
    assert "距截止还有 3 天 4 小时" in _call_page(client, call)
    closed = CallFactory(opens_at=timezone.now() - dt.timedelta(days=9), deadline=timezone.now() - dt.timedelta(days=1))
    assert "已截止" in _call_page(client, closed)


def test_call_time_left_text_at_each_moment(db):
    call = CallFactory()
    assert call_time_left_text(call, now=call.opens_at - dt.timedelta(seconds=1)) == "尚未开始受理"
    assert call_time_left_text(call, now=call.deadline - dt.timedelta(hours=2, minutes=5)) == "距截止还有 2 小时 5 分钟"
    assert call_time_left_text(call, now=call.deadline) == "距截止还有 0 小时 0 分钟"
    assert call_time_left_text(call, now=call.deadline + dt.timedelta(seconds=1)) == "已截止"


def test_enterprise_is_offered_to_apply_for_each_category(client, cast):
    call = CallFactory()
    html = _call_page(client, call, cast.enterprise_a)
    for code in ("demonstration", "new_product"):
        assert f'action="{reverse("applications:start", args=[call.pk, code])}"' in html
    assert html.count("立即申报") == 2
    assert 'id="apply-links"' not in html
    response = client.post(reverse("applications:start", args=[call.pk, "demonstration"]))
    assert response.status_code == 302 and "/applications/" in response.url


def test_anonymous_is_offered_login_and_registration(client, db):
    call = CallFactory()
    html = _call_page(client, call)
    assert "立即申报" not in html and reverse("applications:start", args=[call.pk, "demonstration"]) not in html
    links = html[html.index('id="apply-links"') :]
    assert f"{reverse('accounts:login')}?next={reverse('portal:call_detail', args=[call.pk])}" in links
    assert reverse("enterprises:register") in links


def test_no_apply_links_on_a_closed_call(client, cast):
    closed = CallFactory(opens_at=timezone.now() - dt.timedelta(days=9), deadline=timezone.now() - dt.timedelta(days=1))
    assert 'id="apply-links"' not in _call_page(client, closed)
    assert "立即申报" not in _call_page(client, closed, cast.enterprise_a)


@pytest.mark.parametrize("who", ["hanjiang_industry", "hanjiang_finance", "expert", "city_officer", "admin"])
def test_staff_are_offered_neither(client, cast, who):
    call = CallFactory()
    html = _call_page(client, call, getattr(cast, who))
    assert "立即申报" not in html and 'id="apply-links"' not in html
    assert reverse("applications:start", args=[call.pk, "demonstration"]) not in html
    assert (reverse("portal:call_copy", args=[call.pk]) in html) == (who == "city_officer")
