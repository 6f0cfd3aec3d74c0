"""WCAG 2.1 AA in the browser (issue 11 §18): axe-core, installed from npm (node_modules/axe-core, never served by
the app), is injected into every main page of every role, in Chinese and in English, and must find no violation
of the wcag2a, wcag2aa, wcag21a and wcag21aa rules.

The demo is loaded once and brought on to every stage with services (a drawn panel with one assignment scored,
one declared and one waiting for the declaration, a published list with an objection, a forwarded application
awaiting the city's check), then each role logs in once and reads its pages in both languages. One test function:
browser tests are transactional, so the demo cannot be shared between tests (see docs/accessibility.md).
Left out, being third-party markup we do not write: /api/v1/docs (Swagger UI: its colours, nested controls, no
lang) and the Django admin's change forms."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from applications import services as application_services
from applications.models import Application
from evaluation import services as evaluation_services
from evaluation.models import Expert
from programmes.models import Notice
from publicity import services as publicity_services
from reviews.models import Batch
from tests.browser.helpers import login
from tests.browser.test_selection_journey import EXPERTS, _to_experts

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Shenbao-demo-2018"
LANGUAGES = ("zh-hans", "en")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: (n.failureSummary || "").split("\\n").slice(0, 3).join(" / ")})),
  }));
}"""


@pytest.fixture
def stages(transactional_db):
    """The demo, and every stage after it reached once: what each page below needs to show something."""
    call_command("load_demo", verbosity=0)
    city_officer = User.objects.get(username="city_officer")
    apps = _to_experts(city_officer)  # 金鼎, 华瑞, 润泽 in the expert review
    hj_industry = User.objects.get(username="hanjiang_industry")
    forwarded = Application.objects.get(enterprise__users__username="demo_hj_tiancheng", call__code="yz2018-demo")
    application_services.transition(application=forwarded, action="forward", actor=hj_industry)

    Expert.objects.exclude(user__username__in=EXPERTS).update(active=False)
    call = apps["demo_gl_jinding"].call
    category = apps["demo_gl_jinding"].category
    panel = evaluation_services.panel_draw(actor=city_officer, call=call, category=category, size=5, seed=2018)
    scores = {"application_depth": "30", "investment": "20", "results": "20", "replicability": "10"}
    waiting = {}  # expert1: 华瑞 declared but not scored, 润泽 not declared yet
    for assignment in panel.assignments.select_related("expert__user", "application"):
        user, app = assignment.expert.user, assignment.application
        if user.username == "expert1" and app.pk == apps["demo_hj_runze"].pk:
            waiting["declaration"] = assignment.pk
            continue
        evaluation_services.assignment_declare(actor=user, assignment=assignment, conflict=False)
        if user.username == "expert1" and app.pk == apps["demo_gl_huarui"].pk:
            waiting["score"] = assignment.pk
            continue
        evaluation_services.score_save(actor=user, assignment=assignment, scores=scores, comment="意见", submit=True)
        if user.username == "expert1":
            waiting["scored"] = assignment.pk
    evaluation_services.selection_quota(actor=city_officer, call=call, category=category, quota=1)
    publicity = publicity_services.publish(
        actor=city_officer,
        call=call,
        category=category,
        supervision_phone="0514-87000000",
        supervision_contact="王科长",
    )
    objection = publicity_services.lodge_objection(
        publicity=publicity,
        application_id=apps["demo_gl_jinding"].pk,
        name="李明",
        mobile="13912345678",
        grounds="该企业申报的设备于 2016 年已投入使用，请核查发票日期。",
    )
    draft = Application.objects.get(enterprise__users__username="demo_enterprise", call__code="yz2018-demo")
    submitted = Application.objects.get(enterprise__users__username="demo_hj_jinggong", call__code="yz2018-demo")
    return {
        "call": call.pk,
        "notice": Notice.objects.order_by("pk").first().pk,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "digest": submitted.snapshots.order_by("-pk").first().digest,
        "jinding": apps["demo_gl_jinding"].pk,
        "forwarded": forwarded.pk,
        "batch": Batch.objects.order_by("pk").first().pk,
        "publicity": publicity.pk,
        "objection": objection.token,
        "expert": Expert.objects.get(user__username="expert2").pk,
        "category": category.code,
        **waiting,
    }


