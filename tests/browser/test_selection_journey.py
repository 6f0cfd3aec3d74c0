"""The selection half end to end in the browser: the city draws a panel, expert1…expert5 declare and score,
the city sees the ranking, sets the quota and publishes; an anonymous visitor lodges a named objection, the
city upholds it and, once the period is over, designates; the enterprise sees its outcome and downloads its
sealed certificate; the public results page lists the designated enterprises only."""

import datetime as dt

import pytest
from django.core.management import call_command

from accounts.models import User
from applications import services as application_services
from applications.models import Application
from evaluation.models import Assignment, Expert
from publicity import services as publicity_services
from publicity.models import Objection, Publicity
from reviews import demo as review_demo
from reviews import services as review_services
from reviews.seals.pdf import verify_pdf
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shenbao-demo-2018"
EXPERTS = [f"expert{n}" for n in range(1, 6)]
# Per enterprise the points each criterion gets (every expert the same, one point less per expert for spread):
# 金鼎 first, 华瑞 second, 润泽 third.
POINTS = {
    "demo_gl_jinding": {"application_depth": 32, "investment": 22, "results": 22, "replicability": 13},
    "demo_gl_huarui": {"application_depth": 28, "investment": 20, "results": 20, "replicability": 12},
    "demo_hj_runze": {"application_depth": 24, "investment": 18, "results": 18, "replicability": 10},
}
GROUNDS = "该企业申报的车间数据采集终端于 2016 年已投入使用，不属于本次申报期内的投入，请核查发票日期。"
REPLY = "经核查，异议所述属实，该企业相关投入不在申报期内，撤下其公示名单。"


