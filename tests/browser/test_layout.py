"""Pages fit the screen: at 1280 × 800 and 390 × 844, in Chinese and English, no page scrolls sideways and every
form control is visible. On a phone the application form's wide tables scroll inside their own box
(`.table-scroll`), which is the one allowed exception; on a desktop every column fits."""

import pytest
from django.core.management import call_command

from applications import services
from applications.models import Application
from tests.browser.helpers import login

DEMO_PASSWORD = "Shenbao-demo-2018"
WIDTHS = [(1280, 800), (390, 844)]
LANGUAGES = ("zh-hans", "en")
PUBLIC = ["/", "/notices/", "/calls/", "/enterprise/self-check/", "/enterprise/register/", "/accounts/login/"]
ENTERPRISE = ["/enterprise/", "/enterprise/profile/", "/applications/", "/accounts/password/"]
# Each staff role's pages; "{submitted}" is the demo enterprise's application after submission.
STAFF = {
    "city_officer": [
        "/accounts/workspace/city/",
        "/applications/",
        "/applications/{submitted}/",
        "/calls/2/copy/",
        "/calls/2/edit/",
        "/notices/1/edit/",
        "/notices/new/",
        "/accounts/password/",
    ],
    "hanjiang_industry": ["/accounts/workspace/county/", "/applications/", "/applications/{submitted}/"],
    "hanjiang_finance": ["/accounts/workspace/county/", "/applications/"],
    "expert1": ["/accounts/workspace/expert/", "/applications/"],
    "admin": ["/accounts/workspace/admin/", "/applications/", "/applications/{submitted}/"],
}
ROLES = ["demo_enterprise", *STAFF]

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

# The language buttons: each on one line, all on one line, inside the viewport.
LANGUAGE_BUTTONS = """() => {
  const buttons = [...document.querySelectorAll('.lang-switch button')];
  const tops = buttons.map(b => Math.round(b.getBoundingClientRect().top));
  const lines = b => { const r = document.createRange(); r.selectNodeContents(b); return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size; };
  return {
    count: buttons.length,
    oneLine: new Set(tops).size === 1,
    unwrapped: buttons.every(b => lines(b) === 1),
    inside: buttons.every(b => b.getBoundingClientRect().right <= window.innerWidth),
  };
}"""

# Elements of the eligibility panel that stick out of it.
PANEL_SPILLS = """() => {
  const panel = document.querySelector('.eligibility-panel');
  const box = panel.getBoundingClientRect();
  return [...panel.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > box.right + 1 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline')
    .map(e => `${e.tagName}.${e.className} "${e.textContent.trim().slice(0, 40)}" ${Math.round(e.getBoundingClientRect().right)} > ${Math.round(box.right)}`);
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


@pytest.fixture
def submitted(demo):
    """The demo enterprise's complete application, submitted (county, city and admin read it)."""
    application = Application.objects.get(enterprise__users__username="demo_enterprise")
    actor = application.enterprise.users.first()
    return services.application_submit(application=application, actor=actor, declaration=True)


def new_page(browser, live_server, width, height, language):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    return page


def layout_problems(page, path, width, language):
    page.goto(page.base_url + path)
    where = f"{width}px {language} {path}"
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    problems = [f"{where}: page is {scroll}px wide"] if scroll > inner else []
    return problems + [f"{where}: {hidden}" for hidden in page.evaluate(HIDDEN_CONTROLS, width < 640)]


@pytest.mark.parametrize("width, height", WIDTHS)
def test_main_pages_fit_the_screen_in_both_languages(browser, live_server, demo, width, height):
    draft = Application.objects.filter(status__in=["draft", "withdrawn", "returned"]).order_by("pk").first()
    problems = []
    for language in LANGUAGES:
        page = new_page(browser, live_server, width, height, language)
        for path in [*PUBLIC, "/notices/1/", "/calls/2/"]:
            problems += layout_problems(page, path, width, language)
        login(page, draft.enterprise.users.first().username, DEMO_PASSWORD)
        for path in [*ENTERPRISE, f"/applications/{draft.pk}/"]:
            problems += layout_problems(page, path, width, language)
        page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width, height", WIDTHS)
def test_staff_pages_fit_the_screen_in_both_languages(browser, live_server, submitted, width, height):
    problems = []
    for language in LANGUAGES:
        for username, paths in STAFF.items():
            page = new_page(browser, live_server, width, height, language)
            login(page, username, DEMO_PASSWORD)
            for path in paths:
                problems += layout_problems(page, path.format(submitted=submitted.pk), width, language)
            page.context.close()
        # The enterprise reads its submitted application (the read-only page and its eligibility panel).
        page = new_page(browser, live_server, width, height, language)
        login(page, "demo_enterprise", DEMO_PASSWORD)
        problems += layout_problems(page, f"/applications/{submitted.pk}/", width, language)
        page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width, height", WIDTHS)
def test_the_language_buttons_sit_on_one_line_for_every_role(browser, live_server, demo, width, height):
    problems = []
    for language in LANGUAGES:
        for username in ROLES:
            page = new_page(browser, live_server, width, height, language)
            login(page, username, DEMO_PASSWORD)
            buttons = page.evaluate(LANGUAGE_BUTTONS)
            if buttons != {"count": 2, "oneLine": True, "unwrapped": True, "inside": True}:
                problems.append(f"{width}px {language} {username}: {buttons}")
            page.context.close()
    assert not problems, "\n".join(problems)


LONG_AMOUNT = "12,345,678.90"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_amount_is_fully_visible_in_the_investment_list_at_1280(browser, live_server, demo, language):
    application = Application.objects.get(enterprise__users__username="demo_enterprise")
    page = new_page(browser, live_server, 1280, 800, language)
    login(page, "demo_enterprise", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    amount = page.locator('[name="investments.0.amount_yuan"]')
    amount.fill(LONG_AMOUNT)
    scroll, client = amount.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= client, f"the amount input shows {client}px of {scroll}px"
    assert not layout_problems(page, f"/applications/{application.pk}/", 1280, language)
    page.context.close()


@pytest.mark.parametrize("width, height", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_long_amounts_wrap_inside_the_eligibility_panel(browser, live_server, demo, width, height, language):
    application = Application.objects.get(enterprise__users__username="demo_enterprise")
    data = dict(application.data)
    data["investments"] = [{**row, "amount_yuan": "123456789012.34"} for row in data["investments"]]
    Application.objects.filter(pk=application.pk).update(data=data)
    page = new_page(browser, live_server, width, height, language)
    login(page, "demo_enterprise", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    assert "123,456,789,012.34" in page.locator(".eligibility-panel").inner_text()
    assert page.evaluate(PANEL_SPILLS) == []
    page.context.close()
