"""In English the applicant's pages read as English: no Chinese punctuation (，。：；（）) and no unit glued to a
figure ("85persons", "1 years") in the page's own text. What the user typed or uploaded (company and file names,
form values) and the notice's text are data and stay as written; the demo's data are Chinese, so those nodes are
left out by selector."""

import re

import pytest
from django.core.management import call_command

from applications import services
from applications.models import Application
from tests.browser.helpers import login

DEMO_PASSWORD = "Shenbao-demo-2018"
CJK_PUNCTUATION = re.compile(r"[，。：；（）]")
GLUED_UNIT = re.compile(r"\d(?:years?|persons?|employees?)\b|\b1 years\b|\b1 persons\b")
# Nodes holding data rather than the page's words: typed values, uploaded file names, the notice, user names.
# The declaration is the Chinese text the enterprise signs (stored in the snapshot), shown as it is (lang="zh-Hans").
DATA_NODES = "textarea, script, style, .lang-switch, .value, .material-file, .notice-body, .who, .brand, .declaration"

# The text of the page's own nodes (data nodes skipped), one string per text node.
PAGE_TEXT = """(skip) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  return out;
}"""


def english_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    return page


def problems_on(page, path):
    page.goto(page.base_url + path)
    found = []
    for text in page.evaluate(PAGE_TEXT, DATA_NODES):
        if CJK_PUNCTUATION.search(text) or GLUED_UNIT.search(text):
            found.append(f"{path}: {text[:160]}")
    return found


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_the_applicant_pages_have_no_chinese_punctuation_or_glued_units_in_english(browser, live_server, demo):
    problems = []
    for username in ("demo_enterprise", "demo_enterprise2"):
        page = english_page(browser, live_server)
        for path in ("/", "/calls/", "/calls/2/", "/enterprise/self-check/"):
            problems += problems_on(page, path)
        login(page, username, DEMO_PASSWORD)
        paths = ["/enterprise/", "/enterprise/profile/", "/applications/"]
        paths += [f"/applications/{a.pk}/" for a in Application.objects.filter(enterprise__users__username=username)]
        for path in paths:
            problems += problems_on(page, path)
        page.context.close()
    assert not problems, "\n".join(problems)


def test_a_submitted_application_reads_as_english(browser, live_server, demo):
    submitted = Application.objects.get(enterprise__users__username="demo_enterprise")
    services.application_submit(application=submitted, actor=submitted.enterprise.users.first(), declaration=True)
    page = english_page(browser, live_server)
    login(page, "demo_enterprise", DEMO_PASSWORD)
    # The verdict frozen at submission is said again in English (applications.selectors.frozen_verdict).
    assert not problems_on(page, f"/applications/{submitted.pk}/")
    assert "Hanjiang District" in page.locator(".eligibility-panel").inner_text()


def test_the_self_check_result_reads_as_english(browser, live_server, demo):
    page = english_page(browser, live_server)
    page.goto(f"{live_server.url}/enterprise/self-check/")
    page.check("input[name=category][value=demonstration]")
    page.fill("#id_reference_date", "2019-05-15")
    page.select_option("#id_registered_region", "321003")
    page.select_option("#id_tax_region", "321003")
    page.fill("#id_established_on", "2018-05-16")  # less than 1 year: "1 year", never "1 years"
    page.select_option("#id_industry", "industry")
    page.fill("#id_employees", "1")
    page.fill("#id_revenue_yuan", "26000000")
    page.fill("#id_assets_yuan", "1000000")
    page.fill("#id_investment_yuan", "500000")
    page.check("input[name=areas][value=production_control]")
    page.click("#selfcheck-form button[type=submit]")
    page.locator("#selfcheck-result .verdict").wait_for()
    result = page.locator("#selfcheck-result").inner_text()
    assert "Hanjiang District" in result and "1 employee," in result and "less than 1 year " in result
    assert "500,000.00 CNY" in result
    texts = page.evaluate(PAGE_TEXT, DATA_NODES)
    assert not [t for t in texts if CJK_PUNCTUATION.search(t) or GLUED_UNIT.search(t)]


def test_upload_messages_are_translated(browser, live_server, demo):
    application = Application.objects.get(enterprise__users__username="demo_enterprise")
    page = english_page(browser, live_server)
    login(page, "demo_enterprise", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    form = page.locator("form[data-material-upload]").first
    form.locator("input[type=file]").set_input_files(
        {"name": "empty.pdf", "mimeType": "application/pdf", "buffer": b""}
    )
    form.locator("button[type=submit]").click()
    assert form.locator(".upload-status").inner_text() == "The file is empty (0 bytes). Please select another file."
