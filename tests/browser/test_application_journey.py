"""The whole journey of a new enterprise: profile, demonstration application, materials, submit, PDF."""

import re
import subprocess

import pytest
from django.core.management import call_command

from applications.demo import tiny_pdf
from applications.models import Application
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shenbao-demo-2018"

PROFILE = {
    "uscc": "91321003MA1N2X3Y4K",
    "legal_representative": "赵新芽",
    "contact_person": "钱小芽",
    "mobile": "13905279999",
}


def _fill_row(page, table, index, values):
    for column, value in values.items():
        selector = f'[name="{table}.{index}.{column}"]'
        if page.locator(selector).evaluate("el => el.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def _add_row(page, table):
    page.click(f'button.add-row[data-table="{table}"]')


def _valid_uscc():
    from stdnum.cn import uscc

    body = "91321003MA1N2X3Y4"
    return body + uscc.calc_check_digit(body)


def test_newcomer_profile_application_materials_submit_pdf(page, live_server, tmp_path):
    call_command("load_demo", verbosity=0)
    login(page, "demo_newcomer", PASSWORD)

    # 1. Complete the enterprise profile.
    page.goto(f"{live_server.url}/enterprise/profile/")
    form = page.locator("#profile-form")
    if form.locator('[name="uscc"]').count():
        form.locator('[name="uscc"]').fill(_valid_uscc())
    form.locator('[name="legal_representative"]').fill(PROFILE["legal_representative"])
    form.locator('[name="contact_person"]').fill(PROFILE["contact_person"])
    form.locator('[name="mobile"]').fill(PROFILE["mobile"])
    form.locator('[name="registered_region"]').select_option("321003")
    form.locator('[name="tax_region"]').select_option("321003")
    form.locator('[name="established_on"]').fill("2013-04-01")
    form.locator('[name="independent_legal_person"]').check()
    form.locator('[name="industry"]').select_option("industry")
    form.locator('[name="employees"]').fill("60")
    form.locator('[name="revenue_yuan"]').fill("12000000")
    form.locator('[name="assets_yuan"]').fill("8000000")
    for name in ["decl_sound_management", "decl_good_credit", "decl_no_illegal_record"]:
        form.locator(f'[name="{name}"]').check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#profile-uscc").count() == 1, page.content()[:3000]

    # 2. Start a demonstration application in the demo call.
    page.goto(f"{live_server.url}/applications/")
    page.locator('button[data-start="demonstration"]').first.click()
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    application_id = int(re.search(r"/applications/(\d+)/", page.url).group(1))
    panel = page.locator("#eligibility-panel .eligibility-panel")
    assert "not-eligible" in panel.get_attribute("class")

    # 3. Fill every section; autosave shows 已保存.
    _fill_row(
        page,
        "areas",
        0,
        {"code": "production_control", "work": "ERP与MES集成，设备联网。", "results": "交付周期缩短三成。"},
    )
    investments = [
        ("2017-05-01", "ERP 系统", "software", "用友", "260000", "INV-001"),
        ("2018-03-01", "MES 系统", "software", "南京智造", "180000", "INV-002"),
        ("2018-09-01", "数据采集终端", "hardware", "扬州联创", "120000", "INV-003"),
    ]
    for i, (date, content, kind, supplier, amount, invoice) in enumerate(investments):
        if i:
            _add_row(page, "investments")
        _fill_row(
            page,
            "investments",
            i,
            {"date": date, "content": content, "kind": kind, "area": "production_control", "supplier": supplier,
             "amount_yuan": amount, "invoice_no": invoice},
        )  # fmt: skip
    _fill_row(page, "management_software", 0, {"kind": "ERP", "vendor": "用友", "go_live": "2017-08-01"})
    _add_row(page, "management_software")
    _fill_row(page, "management_software", 1, {"kind": "MES", "vendor": "南京智造", "go_live": "2018-06-01"})
    _fill_row(page, "control_projects", 0, {"name": "设备联网", "description": "40 台设备联网"})
    for i, (online, total) in enumerate([("3000000", "8000000"), ("4000000", "9000000")]):
        _fill_row(page, "sales", i, {"online_yuan": online, "total_yuan": total})
    page.fill('[name="summary"]', "本企业以 ERP 与 MES 推进“互联网+”制造。")
    status = page.locator("#save-status")
    page.wait_for_function("() => document.querySelector('#save-status').textContent.startsWith('已保存')")
    assert status.get_attribute("data-state") == "saved"
    saved = Application.objects.get(pk=application_id)
    assert saved.data["investments"][2]["invoice_no"] == "INV-003"
    assert saved.data["summary"].startswith("本企业")
    assert page.locator('[data-figure="investment_total_yuan"]').inner_text().startswith("560,000.00 元")

    # 4. Upload every material; the progress bar shows.
    page.evaluate(
        """() => { window.__progress = []; document.addEventListener('materials:progress',
           e => window.__progress.push(e.detail.value)); }"""
    )
    pdf_path = tmp_path / "material.pdf"
    pdf_path.write_bytes(tiny_pdf("Shenbao browser test material", ["x" * 60] * 30))
    codes = page.eval_on_selector_all("#materials [data-item]", "els => els.map(e => e.dataset.item)")
    assert len(codes) == 7
    for code in codes:
        item = page.locator(f"#material-{code}")
        item.locator('input[type="file"]').set_input_files(str(pdf_path))
        item.locator("form.material-upload button[type=submit]").click()
        page.wait_for_selector(f"#material-{code} .material-file")
    assert page.evaluate("window.__progress.length") > 0
    assert page.locator("#materials .material-summary.pass").count() == 1

    # 5. The eligibility panel turns green.
    page.fill('[name="summary"]', "本企业以 ERP 与 MES 推进“互联网+”制造，线上销售持续增长。")
    page.wait_for_selector("#eligibility-panel .eligibility-panel.eligible")

    # 6. Submit with the declaration.
    page.wait_for_function("() => document.querySelector('#save-status').textContent.startsWith('已保存')")
    page.check("#declaration")
    page.click("#submit-button")
    page.wait_for_selector("#receipt-no")
    receipt = page.locator("#receipt-no").inner_text()
    assert re.fullmatch(r"YZ2018D-SF-321003-\d{4}", receipt)
    application = Application.objects.get(pk=application_id)
    assert application.status == "submitted" and application.receipt_no == receipt

    # 7. Download the PDF and read it with pdftotext.
    with page.expect_download() as info:
        page.click("#download-pdf")
    target = tmp_path / "application.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert receipt in text
    assert "扬州新芽科技有限公司" in text
    assert "示范" in text