def pages(s):
    """Each role's main pages (None: anonymous)."""
    return {
        None: [
            "/",
            "/notices/",
            f"/notices/{s['notice']}/",
            "/calls/",
            f"/calls/{s['call']}/",
            "/enterprise/self-check/",
            "/enterprise/register/",
            "/accounts/login/",
            "/verify/",
            f"/verify/{s['digest']}",
            "/seals/verify/",
            "/results/",
            f"/publicity/{s['publicity']}/",
            f"/publicity/objections/{s['objection']}/",
        ],
        "demo_enterprise": [
            "/enterprise/",
            "/enterprise/profile/",
            "/applications/",
            f"/applications/{s['draft']}/",
            f"/applications/{s['draft']}/materials/",
            "/inbox/",
            "/accounts/password/",
        ],
        "demo_gl_jinding": [f"/applications/{s['jinding']}/"],
        "hanjiang_industry": [
            "/accounts/workspace/county/",
            "/review/",
            "/review/outreach/",
            f"/review/applications/{s['submitted']}/",
            "/review/batches/new/",
            "/accounts/two-factor/",
        ],
        "hanjiang_finance": [f"/review/applications/{s['submitted']}/"],
        "city_officer": [
            "/accounts/workspace/city/",
            "/review/city/",
            "/review/batches/",
            f"/review/batches/{s['batch']}/",
            f"/review/applications/{s['forwarded']}/",
            f"/evaluation/calls/{s['call']}/",
            f"/evaluation/calls/{s['call']}/settings/",
            "/evaluation/experts/",
            "/evaluation/experts/add/",
            f"/evaluation/experts/{s['expert']}/",
            f"/publicity/calls/{s['call']}/",
            f"/designations/calls/{s['call']}/{s['category']}/",
            "/reports/",
            "/applications/",
            f"/applications/{s['jinding']}/",
            f"/calls/{s['call']}/copy/",
            f"/calls/{s['call']}/edit/",
            "/notices/new/",
            f"/notices/{s['notice']}/edit/",
        ],
        "expert1": [
            "/accounts/workspace/expert/",
            "/evaluation/",
            f"/evaluation/assignments/{s['declaration']}/",
            f"/evaluation/assignments/{s['score']}/",
            f"/evaluation/assignments/{s['scored']}/",
        ],
        # Django's admin: its index and a list pass; its change forms' own widgets (split date and time, the
        # two-box selector) do not, and are Django's markup, not ours.
        "admin": ["/accounts/workspace/admin/", "/admin/", "/admin/accounts/user/"],
    }


def _violations(page, where):
    found = []
    for v in page.evaluate(RUN_AXE, WCAG_AA):
        targets = "; ".join(f"{n['target']} ({n['summary']})" for n in v["nodes"][:5])
        more = f" … and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else ""
        found.append(f"{where}: {v['id']} [{v['impact']}] {v['help']}: {targets}{more}")
    return found


def _visit(page, path, language):
    response = page.goto(page.base_url + path)
    assert response.ok, f"{path} ({language}): {response.status}"
    return _violations(page, f"{path} ({language})")


def _self_check_result(page, language):
    """The public self-check with its verdict shown (htmx swaps the result in)."""
    page.goto(page.base_url + "/enterprise/self-check/")
    page.check("input[name=category][value=demonstration]")
    page.fill("#id_reference_date", "2019-05-15")
    page.select_option("#id_registered_region", "321003")
    page.select_option("#id_tax_region", "321003")
    page.fill("#id_established_on", "2015-05-16")
    page.select_option("#id_industry", "industry")
    page.fill("#id_employees", "80")
    page.fill("#id_revenue_yuan", "26000000")
    page.fill("#id_assets_yuan", "1000000")
    page.fill("#id_investment_yuan", "500000")
    page.check("input[name=areas][value=production_control]")
    page.click("#selfcheck-form button[type=submit]")
    page.locator("#selfcheck-result .verdict").wait_for()
    return _violations(page, f"/enterprise/self-check/ with a result ({language})")


def _refused_registration(page, language):
    """The registration form sent empty: every error shown at its field."""
    page.goto(page.base_url + "/enterprise/register/")
    page.click("#register-form button[type=submit]")
    page.locator("#register-form .error").first.wait_for()
    return _violations(page, f"/enterprise/register/ with errors ({language})")


def _code_step(page, username):
    """The staff login's second step, the page between the password and the workspace."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/accounts/login/code/**")
    return _violations(page, "/accounts/login/code/ (zh-hans)")


def test_every_main_page_has_no_wcag_21_aa_violation_in_both_languages(browser, live_server, stages):
    assert AXE.exists(), f"{AXE} is missing: npm ci (make setup-dev) installs axe-core"
    problems = []
    for role, paths in pages(stages).items():
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        context.set_default_timeout(15000)
        # Axe comes with every document as an init script, which the page's Content-Security-Policy does not
        # govern: the policy stays on while the pages are checked.
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.base_url = live_server.url
        if role == "city_officer":
            problems += _code_step(page, role)
            context.clear_cookies()
        if role:
            login(page, role, PASSWORD)
        for language in LANGUAGES:
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for path in paths:
                problems += _visit(page, path, language)
            if role is None:
                problems += _self_check_result(page, language) + _refused_registration(page, language)
        context.close()
    assert not problems, f"{len(problems)} accessibility violations:\n" + "\n".join(problems)