def _as(page, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def _to_experts(city_officer):
    """金鼎 (forwarded by 广陵), 华瑞 (recommended in 广陵) and 润泽 (邗江, finance's opinion owed) reach the experts."""
    apps = {u: Application.objects.get(enterprise__users__username=u, call__code="yz2018-demo") for u in POINTS}
    hj_industry, hj_finance = review_demo._reviewers("321003")
    gl_industry, _ = review_demo._reviewers("321002")
    review_demo._approve(apps["demo_hj_runze"], hj_finance, "finance")
    for username, forwarder in (("demo_gl_huarui", gl_industry), ("demo_hj_runze", hj_industry)):
        application = Application.objects.get(pk=apps[username].pk)
        assert application.status == Application.Status.RECOMMENDED
        application_services.transition(application=application, action="forward", actor=forwarder)
    for username, application in apps.items():
        application.refresh_from_db()
        review_services.city_decide(application=application, actor=city_officer, decision="to_experts")
        application.refresh_from_db()
        assert application.status == Application.Status.EXPERT_REVIEW, username
    return apps


def _declare_and_score(page, expert):
    page.goto(f"{page.base_url}/evaluation/")
    rows = page.locator("#assignment-list tbody tr")
    assert rows.count() == 3
    ids = [rows.nth(i).get_attribute("data-assignment") for i in range(3)]
    for pk in ids:
        assignment = Assignment.objects.select_related("application__enterprise").get(pk=pk)
        username = assignment.application.enterprise.users.get().username
        offset = EXPERTS.index(expert)  # expert1 highest … expert5 lowest: a spread, but the order holds
        page.goto(f"{page.base_url}/evaluation/assignments/{pk}/")
        page.locator("#declaration input[name=commitment]").check()
        page.locator("#declaration button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        for code, value in POINTS[username].items():
            page.fill(f"#score-{code}", str(value - (offset if code == "application_depth" else 0)))
        page.fill("#comment", "应用场景清晰，投入结构合理，成效有数据支撑。")
        page.locator("#scoring button[name=submit][value=yes]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#assignment-state").get_attribute("data-state") == "scored"


def test_draw_score_publish_object_designate_certificate(page, live_server):
    call_command("load_demo", verbosity=0)
    city_officer = User.objects.get(username="city_officer")
    apps = _to_experts(city_officer)
    # Only expert1…expert5 in the pool, so a panel of five seats exactly them (none works for these three).
    Expert.objects.exclude(user__username__in=EXPERTS).update(active=False)
    call = apps["demo_gl_jinding"].call
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The city draws a panel of five for the demonstration category.
    _as(page, "city_officer")
    page.goto(f"{live_server.url}/evaluation/calls/{call.pk}/")
    section = page.locator("#category-demonstration")
    assert "3 份申报书进入专家评审" in section.inner_text()
    section.locator("input[name=size]").fill("5")
    section.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert Assignment.objects.filter(application__call=call).count() == 15

    # 2. Each expert declares no conflict, signs the commitment and submits a score for each application.
    for expert in EXPERTS:
        _as(page, expert)
        _declare_and_score(page, expert)

    # 3. The city sees the complete ranking in order, sets a quota of three and publishes for one day.
    _as(page, "city_officer")
    page.goto(f"{live_server.url}/evaluation/calls/{call.pk}/")
    ranking = page.locator('table[data-ranking="demonstration"] tbody tr')
    order = [int(ranking.nth(i).get_attribute("data-application")) for i in range(ranking.count())]
    assert order == [apps[u].pk for u in POINTS]
    assert "未完成" not in page.locator('table[data-ranking="demonstration"]').inner_text()
    section = page.locator("#category-demonstration")
    section.locator("input[name=quota]").fill("3")
    section.locator("form[action$='/quota/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator('ol[data-selection="demonstration"] li').count() == 3

    page.goto(f"{live_server.url}/publicity/calls/{call.pk}/")
    form = page.locator("#publish-demonstration form")
    form.locator("input[name=days]").fill("1")
    form.locator("input[name=supervision_phone]").fill("0514-87000000")
    form.locator("input[name=supervision_contact]").fill("王科长")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/publicity/*/")
    publicity = Publicity.objects.get(call=call)
    assert publicity.starts_on == publicity.ends_on  # one day, today

    # 4. An anonymous visitor reads the list and lodges a named objection against 润泽.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/publicity/{publicity.pk}/")
    listing = page.locator("main").inner_text()
    for name in ("扬州广陵金鼎纺织有限公司", "扬州广陵华瑞电子有限公司", "扬州邗江润泽食品有限公司"):
        assert name in listing
    objection_form = page.locator("#objection-form form")
    objection_form.locator("select[name=application]").select_option(str(apps["demo_hj_runze"].pk))
    objection_form.locator("input[name=name]").fill("李明")
    objection_form.locator("input[name=mobile]").fill("13912345678")
    objection_form.locator("textarea[name=grounds]").fill(GROUNDS)
    objection_form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/publicity/objections/*/")
    status_url = page.url
    objection = Objection.objects.get(publicity=publicity)
    assert objection.state == "pending" and objection.name == "李明"

    # 5. The city upholds it: 润泽 is taken off the list with the reply as the reason.
    _as(page, "city_officer")
    page.goto(f"{live_server.url}/publicity/calls/{call.pk}/")
    article = page.locator(f'article[data-objection="{objection.pk}"]')
    assert GROUNDS in article.inner_text()
    article.locator("textarea[name=reply]").fill(REPLY)
    article.locator("button[name=upheld][value='1']").click()
    page.wait_for_load_state("networkidle")
    objection.refresh_from_db()
    assert objection.state == "upheld"
    removed = page.locator(f'#publicity-{publicity.pk} li[data-application="{apps["demo_hj_runze"].pk}"]')
    assert "已撤下" in removed.inner_text()

    # The objector's status page shows the outcome and the reply.
    page.context.clear_cookies()
    page.goto(status_url)
    assert REPLY in page.locator("main").inner_text()

    # While the period runs, the city cannot designate yet.
    _as(page, "city_officer")
    page.goto(f"{live_server.url}/designations/calls/{call.pk}/demonstration/")
    assert page.locator('[data-testid="designation-page"] form button[type=submit]').is_disabled()

    # Time passes: the one-day period ended the day before yesterday.
    Publicity.objects.filter(pk=publicity.pk).update(
        starts_on=publicity.starts_on - dt.timedelta(days=2), ends_on=publicity.ends_on - dt.timedelta(days=2)
    )
    publicity_services.touch(publicity)

    # 6. The city designates the two left on the list.
    page.goto(f"{live_server.url}/designations/calls/{call.pk}/demonstration/")
    designation_page = page.locator('[data-testid="designation-page"]')
    assert "扬州邗江润泽食品有限公司" not in designation_page.inner_text()
    designation_page.locator("form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    issued = page.locator('[data-testid="issued"]').inner_text()
    assert "扬州广陵金鼎纺织有限公司" in issued and "扬州广陵华瑞电子有限公司" in issued
    assert "扬州邗江润泽食品有限公司" not in issued
    statuses = {u: Application.objects.get(pk=a.pk).status for u, a in apps.items()}
    assert statuses["demo_hj_runze"] != statuses["demo_gl_jinding"] == statuses["demo_gl_huarui"]

    # 7. 金鼎 sees its outcome and downloads a certificate whose seal verifies.
    _as(page, "demo_gl_jinding")
    page.goto(f"{live_server.url}/applications/{apps['demo_gl_jinding'].pk}/")
    outcome = page.locator('[data-testid="outcome"]')
    assert outcome.get_attribute("data-designated") == "true"
    href = page.locator("#download-certificate").get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    assert verify_pdf(body)["valid"], verify_pdf(body)["reason"]

    # 润泽 is told it was not selected.
    _as(page, "demo_hj_runze")
    page.goto(f"{live_server.url}/applications/{apps['demo_hj_runze'].pk}/")
    assert page.locator('[data-testid="outcome"]').get_attribute("data-designated") == "false"

    # 8. The public results page lists the two designated enterprises, not the one taken off.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/results/")
    results = page.locator('[data-testid="results"]').inner_text()
    assert "扬州广陵金鼎纺织有限公司" in results and "扬州广陵华瑞电子有限公司" in results
    assert "扬州邗江润泽食品有限公司" not in results
