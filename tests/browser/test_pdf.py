"""Browser journeys of the printed application: download the PDF, follow its verification URL; blank forms."""

import re
import subprocess

import pytest
from django.core.management import call_command

from tests.browser.helpers import login

DEMO_PASSWORD = "Shenbao-demo-2018"


@pytest.fixture
def demo(transactional_db, settings, tmp_path, live_server):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.SITE_URL = live_server.url  # the QR code and printed URL point at this server
    call_command("load_demo", stdout=open("/dev/null", "w"))


def pdftotext(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_download_the_submitted_pdf_and_verify_it(page, demo, tmp_path):
    from accounts.models import User
    from applications import services
    from applications.models import Application

    user = User.objects.get(username="demo_enterprise")
    application = Application.objects.get(enterprise=user.organisation, category__code="demonstration")
    application = services.application_submit(application=application, actor=user, declaration=True)
    application.refresh_from_db()

    login(page, "demo_enterprise", DEMO_PASSWORD)
    page.goto(f"{page.base_url}/applications/{application.pk}/")
    with page.expect_download() as download:
        page.click("#download-pdf")
    path = tmp_path / "downloaded.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename == f"{application.receipt_no}.pdf"
    text = pdftotext(path)
    assert application.receipt_no in text and user.organisation.name in text
    assert "示范（试点）企业申请书" in text and "一式两份" in text

    # the verification URL printed on the cover (the QR code's content) leads to the four facts
    url = re.search(r"(http://\S+/verify/[0-9a-f]{64})", text).group(1)
    assert url.endswith(application.digest)
    page.goto(url)
    assert "核验通过" in page.locator("[data-testid=verify-result]").inner_text()
    assert page.locator("[data-testid=receipt-no]").inner_text() == application.receipt_no
    assert page.locator("[data-testid=enterprise-name]").inner_text() == user.organisation.name
    assert page.locator("[data-testid=category-name]").inner_text() == application.category.name


def test_verification_form_and_unknown_digest(page, demo):
    page.goto(f"{page.base_url}/verify/")
    page.fill("#digest", "1" * 64)
    page.click("form.form button[type=submit]")
    assert "未找到" in page.locator("[data-testid=verify-result]").inner_text()
    page.fill("#digest", "not-a-digest")
    page.click("form.form button[type=submit]")
    assert "64 位十六进制" in page.locator("[data-testid=verify-result]").inner_text()


@pytest.mark.parametrize(
    "link,title",
    [
        ("附件1：扬州市“互联网+小微企业”示范试点企业申请书", "示范（试点）企业申请书"),
        ("附件2：扬州市“互联网+小微企业”研发推广应用新产品新技术申请书", "研发推广应用新产品新技术申请书"),
    ],
)
def test_blank_forms_download_from_the_notice_page(page, demo, tmp_path, link, title):
    page.goto(page.base_url + "/notices/")
    page.click("text=关于开展2018年度扬州市“互联网+小微企业”项目申报的通知")
    with page.expect_download() as download:
        page.click(f"text={link}")
    path = tmp_path / "blank.pdf"
    download.value.save_as(path)
    text = pdftotext(path)
    assert title in text and "一、企业基本情况" in text and "承诺书" in text
