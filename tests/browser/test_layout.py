"""Pages fit the screen: at 1280 × 800 and 390 × 844, in Chinese and English, no page scrolls sideways and every
form control is visible. On a phone the application form's wide tables scroll inside their own box
(`.table-scroll`), which is the one allowed exception; on a desktop every column fits."""

import pytest
from django.core.management import call_command

from applications.models import Application
from tests.browser.helpers import login

DEMO_PASSWORD = "Shenbao-demo-2018"
PUBLIC = ["/", "/notices/", "/calls/", "/enterprise/self-check/", "/enterprise/register/", "/accounts/login/"]
ENTERPRISE = ["/enterprise/", "/enterprise/profile/", "/applications/"]

# Controls outside the viewport, or cut off by a box that clips or scrolls them (phone: tables excepted).
HIDDEN_CONTROLS = """(allowInnerScroll) => {
  const out = [];
  for (const e of document.querySelectorAll('main input:not([type=hidden]), main select, main textarea, main button')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    let box = e.parentElement;
    while (box && box !== document.body && !/(auto|scroll|hidden)/.test(getComputedStyle(box).overflowX)) box = box.parentElement;
    if (allowInnerScroll && box && box.closest('.table-scroll')) continue;
    const right = box && box !== document.body ? box.getBoundingClientRect().right : window.innerWidth;
    if (r.right > right + 1 || r.left < -1) out.push(`${e.name || e.tagName} ends at ${Math.round(r.right)} > ${Math.round(right)}`);
  }
  return out;
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_main_pages_fit_the_screen_in_both_languages(browser, live_server, demo, width, height):
    draft = Application.objects.filter(status__in=["draft", "withdrawn", "returned"]).order_by("pk").first()
    pages = [*PUBLIC, "/notices/1/", "/calls/2/"]
    problems = []
    for language in ("zh-hans", "en"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url

        def check(path, page=page, language=language):
            page.goto(live_server.url + path)
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                problems.append(f"{width}px {language} {path}: page is {scroll}px wide")
            for hidden in page.evaluate(HIDDEN_CONTROLS, width < 640):
                problems.append(f"{width}px {language} {path}: {hidden}")

        for path in pages:
            check(path)
        login(page, draft.enterprise.users.first().username, DEMO_PASSWORD)
        for path in [*ENTERPRISE, f"/applications/{draft.pk}/"]:
            check(path)
        context.close()
    assert not problems, "\n".join(problems)
