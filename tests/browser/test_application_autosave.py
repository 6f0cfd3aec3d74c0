"""Autosave survives a session timeout: the typed data is kept locally and saved after logging in again."""

import re

import pytest
from django.core.management import call_command

from applications.models import Application
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shenbao-demo-2018"


def test_typed_data_survives_session_timeout_and_relogin(page, live_server):
    call_command("load_demo", verbosity=0)
    application = Application.objects.get(enterprise__users__username="demo_enterprise")
    url = f"{live_server.url}/applications/{application.pk}/"
    login(page, "demo_enterprise", PASSWORD)
    page.goto(url)
    page.fill('[name="summary"]', "第一段：已自动保存。")
    page.wait_for_function("() => document.querySelector('#save-status').textContent.startsWith('已保存')")
    assert Application.objects.get(pk=application.pk).data["summary"] == "第一段：已自动保存。"

    # The session ends (timeout); the user keeps typing.
    page.context.clear_cookies()
    page.fill('[name="summary"]', "第二段：在会话过期后输入。")
    page.wait_for_selector("#save-status[data-state=offline] a")
    assert "登录已超时" in page.locator("#save-status").inner_text()
    assert Application.objects.get(pk=application.pk).data["summary"] == "第一段：已自动保存。"

    # Re-login from the link returns to the same page, and what was typed is restored and saved.
    page.click("#save-status a")
    page.fill("input[name=username]", "demo_enterprise")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(rf"/applications/{application.pk}/$"))
    page.wait_for_function(
        "() => document.querySelector('[name=summary]').value.startsWith('第二段')"
        " && document.querySelector('#save-status').textContent.startsWith('已保存')"
    )
    assert Application.objects.get(pk=application.pk).data["summary"] == "第二段：在会话过期后输入。"


def test_two_colleagues_get_a_conflict_not_an_overwrite(page, live_server, browser):
    call_command("load_demo", verbosity=0)
    application = Application.objects.get(enterprise__users__username="demo_enterprise")
    url = f"{live_server.url}/applications/{application.pk}/"
    login(page, "demo_enterprise", PASSWORD)
    page.goto(url)
    other_context = browser.new_context(locale="zh-CN")
    other = other_context.new_page()
    other.base_url = live_server.url
    login(other, "demo_enterprise", PASSWORD)
    other.goto(url)
    page.fill('[name="summary"]', "甲的修改")
    page.wait_for_function("() => document.querySelector('#save-status').textContent.startsWith('已保存')")
    other.fill('[name="summary"]', "乙的修改")
    other.wait_for_selector("#save-status[data-state=conflict]")
    assert "已被同单位其他人修改" in other.locator("#save-status").inner_text()
    assert Application.objects.get(pk=application.pk).data["summary"] == "甲的修改"
    other_context.close()


def test_autosave_status_speaks_english_when_chosen(page, live_server):
    call_command("load_demo", verbosity=0)
    application = Application.objects.get(enterprise__users__username="demo_enterprise")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    login(page, "demo_enterprise", PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    page.fill('[name="summary"]', "Saved in English.")
    page.wait_for_function("() => document.querySelector('#save-status').textContent.startsWith('Saved ')")
    assert not re.search(r"[\u4e00-\u9fff]", page.locator("#save-status").inner_text())
