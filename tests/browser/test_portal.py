"""Browser journeys of the foundation: the portal, the notice, logins of every demo role, lockout."""

import re

import pytest
from django.core.management import call_command

from tests.browser.helpers import login

DEMO_PASSWORD = "Shenbao-demo-2018"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_home_page_renders_in_chinese(page, demo):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").first.inner_text() == "互联网+小微企业"
    assert "【演示】2018年度扬州市“互联网+小微企业”项目申报" in page.content()
    assert "关于开展2018年度扬州市“互联网+小微企业”项目申报的通知" in page.content()


def test_visitor_reads_the_demo_call_and_is_offered_login_or_registration(page, demo):
    page.goto(page.base_url + "/calls/")
    page.click("text=【演示】2018年度扬州市“互联网+小微企业”项目申报")
    headings = page.locator(".call-category h3").all_inner_texts()
    assert headings == ["示范/试点企业", "研发推广应用新产品新技术"]
    content = page.locator("main").inner_text()
    assert "demonstration" not in content and "new_product" not in content
    assert "持续投入总额超过 50.00 万元" in content and "研发投入不少于 30.00 万元" in content
    assert page.locator("#time-left").inner_text().startswith("距截止还有")
    assert page.locator(".call-category").first.locator("table.checklist tbody tr").count() == 7
    assert page.locator("button:has-text('立即申报')").count() == 0
    page.click("#apply-links >> text=登录后申报")
    page.fill("input[name=username]", "demo_enterprise")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/calls/" in page.url  # back on the call page
    assert page.locator("button:has-text('立即申报')").count() == 2
    assert page.locator("#apply-links").count() == 0


def test_notice_page_shows_the_seed_and_counts_views(page, demo):
    page.goto(page.base_url + "/notices/")
    page.click("text=关于开展2018年度扬州市“互联网+小微企业”项目申报的通知")
    assert page.locator("[data-testid=publish-date]").inner_text() == "2019-05-14"
    first = int(page.locator("[data-testid=view-count]").inner_text())
    assert "截止时间为5月15日" in page.content()
    assert "联系人：陈锦龙" in page.content()
    page.reload()
    assert int(page.locator("[data-testid=view-count]").inner_text()) == first + 1
    with page.expect_download() as download:
        page.click("text=附件1：扬州市“互联网+小微企业”示范试点企业申请书")
    assert download.value.suggested_filename.endswith(".pdf")


@pytest.mark.parametrize(
    "username, role",
    [
        ("demo_enterprise", "enterprise"),
        ("demo_enterprise2", "enterprise"),
        ("demo_newcomer", "enterprise"),
        ("hanjiang_industry", "county_industry"),
        ("hanjiang_finance", "county_finance"),
        ("guangling_industry", "county_industry"),
        ("guangling_finance", "county_finance"),
        ("city_officer", "city_officer"),
        ("city_finance", "city_officer"),
        ("expert1", "expert"),
        ("expert5", "expert"),
        ("admin", "admin"),
    ],
)
def test_each_demo_role_logs_in_to_its_dashboard(page, demo, username, role):
    login(page, username, DEMO_PASSWORD)
    dashboard = page.locator(f"[data-role={role}]")
    assert dashboard.count() == 1, page.url
    page.click("button:has-text('退出')")
    assert page.locator("a:has-text('登录')").count() >= 1


def test_wrong_password_then_lockout(page, demo, settings):
    login(page, "demo_enterprise2", "wrong-Password-1")
    assert page.locator("p.error, .errors").first.inner_text().startswith("用户名（或手机号）或密码不正确")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(page, "demo_enterprise2", "wrong-Password-1")
    assert "账户已被临时锁定" in page.locator("[data-testid=lockout]").inner_text()
    login(page, "demo_enterprise2", DEMO_PASSWORD)
    assert page.locator("[data-testid=lockout]").count() == 1


def test_language_switch_to_english_and_back(page, demo):
    page.goto(page.base_url + "/")
    page.click("button[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert re.search(r"Notices", page.locator("nav.main-nav").inner_text())
    page.click("button[lang=zh-hans]")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
