"""Browser journey: the city officer makes the 2019 call from the 2018 one and changes a threshold; an
enterprise then fills the 2019 new-product form, whose labels speak of 2018 and 2019."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from programmes.models import Call
from tests.browser.helpers import login

DEMO_PASSWORD = "Shenbao-demo-2018"
TITLE = "2019年度扬州市“互联网+小微企业”项目申报"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_city_officer_copies_the_call_and_an_enterprise_fills_the_2019_form(page, demo):
    historical = Call.objects.filter(year=2018).exclude(title__startswith="【演示】").get()
    login(page, "city_officer", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/calls/{historical.pk}/")
    page.click("text=复制为新年度批次")
    assert page.input_value("input[name=year]") == "2019"
    now = timezone.localtime()
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=opens_at]", (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=deadline]", (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.click("form.form button[type=submit]")
    assert "截止时间应晚于开始时间" in page.content()  # refused with the reason, what was typed kept
    assert page.input_value("input[name=title]") == TITLE
    page.fill("input[name=deadline]", (now + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"))
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已创建新批次" in page.content()

    new = Call.objects.get(year=2019)
    assert new.investment_period_start == dt.date(2018, 1, 1)
    assert new.categories.get(code="new_product").material_items.filter(name__contains="2018、2019年度").exists()
    page.fill("input[name=new_product__min_rd_investment_yuan]", "400000")
    page.click("text=保存批次设置")
    page.wait_for_load_state("networkidle")
    assert "批次设置已保存" in page.content()
    assert new.categories.get(code="new_product").min_rd_investment_yuan == Decimal("400000")

    page.context.clear_cookies()
    login(page, "demo_enterprise", DEMO_PASSWORD)
    page.locator(f'li:has-text("{TITLE}") button[data-start="new_product"]').click()
    page.wait_for_load_state("networkidle")
    content = page.content()
    assert "企业2018年度开票销售（元）" in content and "企业2019年度开票销售（元）" in content
    assert "2019年度上缴税金（元）" in content and "2017年度" not in content
    assert page.locator('input[name="sales.enterprise_prev_year_yuan"]').count() == 1
