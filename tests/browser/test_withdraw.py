"""Browser: withdrawing a submitted application asks first — a dialog with JavaScript (static/js/confirm.js),
a confirmation page without it."""

import pytest

from applications import services
from applications.models import Application
from tests.applications.core_helpers import complete, make_call
from tests.browser.helpers import login

CONFIRM = "撤回后可修改并在截止时间前重新提交；截止后将无法再提交。确定撤回吗？"


@pytest.fixture
def submitted(transactional_db, cast, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    application = complete(cast.enterprise_a, make_call())
    return services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)


def status_of(application):
    return Application.objects.get(pk=application.pk).status


def test_the_dialog_asks_dismissing_keeps_it_accepting_withdraws(page, cast, submitted):
    login(page, cast.enterprise_a.username, cast.password)
    detail = f"{page.base_url}/applications/{submitted.pk}/"
    page.goto(detail)
    asked = []

    def dismiss(dialog):
        asked.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#withdraw-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert asked == [("confirm", CONFIRM)]
    assert page.url == detail and status_of(submitted) == "submitted"
    assert page.locator("#app-status").inner_text() == "已提交（待县级审核）"

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#withdraw-form button[type=submit]")
    assert page.url == detail and status_of(submitted) == "withdrawn"
    assert page.locator("#app-status").inner_text() == "已撤回"
    assert "申报已撤回" in page.locator(".messages").inner_text()


def test_without_javascript_the_confirmation_page_asks(browser, live_server, cast, submitted):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    detail = f"{live_server.url}/applications/{submitted.pk}/"
    try:
        login(page, cast.enterprise_a.username, cast.password)
        page.goto(detail)
        page.click("#withdraw-form button[type=submit]")
        page.wait_for_url(f"{detail}withdraw/")
        assert CONFIRM in page.locator("#withdraw-confirm").inner_text()
        assert status_of(submitted) == "submitted"

        page.click("#withdraw-cancel")  # 取消: back to the application, nothing changed
        page.wait_for_url(detail)
        assert status_of(submitted) == "submitted"

        page.click("#withdraw-form button[type=submit]")
        page.wait_for_url(f"{detail}withdraw/")
        page.click("#withdraw-confirm-button")
        page.wait_for_url(detail)
        assert status_of(submitted) == "withdrawn"
        assert page.locator("#app-status").inner_text() == "已撤回"
    finally:
        context.close()


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_the_confirmation_page_fits_the_screen(page, cast, submitted, width, height):
    page.set_viewport_size({"width": width, "height": height})
    login(page, cast.enterprise_a.username, cast.password)
    page.goto(f"{page.base_url}/applications/{submitted.pk}/withdraw/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("#withdraw-confirm-button").is_visible() and page.locator("#withdraw-cancel").is_visible()


def test_a_form_another_script_confirms_asks_once(page, cast, settings, tmp_path):
    """The materials' delete asks through upload.js; confirm.js, on the same page, leaves it alone."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    application = complete(cast.enterprise_a, make_call())
    login(page, cast.enterprise_a.username, cast.password)
    page.goto(f"{page.base_url}/applications/{application.pk}/")
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    item = page.locator("#materials [data-item]").first
    code = item.get_attribute("data-item")
    item.locator("[data-material-delete] button").first.click()
    page.locator(f"#material-{code} .empty").wait_for()
    assert len(asked) == 1 and asked[0].startswith("确定删除")


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_the_staff_list_fits_the_screen(page, cast, submitted, width, height):
    page.set_viewport_size({"width": width, "height": height})
    login(page, cast.city_officer.username, cast.password)
    page.goto(f"{page.base_url}/applications/")
    assert page.locator("#list-heading").inner_text() == "全市已提交的申报书"
    assert page.locator(f'[data-application="{submitted.pk}"] [data-action="view"]').is_visible()
    assert page.locator("[data-start]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
