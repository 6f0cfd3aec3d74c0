"""Browser: the materials checklist uploads with a visible progress bar and updates in place."""

import pytest

from applications.material_samples import pdf_bytes
from applications.models import Application
from programmes.demo import ensure_categories
from tests.browser.helpers import login
from tests.factories import CallFactory

EXE = b"MZ\x90\x00" + b"\x00" * 2000


@pytest.fixture(autouse=True)
def _regions(transactional_db):
    """The migrated regions and bureaus, put back if an earlier transactional test's flush removed them
    (seen when these tests run after other live_server tests, although serialized_rollback is on)."""
    import importlib

    from django.apps import apps

    importlib.import_module("accounts.migrations.0002_yangzhou_regions").forwards(apps, None)


@pytest.fixture
def draft(transactional_db, cast, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    call = CallFactory()
    ensure_categories(call)
    return Application.objects.create(
        call=call,
        category=call.categories.get(code="demonstration"),
        enterprise=cast.enterprise_a.organisation,
        created_by=cast.enterprise_a,
        data={},
    )


def throttle_uploads(page, bytes_per_second):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": bytes_per_second},
    )
    return cdp


def record_progress(page):
    page.evaluate(
        "window.__progress = [];"
        "document.addEventListener('materials:progress', e => window.__progress.push(e.detail.value));"
    )


def checklist_upload(page, code, name, content, mime="application/pdf"):
    row = page.locator(f"#material-{code}")
    row.locator("input[type=file]").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    row.locator("form[data-material-upload] button[type=submit]").click()


def test_upload_shows_progress_and_updates_the_checklist(page, cast, draft, tmp_path):
    login(page, cast.enterprise_a.username, cast.password)
    page.goto(f"{page.base_url}/applications/{draft.pk}/materials/")
    assert page.locator(".material-item").count() == 7
    assert "还缺 7 项" in page.locator(".material-summary").inner_text()
    record_progress(page)
    page.evaluate("window.__marker = 'same page'")  # survives only if the page is not reloaded

    throttle_uploads(page, 200 * 1024)
    content = pdf_bytes("营业执照", lines=["x" * 80] * 4000)  # ~ 350 KB: about two seconds at 200 KB/s
    assert len(content) > 300 * 1024
    checklist_upload(page, "business_licence", "营业执照.pdf", content)
    bar = page.locator("#material-business_licence progress")
    bar.wait_for(state="visible")
    # Polled from Python: the page's CSP forbids the eval that wait_for_function would need.
    midway = False
    for _ in range(200):
        values = page.evaluate("window.__progress")
        if any(0 < v < 100 for v in values):
            midway = True
            break
        page.wait_for_timeout(25)
    assert midway, values

    page.locator("#material-business_licence .material-file a", has_text="营业执照.pdf").wait_for()
    assert page.evaluate("window.__marker") == "same page"
    assert "还缺 6 项" in page.locator(".material-summary").inner_text()
    assert draft.materials.get().original_name == "营业执照.pdf"
    values = page.evaluate("window.__progress")
    assert values[-1] == 100 and len(values) >= 2


def test_refused_upload_shows_the_message_next_to_the_item(page, cast, draft):
    login(page, cast.enterprise_a.username, cast.password)
    page.goto(f"{page.base_url}/applications/{draft.pk}/materials/")
    page.evaluate("window.__marker = 'same page'")
    checklist_upload(page, "audit_report", "审计报告.pdf", EXE)
    error = page.locator("#material-audit_report .material-error")
    error.wait_for()
    assert "无法识别的文件类型" in error.inner_text()
    assert page.evaluate("window.__marker") == "same page"
    assert not draft.materials.exists()


def test_replace_and_delete_in_place(page, cast, draft):
    login(page, cast.enterprise_a.username, cast.password)
    page.goto(f"{page.base_url}/applications/{draft.pk}/materials/")
    checklist_upload(page, "business_licence", "旧执照.pdf", pdf_bytes("old"))
    page.locator("#material-business_licence .material-file", has_text="旧执照.pdf").wait_for()
    checklist_upload(page, "business_licence", "新执照.pdf", pdf_bytes("new"))
    page.locator("#material-business_licence .material-file", has_text="新执照.pdf").wait_for()
    assert page.locator("#material-business_licence .material-file").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#material-business_licence [data-material-delete] button").click()
    page.locator("#material-business_licence .empty").wait_for()
    assert not draft.materials.exists()


def test_checklist_on_the_application_page(page, cast, draft):
    """The application page includes the same checklist; an upload there leaves the form untouched."""
    login(page, cast.enterprise_a.username, cast.password)
    page.goto(f"{page.base_url}/applications/{draft.pk}/")
    page.locator("#materials .material-item").first.wait_for()
    checklist_upload(page, "application_form", "申请书.pdf", pdf_bytes("申请书"))
    page.locator("#material-application_form .material-file", has_text="申请书.pdf").wait_for()
    assert page.url.endswith(f"/applications/{draft.pk}/")
    assert draft.materials.filter(item__code="application_form").exists()


def test_without_javascript_the_form_posts_and_comes_back(browser, live_server, cast, draft):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, cast.enterprise_a.username, cast.password)
        page.goto(f"{live_server.url}/applications/{draft.pk}/materials/")
        checklist_upload(page, "business_licence", "执照.pdf", pdf_bytes("执照"))
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/applications/{draft.pk}/materials/")
        assert "已上传“执照.pdf”" in page.content()
        assert page.locator("#material-business_licence .material-file", has_text="执照.pdf").count() == 1
        checklist_upload(page, "audit_report", "x.pdf", EXE)
        page.wait_for_load_state("load")
        assert "无法识别的文件类型" in page.locator("#material-audit_report").inner_text()
    finally:
        context.close()
