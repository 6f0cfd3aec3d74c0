"""Browser journeys of issue 3: the public self-check and enterprise registration."""

import pytest
from django.core.management import call_command

from enterprises.models import EnterpriseProfile
from tests.browser.helpers import login

DEMO_PASSWORD = "Shenbao-demo-2018"
NEW_CODE = "91321012MA1JD0U11J"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def fill_registration(page, code, mobile="13800001111"):
    page.goto(page.base_url + "/enterprise/register/")
    page.fill("#id_uscc", code)
    page.fill("#id_name", "扬州江都新锐电子有限公司")
    page.fill("#id_legal_representative", "赵六")
    page.fill("#id_contact_person", "钱七")
    page.fill("#id_mobile", mobile)
    page.fill("#id_email", "xr@example.com")
    page.select_option("#id_registered_region", "321012")
    page.select_option("#id_tax_region", "321012")
    page.fill("#id_established_on", "2015-04-01")
    page.check("#id_independent_legal_person")
    page.select_option("#id_industry", "industry")
    page.fill("#id_employees", "40")
    page.fill("#id_revenue_yuan", "9000000")
    page.fill("#id_assets_yuan", "6000000")
    page.check("#id_decl_sound_management")
    page.check("#id_decl_good_credit")
    page.check("#id_decl_no_illegal_record")
    page.fill("#id_password1", "Xinrui-mima-2018!")
    page.fill("#id_password2", "Xinrui-mima-2018!")
    page.click("#register-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_codes_are_valid():
    from stdnum.cn import uscc

    assert uscc.is_valid(NEW_CODE)


def test_registration_bad_check_character_then_valid_then_duplicate(page, demo):
    bad = NEW_CODE[:-1] + ("A" if NEW_CODE[-1] != "A" else "B")
    fill_registration(page, bad)
    assert "校验位（第18位）不正确" in page.locator(".field.has-error").first.inner_text()
    assert not EnterpriseProfile.objects.filter(uscc=NEW_CODE).exists()

    fill_registration(page, NEW_CODE.lower())
    assert page.url.endswith("/enterprise/")
    assert page.locator("[data-role=enterprise]").count() == 1
    assert "注册成功" in page.content()
    rows = page.locator(".eligibility-row[data-basic-ok=true]")
    assert rows.count() >= 2  # the demo call's two categories
    page.click("button:has-text('退出')")

    fill_registration(page, NEW_CODE, mobile="13800002222")
    error = page.locator(".field.has-error").first.inner_text()
    assert "已经注册" in error and "江都区工信局" in error and "扬州江都新锐电子有限公司" not in error
    assert EnterpriseProfile.objects.filter(uscc=NEW_CODE).count() == 1


def test_public_self_check(page, demo):
    page.goto(page.base_url + "/")
    page.click("nav.main-nav >> text=政策体检")
    page.check("input[name=category][value=demonstration]")
    page.fill("#id_reference_date", "2019-05-15")
    page.select_option("#id_registered_region", "321003")
    page.select_option("#id_tax_region", "321003")
    page.check("#id_independent_legal_person")
    page.fill("#id_established_on", "2018-05-16")
    page.select_option("#id_industry", "industry")
    page.fill("#id_employees", "85")
    page.fill("#id_revenue_yuan", "26000000")
    page.fill("#id_assets_yuan", "1000000")
    page.check("#id_sound_management")
    page.check("#id_good_credit")
    page.check("#id_no_illegal_record")
    page.fill("#id_investment_yuan", "500000")
    page.check("input[name=areas][value=production_control]")
    page.check("input[name=management_software][value=ERP]")
    page.check("input[name=management_software][value=MES]")
    page.click("#selfcheck-form button[type=submit]")
    result = page.locator("#selfcheck-result .verdict")
    result.wait_for()
    assert result.get_attribute("data-eligible") == "false"
    assert page.locator("[data-code=investment]").get_attribute("data-passed") == "false"
    assert "须超过500,000.00 元" in page.locator("[data-code=investment]").inner_text()
    assert page.locator("[data-code=operating_years]").get_attribute("data-passed") == "false"
    assert page.locator("[data-code=areas]").get_attribute("data-passed") == "true"
    assert page.locator("[data-size-class]").get_attribute("data-size-class") == "small"

    page.fill("#id_investment_yuan", "500000.01")
    page.fill("#id_established_on", "2018-05-15")
    page.click("#selfcheck-form button[type=submit]")
    page.locator("#selfcheck-result .verdict[data-eligible=true]").wait_for()
    assert page.locator("#selfcheck-result li.check.fail").count() == 0


def test_self_check_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/enterprise/self-check/")
    page.check("input[name=category][value=new_product]")
    page.select_option("#id_registered_region", "outside")
    page.fill("#id_registered_region_other", "320102")
    page.select_option("#id_tax_region", "321002")
    page.fill("#id_established_on", "2010-01-01")
    page.select_option("#id_industry", "software_it")
    page.fill("#id_employees", "28")
    page.fill("#id_revenue_yuan", "8000000")
    page.fill("#id_assets_yuan", "100")
    page.click("#selfcheck-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".verdict").get_attribute("data-eligible") == "false"
    assert "320102" in page.locator("[data-code=registered_region]").inner_text()
    assert "申报书" not in page.locator("[data-code=comparison]").inner_text()
    context.close()


def test_logged_in_enterprise_gets_prefilled_self_check(page, demo):
    login(page, "demo_enterprise", DEMO_PASSWORD)
    assert page.locator(".eligibility-row[data-basic-ok=true]").count() >= 2
    page.goto(page.base_url + "/enterprise/self-check/")
    assert page.input_value("#id_employees") == "85"
    assert page.input_value("#id_registered_region") == "321003"
