"""The review detail page: who reads it, the opinion and city forms, inline materials, the diff API, and what
the enterprise reads of its review on its own page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services as application_services
from applications.demo import tiny_pdf
from applications.materials.services import attach_material
from applications.models import Application, Material
from audit.models import Event
from reviews import services
from reviews.models import CityCheck, CountyOpinion
from tests.reviews.helpers import CHECKLIST, approve, recommended, submitted

pytestmark = pytest.mark.django_db
S = Application.Status


def _url(application, name="reviews:detail"):
    return reverse(name, args=[application.pk])


def _login(client, user):
    client.force_login(user)
    return client


def _returned(cast, comment="发票复印件不清晰，请重新上传"):
    application = submitted(cast)
    services.opinion_give(application=application, actor=cast.hanjiang_finance, decision="return", comment=comment)
    application.refresh_from_db()
    return application


def _upload(application, user, code, name, content):
    item = application.category.material_items.get(code=code)
    upload = SimpleUploadedFile(name, tiny_pdf(content, [content]), content_type="application/pdf")
    return attach_material(application=application, item=item, uploaded_file=upload, actor=user)


def _resubmitted(cast):
    """Returned, then the enterprise changes the summary, replaces the licence (one file), adds a second audit
    report (several allowed), and resubmits."""
    application = _returned(cast)
    data = {**application.data, "summary": "修改后的总结：已补充发票。"}
    application, _errors = application_services.application_save_draft(
        application=application, data=data, version=application.version, actor=cast.enterprise_a
    )
    _upload(application, cast.enterprise_a, "business_licence", "营业执照（更正）.pdf", "licence v2")
    _upload(application, cast.enterprise_a, "audit_report", "审计报告（补充）.pdf", "audit v2")
    services.take_action(application=application, action="resubmit", actor=cast.enterprise_a)
    application.refresh_from_db()
    return application


# Who reads the page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["hanjiang_industry", "hanjiang_finance", "city_officer", "admin"])
def test_staff_of_the_unit_the_city_and_admins_read_the_submission(client, cast, who):
    application = submitted(cast)
    response = _login(client, getattr(cast, who)).get(_url(application))
    assert response.status_code == 200
    html = response.content.decode()
    assert application.receipt_no in html
    assert "甲企业（邗江）有限公司" in html
    assert "提交时的资格判断" in html
    assert 'data-figure="investment_total_yuan"' in html
    assert "企业划型" in html and "资格实时自查" not in html  # the applicant's panel, frozen, with the size class
    assert 'id="section-investments"' in html  # every section of the frozen form
    assert "查看" in html and "下载" in html
    assert 'id="section-flags"' in html  # the automatic flags (applications.flags)


@pytest.mark.parametrize("who", ["guangling_industry", "guangling_finance", "expert", "enterprise_b"])
def test_other_unit_expert_and_other_enterprise_get_404(client, cast, who):
    application = submitted(cast)
    assert _login(client, getattr(cast, who)).get(_url(application)).status_code == 404


def test_the_enterprise_is_sent_to_its_own_page(client, cast):
    application = submitted(cast)
    response = _login(client, cast.enterprise_a).get(_url(application))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[application.pk])


def test_a_credit_code_issued_outside_yangzhou_is_hinted_to_the_reviewer(client, cast):
    from enterprises.models import Declaration
    from enterprises.services import profile_save
    from tests.applications.core_helpers import make_profile, valid_uscc

    profile = make_profile(cast.enterprise_b)  # only for the field values; 甲's profile gets a Beijing code
    data = {f: getattr(profile, f) for f in ("legal_representative", "contact_person", "mobile", "email")}
    data.update(
        name=cast.enterprise_a.organisation.name,
        registered_region="321003",
        tax_region="321003",
        established_on=profile.established_on,
        independent_legal_person=True,
        industry="industry",
        employees=80,
        revenue_yuan=profile.revenue_yuan,
        assets_yuan=profile.assets_yuan,
    )
    profile_save(
        organisation=cast.enterprise_a.organisation,
        data=data,
        declarations={k: True for k in Declaration.Kind.values},
        actor=cast.enterprise_a,
        uscc=valid_uscc("110105"),
    )
    application = submitted(cast)
    html = _login(client, cast.hanjiang_industry).get(_url(application)).content.decode()
    assert 'id="uscc-hint"' in html and "110105" in html


def test_an_administrator_on_a_draft_reads_that_nothing_was_submitted(client, cast):
    from tests.applications.core_helpers import complete, make_call

    application = complete(cast.enterprise_a, make_call())
    response = _login(client, cast.admin).get(_url(application))
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未提交，没有可审核的内容。" in html and 'name="decision"' not in html


def test_the_page_in_english(client, cast, settings):
    application = _resubmitted(cast)
    _login(client, cast.hanjiang_finance).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(_url(application))
    assert response.status_code == 200 and 'lang="en"' in response.content.decode()


def test_anonymous_is_sent_to_login(client, cast):
    application = submitted(cast)
    response = client.get(_url(application))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_shows_what_was_submitted_not_the_later_draft(client, cast):
    application = _returned(cast)
    data = {**application.data, "summary": "退回后尚未提交的草稿文字"}
    application_services.application_save_draft(
        application=application, data=data, version=application.version, actor=cast.enterprise_a
    )
    html = _login(client, cast.hanjiang_industry).get(_url(application)).content.decode()
    assert "退回后尚未提交的草稿文字" not in html


def test_only_the_buttons_the_workflow_offers(client, cast):
    application = submitted(cast)
    html = _login(client, cast.hanjiang_industry).get(_url(application)).content.decode()
    assert 'value="approve"' in html and 'value="return"' in html and 'value="not_recommend"' in html
    assert 'value="areas"' in html and 'value="invoices"' not in html  # the industry bureau's checklist
    assert "data-confirm-text=" in html  # 不予推荐 asks first
    city_html = _login(client, cast.city_officer).get(_url(application)).content.decode()
    assert 'name="decision"' not in city_html  # nothing for the city before the county forwarded it


# The opinion form ----------------------------------------------------------------------------------------------


def test_approve_with_the_checklist(client, cast):
    application = submitted(cast)
    response = _login(client, cast.hanjiang_finance).post(
        _url(application, "reviews:opinion"), {"decision": "approve", "checklist": CHECKLIST["finance"]}
    )
    assert response.status_code == 302 and response["Location"] == _url(application)
    opinion = CountyOpinion.objects.get(application=application)
    assert (opinion.bureau, opinion.decision, opinion.checklist) == ("finance", "approve", CHECKLIST["finance"])
    application.refresh_from_db()
    assert application.status == S.COUNTY_REVIEW
    html = client.get(_url(application)).content.decode()
    assert "投入清单与申报金额一致" in html  # the checklist item's label in the opinions table
    assert 'name="decision"' not in html  # this bureau has given its opinion for the round


def test_return_without_a_reason_shows_the_error_and_keeps_what_was_typed(client, cast):
    application = submitted(cast)
    response = _login(client, cast.hanjiang_industry).post(
        _url(application, "reviews:opinion"), {"decision": "return", "comment": "  ", "checklist": ["areas"]}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写“退回修改”的理由。" in html
    assert re.search(r'value="areas"[^>]*checked', html)  # the ticked box stays ticked
    assert not CountyOpinion.objects.exists()
    # A reason that is too long is refused the same way, with the text kept in the box.
    long_text = "理由" * 1001
    response = client.post(_url(application, "reviews:opinion"), {"decision": "return", "comment": long_text})
    assert response.status_code == 422 and long_text in response.content.decode()


def test_return_with_a_reason(client, cast):
    application = submitted(cast)
    response = _login(client, cast.hanjiang_industry).post(
        _url(application, "reviews:opinion"), {"decision": "return", "comment": "缺少软件合同"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.RETURNED


def test_not_recommend_is_confirmed_first_without_javascript(client, cast):
    application = submitted(cast)
    post = {"decision": "not_recommend", "comment": "不属于小微企业", "checklist": ["eligibility"]}
    response = _login(client, cast.hanjiang_industry).post(_url(application, "reviews:opinion"), post)
    assert response.status_code == 200 and 'id="confirm-button"' in response.content.decode()
    assert "不属于小微企业" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    back = client.post(_url(application, "reviews:opinion"), {**post, "confirm": "no"})
    assert back.status_code == 200 and "不属于小微企业" in back.content.decode()
    response = client.post(_url(application, "reviews:opinion"), {**post, "confirm": "yes"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.NOT_RECOMMENDED


def test_a_second_opinion_of_the_same_bureau_is_a_409_shown_on_the_page(client, cast):
    application = submitted(cast)
    approve(application, cast.hanjiang_industry, "industry")  # a colleague acted meanwhile
    response = _login(client, cast.hanjiang_industry).post(
        _url(application, "reviews:opinion"), {"decision": "approve", "checklist": ["areas"]}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "本部门已对这一版本给出审核意见。" in html
    assert 'data-status="county_review"' in html  # the page as it is now
    assert CountyOpinion.objects.filter(application=application).count() == 1


def test_other_unit_and_the_enterprise_may_not_post_opinions(client, cast):
    application = submitted(cast)
    url = _url(application, "reviews:opinion")
    assert _login(client, cast.guangling_industry).post(url, {"decision": "approve"}).status_code == 404
    assert _login(client, cast.enterprise_a).post(url, {"decision": "approve"}).status_code == 403
    assert not CountyOpinion.objects.exists()


# The city's check ----------------------------------------------------------------------------------------------


def _forwarded(cast):
    application = recommended(cast)
    application_services.transition(application=application, action="forward", actor=cast.hanjiang_industry)
    return application


def test_city_sends_back_with_a_reason_after_confirming(client, cast):
    application = _forwarded(cast)
    _login(client, cast.city_officer)
    html = client.get(_url(application)).content.decode()
    assert 'value="send_back"' in html and 'value="to_experts"' in html
    url = _url(application, "reviews:city_check")
    missing = client.post(url, {"decision": "send_back", "comment": "", "confirm": "yes"})
    assert missing.status_code == 422 and "请填写“退回县区”的理由。" in missing.content.decode()
    response = client.post(url, {"decision": "send_back", "comment": "请复核投入清单", "confirm": "yes"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SENT_BACK
    assert CityCheck.objects.get(application=application).comment == "请复核投入清单"


def test_city_passes_to_experts(client, cast):
    application = _forwarded(cast)
    response = _login(client, cast.city_officer).post(
        _url(application, "reviews:city_check"), {"decision": "to_experts"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.EXPERT_REVIEW
    again = client.post(_url(application, "reviews:city_check"), {"decision": "to_experts"})
    assert again.status_code == 409


def test_county_may_not_take_the_citys_decision(client, cast):
    application = _forwarded(cast)
    response = _login(client, cast.hanjiang_industry).post(
        _url(application, "reviews:city_check"), {"decision": "to_experts"}
    )
    assert response.status_code == 403


# Materials shown in the browser --------------------------------------------------------------------------------


def test_a_submitted_pdf_is_shown_inline_and_audited_as_a_staff_download(client, cast):
    application = submitted(cast)
    material = Material.all_versions.filter(application=application, submitted=True).first()
    url = reverse("applications:material_view", args=[application.pk, material.pk])
    response = _login(client, cast.hanjiang_industry).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")  # no script of the file runs as this site
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = Event.objects.filter(action="material.download", object_id=str(material.pk)).get()
    assert event.actor_username == cast.hanjiang_industry.username and event.data["inline"] is True
    download = client.get(reverse("applications:material_download", args=[application.pk, material.pk]))
    assert download["Content-Disposition"].startswith("attachment")


def test_inline_view_has_the_downloads_permission(client, cast):
    application = submitted(cast)
    material = Material.all_versions.filter(application=application, submitted=True).first()
    url = reverse("applications:material_view", args=[application.pk, material.pk])
    assert _login(client, cast.guangling_finance).get(url).status_code == 404
    assert _login(client, cast.expert).get(url).status_code == 404
    assert not Event.objects.filter(action="material.download").exists()


# Diff: page and API --------------------------------------------------------------------------------------------


def test_after_a_resubmission_the_page_shows_what_changed(client, cast):
    application = _resubmitted(cast)
    html = _login(client, cast.hanjiang_finance).get(_url(application)).content.decode()
    assert 'id="diff"' in html
    assert "修改后的总结：已补充发票。" in html
    assert 'data-change="replaced"' in html and "营业执照（更正）.pdf" in html
    assert 'data-change="added"' in html and "审计报告（补充）.pdf" in html


def test_any_two_versions_can_be_compared_on_the_page(client, cast):
    application = _resubmitted(cast)
    html = _login(client, cast.hanjiang_finance).get(_url(application) + "?from=2&to=1").content.decode()
    assert "第 2 版与第 1 版的差异" in html
    missing = client.get(_url(application) + "?from=1&to=9").content.decode()
    assert "没有第 9 版提交。" in missing


def test_diff_api(client, cast, api_token):
    application = _resubmitted(cast)
    url = f"/api/v1/applications/{application.pk}/diff?from=1&to=2"
    body = client.get(url, **api_token(cast.hanjiang_industry)).json()
    assert body["from"] == 1 and body["to"] == 2
    summary = next(f for f in body["fields"] if f["path"] == "summary")
    assert summary["after"] == "修改后的总结：已补充发票。" and summary["label"]
    changes = {m["item"]: m for m in body["materials"]}
    assert set(changes) == {"business_licence", "audit_report"}
    replaced, added = changes["business_licence"], changes["audit_report"]
    assert replaced["change"] == "replaced" and replaced["after_name"] == "营业执照（更正）.pdf"
    assert replaced["before_sha256"] and replaced["before_sha256"] != replaced["after_sha256"]
    assert (
        added["change"] == "added" and added["before_sha256"] is None and added["after_name"] == "审计报告（补充）.pdf"
    )
    # The enterprise compares its own versions; nobody else learns of the application; no version 9.
    assert client.get(url, **api_token(cast.enterprise_a)).status_code == 200
    assert client.get(url, **api_token(cast.guangling_industry)).status_code == 404
    assert client.get(url, **api_token(cast.expert)).status_code == 404
    missing = client.get(f"/api/v1/applications/{application.pk}/diff?from=1&to=9", **api_token(cast.city_officer))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "to"
    no_param = client.get(f"/api/v1/applications/{application.pk}/diff?from=1", **api_token(cast.city_officer))
    assert no_param.status_code == 422


# The enterprise's own page -------------------------------------------------------------------------------------


def test_the_enterprise_reads_the_reason_and_public_history_only(client, cast):
    application = _returned(cast, comment="发票复印件不清晰，请重新上传")
    html = _login(client, cast.enterprise_a).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="review-reason"' in html and "发票复印件不清晰，请重新上传" in html
    assert "企业提交申报" in html and "县区退回修改" in html
    for staff_only in (cast.hanjiang_finance.username, cast.hanjiang_finance.display_name, "县级财政审核员"):
        assert staff_only not in html
    assert reverse("reviews:detail", args=[application.pk]) not in html


def test_an_approvals_remark_is_not_shown_to_the_enterprise(client, cast):
    application = submitted(cast)
    services.opinion_give(
        application=application, actor=cast.hanjiang_industry, decision="approve", comment="内部备注：已电话核实"
    )
    html = _login(client, cast.enterprise_a).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "县区部门审核通过" in html
    assert "内部备注" not in html and 'id="review-reason"' not in html


def test_staff_on_the_application_page_get_a_link_to_the_review_page(client, cast):
    application = submitted(cast)
    html = _login(client, cast.hanjiang_industry).get(reverse("applications:detail", args=[application.pk])).content
    assert reverse("reviews:detail", args=[application.pk]).encode() in html


def test_the_staff_history_names_who_acted(client, cast):
    application = _returned(cast)
    html = _login(client, cast.city_officer).get(_url(application)).content.decode()
    assert cast.hanjiang_finance.username in html and "发票复印件不清晰" in html
