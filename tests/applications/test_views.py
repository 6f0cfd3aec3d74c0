import pytest
from django.urls import reverse

from applications.models import Application
from tests.applications.core_helpers import complete, draft, make_call, make_profile

pytestmark = pytest.mark.django_db


def test_start_creates_a_draft_and_redirects(client, cast):
    call = make_call()
    client.force_login(cast.enterprise_a)
    response = client.post(reverse("applications:start", args=[call.id, "demonstration"]))
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == reverse("applications:detail", args=[application.pk])
    # a second start goes to the same draft
    again = client.post(reverse("applications:start", args=[call.id, "demonstration"]))
    assert again.url == response.url and Application.objects.count() == 1


def test_form_page_renders_every_section(client, cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    client.force_login(cast.enterprise_a)
    response = client.get(reverse("applications:detail", args=[application.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["企业基本情况", "申报方向与成效", "近两年投入清单", "关键生产管理软件", "线上交易情况", "企业“互联网+”情况总结",
                 'name="investments.0.amount_yuan"', 'name="sales.1.online_yuan"', "资格实时自查", "承诺书", 'id="save-status"']:  # fmt: skip
        assert text in html, text


def test_new_product_form_has_comparison_with_targets(client, cast):
    call = make_call()
    application = draft(cast.enterprise_a, call, "new_product")
    client.force_login(cast.enterprise_a)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'name="comparison.defect_rate.traditional"' in html
    assert "降低 10.0%" in html and "提升 4.0%" in html
    assert 'name="ip.0.patent_no"' in html


def test_other_enterprise_gets_404(client, cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    client.force_login(cast.enterprise_b)
    for name in ["detail", "pdf", "panel"]:
        assert client.get(reverse(f"applications:{name}", args=[application.pk])).status_code == 404
    assert client.post(reverse("applications:autosave", args=[application.pk]), {"version": 1}).status_code == 404
    assert client.post(reverse("applications:withdraw", args=[application.pk])).status_code == 404


def test_anonymous_is_sent_to_login_with_next(client, cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    url = reverse("applications:detail", args=[application.pk])
    response = client.get(url)
    assert response.status_code == 302 and f"next={url}" in response.url
    autosave = client.post(reverse("applications:autosave", args=[application.pk]), {"version": 1})
    assert autosave.status_code == 401 and "登录已超时" in autosave.json()["errors"][0]["message"]


def test_autosave_saves_and_returns_panel(client, cast):
    call = make_call()
    make_profile(cast.enterprise_a)
    application = draft(cast.enterprise_a, call)
    client.force_login(cast.enterprise_a)
    url = reverse("applications:autosave", args=[application.pk])
    post = {
        "version": "1",
        "investments.0.date": "2018-03-01",
        "investments.0.content": "MES",
        "investments.0.kind": "software",
        "investments.0.area": "production_control",
        "investments.0.supplier": "甲",
        "investments.0.amount_yuan": "600000",
        "investments.0.invoice_no": "N1",
        "investments.1.amount_yuan": "",
        "sales.0.year": "2017",
        "sales.0.online_yuan": "abc",
    }
    response = client.post(url, post)
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["version"] == 2
    assert [e["field"] for e in body["errors"]] == ["sales.0.online_yuan"]
    assert "600,000.00 元" in body["panel_html"]
    application.refresh_from_db()
    assert len(application.data["investments"]) == 1  # the blank row is dropped
    assert application.data["sales"][0]["online_yuan"] == "abc"  # kept as typed
    stale = client.post(url, post)
    assert stale.status_code == 409 and "已被同单位其他人修改" in stale.json()["errors"][0]["message"]


def test_plain_form_submit_shows_everything_missing(client, cast):
    call = make_call()
    make_profile(cast.enterprise_a)
    application = draft(cast.enterprise_a, call)
    client.force_login(cast.enterprise_a)
    url = reverse("applications:detail", args=[application.pk])
    response = client.post(url, {"version": "1", "action": "submit", "summary": "总结"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "还不能提交" in html and "承诺书" in html and "申报方向" in html
    application.refresh_from_db()
    assert application.data["summary"] == "总结" and application.status == "draft"


def test_plain_form_submit_then_read_only_and_withdraw(client, cast):
    call = make_call()
    application = complete(cast.enterprise_a, call)
    client.force_login(cast.enterprise_a)
    url = reverse("applications:detail", args=[application.pk])
    page = client.get(url)
    assert page.context["panel"]["eligibility"]["eligible"] is True
    from applications.forms import definition_for_application
    from tests.applications.core_helpers import as_post

    post = as_post(definition_for_application(application), application.data)
    post.update({"version": str(application.version), "action": "submit", "declaration": "on"})
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.status == "submitted" and application.receipt_no
    page = client.get(url).content.decode()
    assert application.receipt_no in page and 'id="app-form"' not in page and "撤回申报" in page
    client.post(reverse("applications:withdraw", args=[application.pk]), {"confirm": "yes"})
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_list_and_dashboard_partial(client, cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    client.force_login(cast.enterprise_a)
    html = client.get(reverse("applications:list")).content.decode()
    assert f'data-application="{application.pk}"' in html
    assert 'data-start="new_product"' in html  # the other category can be started
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = cast.enterprise_a
    rendered = Template('{% include "applications/_enterprise_dashboard.html" %}').render(Context({"request": request}))
    assert "我的申报" in rendered and f'data-application="{application.pk}"' in rendered


def test_pdf_link_only_while_the_submission_stands(client, cast):
    from applications import services

    call = make_call()
    application = services.application_submit(
        application=complete(cast.enterprise_a, call), actor=cast.enterprise_a, declaration=True
    )
    client.force_login(cast.enterprise_a)
    url = reverse("applications:detail", args=[application.pk])
    assert 'id="download-pdf"' in client.get(url).content.decode()
    services.application_withdraw(application=application, actor=cast.enterprise_a)
    assert 'id="download-pdf"' not in client.get(url).content.decode()
    response = client.get(reverse("applications:pdf", args=[application.pk]))
    assert response.status_code == 404


def test_submitted_page_shows_the_frozen_profile(client, cast):
    from applications import services
    from enterprises.models import EnterpriseProfile

    call = make_call()
    application = services.application_submit(
        application=complete(cast.enterprise_a, call), actor=cast.enterprise_a, declaration=True
    )
    EnterpriseProfile.objects.filter(organisation=cast.enterprise_a.organisation).update(legal_representative="改名后")
    client.force_login(cast.hanjiang_industry)
    page = client.get(reverse("applications:detail", args=[application.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "张三" in html and "改名后" not in html
    assert page.context["panel"]["eligibility"]["eligible"] is True
    assert 'id="app-form"' not in html


def test_english_page_has_no_chinese_punctuation_around_its_labels(client, cast):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    client.force_login(cast.enterprise_a)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert " (Beijing time)" in html and "（Beijing time）" not in html
    assert "Deadline：" not in html
