"""The review half end to end in the browser: return with a reason, fix and resubmit, both bureaus approve,
the county builds, seals and forwards a batch, the city sees the seals verified and passes it to the experts,
and the enterprise's history shows each step under its public label."""

import re

import pytest
from django.core.management import call_command

from applications import services as application_services
from applications.models import Application
from reviews.models import Batch
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shenbao-demo-2018"
REASON = "投入清单第 3 项的发票号码与发票复印件不一致，请核对后重新提交。"
PUBLIC_STEPS = [
    "企业提交申报",
    "县区退回修改",
    "企业修改后重新提交",
    "县区部门审核通过",
    "县区部门审核通过",
    "县区审核通过，予以推荐",
    "县区已盖章上报市工信局",
    "市级复核通过，进入专家评审",
]


def _as(page, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def _approve(page, application):
    page.goto(f"{page.base_url}/review/applications/{application.pk}/")
    form = page.locator("#opinion-form")
    for box in form.locator("input[type=checkbox]").all():
        box.check()
    form.locator("#decide-approve").click()
    page.wait_for_load_state("networkidle")


def test_return_resubmit_approve_seal_forward_to_experts(page, live_server):
    call_command("load_demo", verbosity=0)
    application = Application.objects.get(enterprise__users__username="demo_enterprise", call__code="yz2018-demo")
    enterprise = application.enterprise.users.get(username="demo_enterprise")
    application = application_services.application_submit(application=application, actor=enterprise, declaration=True)
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. 邗江工信 finds it in the unit's queue and returns it with a reason (a missing reason is refused first).
    _as(page, "hanjiang_industry")
    page.goto(f"{live_server.url}/review/?q={application.receipt_no}")
    page.locator(f'a[href="/review/applications/{application.pk}/"]').first.click()
    page.locator("#decide-return").click()
    assert page.locator('[data-error-for="comment"]').is_visible()
    page.locator("#opinion-form textarea[name=comment]").fill(REASON)
    page.locator("#decide-return").click()
    page.wait_for_load_state("networkidle")
    application.refresh_from_db()
    assert application.status == "returned"

    # 2. The enterprise reads why, fixes the summary and resubmits.
    _as(page, "demo_enterprise")
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    assert REASON in page.locator("#review-reason").inner_text()
    page.fill('[name="summary"]', "已按县区意见核对第 3 项发票号码与复印件。" + application.data["summary"])
    page.check("#declaration")
    page.click("#submit-button")
    page.wait_for_load_state("networkidle")
    application.refresh_from_db()
    assert application.status == "submitted" and application.snapshots.count() == 2

    # 3. Both bureaus approve the new version; the review page shows what changed.
    _as(page, "hanjiang_finance")
    page.goto(f"{live_server.url}/review/applications/{application.pk}/")
    assert "已按县区意见核对" in page.locator("#diff").inner_text()
    _approve(page, application)
    _as(page, "hanjiang_industry")
    _approve(page, application)
    application.refresh_from_db()
    assert application.status == "recommended"

    # 4. The county builds the batch of this application, both bureaus seal, and it is forwarded.
    page.goto(f"{live_server.url}/review/batches/new/")
    for box in page.locator("#batch-form input[name=applications]").all():
        box.set_checked(box.get_attribute("value") == str(application.pk))
    page.locator("#batch-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/review/batches/\d+/$"))
    batch = Batch.objects.get(items__application=application)
    page.locator("#seal-button").click()
    page.wait_for_load_state("networkidle")
    _as(page, "hanjiang_finance")
    page.goto(f"{live_server.url}/review/batches/{batch.pk}/")
    page.locator("#seal-button").click()
    page.wait_for_load_state("networkidle")
    page.locator("#forward-button").click()
    page.wait_for_load_state("networkidle")
    application.refresh_from_db()
    assert application.status == "forwarded"

    # 5. The city sees the batch with both seals verified and passes the application to the experts.
    _as(page, "city_officer")
    page.goto(f"{live_server.url}/review/batches/{batch.pk}/")
    assert "两个部门的电子印章均已核验通过" in page.locator("#seal-verdict").inner_text()
    page.goto(f"{live_server.url}/review/applications/{application.pk}/")
    page.locator("#decide-to_experts").click()
    page.wait_for_load_state("networkidle")
    application.refresh_from_db()
    assert application.status == "expert_review"

    # 6. The enterprise's history: each step under its public label, no reviewer's name.
    _as(page, "demo_enterprise")
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    history = page.locator("#history").inner_text()
    positions = [history.find(step) for step in PUBLIC_STEPS]
    assert -1 not in positions, history
    assert positions == sorted(positions), history
    assert "hanjiang_industry" not in history and "审核员" not in history
