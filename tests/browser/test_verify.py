"""Browser journey of verification: a county officer holding an old paper copy sees at once that a later
submission replaced it; the current copy passes. At 1280 px and 390 px, without horizontal scroll."""

import re

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    call_command("load_demo", stdout=open("/dev/null", "w"))


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_an_old_copy_after_withdraw_and_resubmit_is_superseded(page, demo, width, height):
    from accounts.models import User
    from applications import services
    from applications.models import Application

    user = User.objects.get(username="demo_enterprise")
    application = Application.objects.get(enterprise=user.organisation, category__code="demonstration")
    application = services.application_submit(application=application, actor=user, declaration=True)
    old_digest, receipt_no = application.digest, application.receipt_no
    services.application_withdraw(application=application, actor=user)
    application = services.application_submit(
        application=Application.objects.get(pk=application.pk), actor=user, declaration=True
    )
    page.set_viewport_size({"width": width, "height": height})

    # the first paper copy: the QR code's address, opened by anyone (no login)
    page.goto(f"{page.base_url}/verify/{old_digest}")
    result = page.locator("[data-testid=verify-result]").inner_text()
    assert re.search(r"已被第 2 版（提交时间 .+）取代", result), result
    assert "核验通过" not in result
    assert page.locator("[data-testid=receipt-no]").inner_text() == receipt_no
    assert page.locator("[data-testid=version]").inner_text() == "第 1 版"
    assert page.locator("[data-testid=superseded-by]").inner_text().startswith("第 2 版（提交时间 ")
    assert no_horizontal_scroll(page)

    # the copy under review passes
    page.goto(f"{page.base_url}/verify/{application.digest}")
    result = page.locator("[data-testid=verify-result]").inner_text()
    assert result.startswith("核验通过：这是当前有效的申请书（第 2 版"), result
    assert page.locator("[data-testid=receipt-no]").inner_text() == receipt_no
    assert no_horizontal_scroll(page)

    # the API says the same
    answer = page.request.get(f"{page.base_url}/api/v1/verify/{old_digest}").json()
    assert answer["status"] == "superseded" and answer["superseded_by"]["version"] == 2


def test_a_withdrawn_copy_says_when(page, demo):
    from accounts.models import User
    from applications import services
    from applications.models import Application

    user = User.objects.get(username="demo_enterprise")
    application = Application.objects.get(enterprise=user.organisation, category__code="demonstration")
    application = services.application_submit(application=application, actor=user, declaration=True)
    services.application_withdraw(application=application, actor=user)

    page.goto(f"{page.base_url}/verify/{application.digest}")
    result = page.locator("[data-testid=verify-result]").inner_text()
    assert re.search(r"企业已于 \d{4}年\d\d月\d\d日 \d\d:\d\d:\d\d（北京时间） 撤回", result), result
    assert page.locator("[data-testid=withdrawn-at]").is_visible()
