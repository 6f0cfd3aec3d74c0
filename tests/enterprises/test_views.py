import re

import pytest
from django.urls import reverse

from accounts.models import Organisation, User
from enterprises.demo import load as load_enterprise_demo
from enterprises.models import EnterpriseProfile, EnterpriseProfileVersion
from enterprises.services import profile_save
from enterprises.sizeclass import INDUSTRY_LABELS
from tests.factories import CallFactory

VALID = "91321003MA1MDM1A2R"
OTHER_VALID = "91321002MA1GL0Y2XW"


def form_data(**overrides):
    data = {
        "uscc": VALID,
        "name": "扬州测试机械有限公司",
        "legal_representative": "张三",
        "contact_person": "李四",
        "mobile": "13800000001",
        "email": "a@example.com",
        "registered_region": "321003",
        "tax_region": "321003",
        "established_on": "2012-03-01",
        "independent_legal_person": "on",
        "industry": "industry",
        "employees": "85",
        "revenue_yuan": "26000000",
        "assets_yuan": "10000000",
        "decl_sound_management": "on",
        "decl_good_credit": "on",
        "decl_no_illegal_record": "on",
        "password1": "Qiye-mima-2018!",
        "password2": "Qiye-mima-2018!",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_registration_creates_org_user_profile_and_logs_in(client):
    response = client.post(reverse("enterprises:register"), form_data(uscc="91321003ma1mdm1a2r"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("enterprises:dashboard")
    profile = EnterpriseProfile.objects.get(uscc=VALID)
    user = User.objects.get(username=VALID)
    assert user.role == User.Role.ENTERPRISE and user.organisation == profile.organisation
    assert profile.organisation.kind == Organisation.Kind.ENTERPRISE and profile.organisation.region_id == "321003"
    assert profile.declaration("sound_management").by == user
    assert profile.declaration("sound_management").wording == "本企业具备健全的组织机构、管理制度和独立的财务核算制度。"
    assert EnterpriseProfileVersion.objects.filter(profile=profile, version=1).exists()
    dashboard = client.get(reverse("enterprises:dashboard"))
    assert dashboard.status_code == 200
    assert "扬州测试机械有限公司" in dashboard.content.decode()


@pytest.mark.django_db
def test_registration_refuses_bad_check_character(client):
    response = client.post(reverse("enterprises:register"), form_data(uscc="91321003MA1MDM1A2A"))
    assert response.status_code == 200
    assert "校验位" in response.content.decode()
    assert not EnterpriseProfile.objects.exists()


@pytest.mark.django_db
def test_registration_refuses_duplicate_code_and_names_contact(client, cast):
    profile_save(
        organisation=cast.enterprise_a.organisation,
        data={k: v for k, v in form_data().items() if k not in ("uscc", "password1", "password2")}
        | {"established_on": "2012-03-01", "independent_legal_person": True},
        declarations={},
        actor=cast.enterprise_a,
        uscc=VALID,
    )
    response = client.post(reverse("enterprises:register"), form_data(mobile="13800000002"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "已经注册" in text and "邗江区工信局" in text
    assert "扬州测试机械有限公司" not in text.replace('value="扬州测试机械有限公司"', "")  # only what was typed
    assert EnterpriseProfile.objects.count() == 1


@pytest.mark.django_db
def test_registration_reports_field_errors_in_chinese(client):
    response = client.post(
        reverse("enterprises:register"), form_data(mobile="12345", employees="-3", revenue_yuan="abc", password2="x")
    )
    text = response.content.decode()
    assert "手机号码" in text and "从业人员（人）不得为负数" in text and "上年营业收入（元）请填写数字" in text
    assert "两次输入的密码不一致" in text


@pytest.mark.django_db
def test_profile_edit_keeps_history_and_declaration_times(client, cast):
    client.force_login(cast.enterprise_a)
    url = reverse("enterprises:profile")
    data = form_data()
    data.pop("password1"), data.pop("password2")
    assert client.post(url, data).status_code == 302
    profile = EnterpriseProfile.objects.get(organisation=cast.enterprise_a.organisation)
    ticked_at = profile.declaration("good_credit").at
    data.pop("uscc")
    data["employees"] = "90"
    data.pop("decl_no_illegal_record")
    assert client.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert profile.version == 2 and profile.employees == 90
    versions = list(profile.versions.order_by("version"))
    assert [v.data["employees"] for v in versions] == [85, 90]
    assert versions[0].data["declarations"]["no_illegal_record"]["accepted"] is True
    assert versions[1].data["declarations"]["no_illegal_record"]["accepted"] is False
    assert profile.declaration("good_credit").at == ticked_at  # unchanged declaration keeps its time
    page = client.get(url).content.decode()
    assert VALID in page and "修改记录" in page


@pytest.mark.django_db
def test_profile_pages_are_for_enterprises_only(client, cast):
    url = reverse("enterprises:profile")
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(cast.hanjiang_industry)
    assert client.get(url).status_code == 403
    assert client.get(reverse("enterprises:dashboard")).status_code == 403


@pytest.mark.django_db
def test_self_check_is_public_and_shows_every_rule(client):
    url = reverse("enterprises:self_check")
    assert client.get(url).status_code == 200
    data = {
        "category": "demonstration",
        "reference_date": "2019-05-15",
        "registered_region": "321003",
        "tax_region": "outside",
        "tax_region_other": "320102",
        "independent_legal_person": "on",
        "established_on": "2018-05-16",
        "industry": "industry",
        "employees": "85",
        "revenue_yuan": "26000000",
        "assets_yuan": "1",
        "sound_management": "on",
        "good_credit": "on",
        "no_illegal_record": "on",
        "investment_yuan": "500000",
        "areas": ["sales_operations"],
        "online_sales_percent": "50",
    }
    text = client.post(url, data).content.decode()
    assert 'data-eligible="false"' in text
    assert 'data-code="tax_region" data-passed="false"' in text
    assert 'data-code="operating_years" data-passed="false"' in text
    assert 'data-code="investment" data-passed="false"' in text
    assert 'data-code="areas" data-passed="true"' in text
    assert 'data-size-class="small"' in text
    data.update(tax_region="321003", established_on="2018-05-15", investment_yuan="500000.01")
    text = client.post(url, data).content.decode()
    assert 'data-eligible="true"' in text
    htmx = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert htmx.startswith('<div id="selfcheck-result"') and "<html" not in htmx


@pytest.mark.django_db
def test_self_check_is_prefilled_for_logged_in_enterprise(client, cast):
    profile_save(
        organisation=cast.enterprise_a.organisation,
        data={"name": "甲", "legal_representative": "甲", "contact_person": "甲", "mobile": "13800000009",
              "registered_region": "321003", "tax_region": "321003", "established_on": "2010-01-01",
              "independent_legal_person": True, "industry": "retail", "employees": 42, "revenue_yuan": "3000000",
              "assets_yuan": "100"},
        declarations={},
        actor=cast.enterprise_a,
        uscc=VALID,
    )  # fmt: skip
    client.force_login(cast.enterprise_a)
    text = client.get(reverse("enterprises:self_check")).content.decode()
    assert 'value="42"' in text and 'value="retail" selected' in text


@pytest.mark.django_db
def test_demo_dashboards_show_eligibility(client):
    from accounts import demo as accounts_demo

    accounts_demo.load()
    CallFactory()
    load_enterprise_demo()
    load_enterprise_demo()  # idempotent
    assert EnterpriseProfile.objects.count() == 2
    for username in ("demo_enterprise", "demo_enterprise2"):
        client.force_login(User.objects.get(username=username))
        text = client.get(reverse("enterprises:dashboard")).content.decode()
        assert text.count('data-basic-ok="true"') == 2, username
        assert "申报书尚未填写" in text
    client.force_login(User.objects.get(username="demo_newcomer"))
    text = client.get(reverse("enterprises:dashboard")).content.decode()
    assert "完善企业信息" in text


@pytest.mark.django_db
@pytest.mark.parametrize("calls", [1, 3])
def test_dashboard_query_count_does_not_grow_with_calls(client, cast, calls, django_assert_max_num_queries):
    profile_save(
        organisation=cast.enterprise_a.organisation,
        data={"name": "甲", "legal_representative": "甲", "contact_person": "甲", "mobile": "13800000009",
              "registered_region": "321003", "tax_region": "321003", "established_on": "2010-01-01",
              "independent_legal_person": True, "industry": "retail", "employees": 42, "revenue_yuan": "3000000",
              "assets_yuan": "100"},
        declarations={},
        actor=cast.enterprise_a,
        uscc=VALID,
    )  # fmt: skip
    for _ in range(calls):
        CallFactory()
    client.force_login(cast.enterprise_a)
    with django_assert_max_num_queries(15):  # 15th: the header's unread-message count
        response = client.get(reverse("enterprises:dashboard"))
    assert response.content.decode().count("eligibility-row") == 2 * calls


@pytest.mark.django_db
def test_dashboard_judges_category_rules_on_the_application(client, cast):
    from applications.services import application_create

    profile_save(
        organisation=cast.enterprise_a.organisation,
        data={"name": "甲", "legal_representative": "甲", "contact_person": "甲", "mobile": "13800000009",
              "registered_region": "321003", "tax_region": "321003", "established_on": "2010-01-01",
              "independent_legal_person": True, "industry": "retail", "employees": 42, "revenue_yuan": "3000000",
              "assets_yuan": "100"},
        declarations={"sound_management": True, "good_credit": True, "no_illegal_record": True},
        actor=cast.enterprise_a,
        uscc=VALID,
    )  # fmt: skip
    call = CallFactory()
    application_create(call=call, category=call.categories.get(code="demonstration"), actor=cast.enterprise_a)
    client.force_login(cast.enterprise_a)
    text = client.get(reverse("enterprises:dashboard")).content.decode()
    demonstration, new_product = text.split('data-category="demonstration"')[1].split('data-category="new_product"')
    assert "类别条件按本单位的申报书判断" in demonstration and "申报书尚未填写" not in demonstration
    assert "近两年持续投入总额0.00 元" in demonstration
    assert "申报书尚未填写" in new_product


def test_self_check_comparison_rows_name_their_units(client, db):
    html = client.get(reverse("enterprises:self_check")).content.decode()
    for heading in [
        "运营成本（元/件）",
        "产品研制周期（天）",
        "产品不良品率（%）",
        "生产效率（件/小时）",
        "能源利用率（%）",
    ]:
        assert f'<th scope="row">{heading}' in html, heading
    assert "运营成本：传统产品</th>" not in html


OUTSIDE_CODE = "91110000600037341L"  # valid, issued in Beijing (110000)


@pytest.mark.django_db
def test_duplicate_code_with_another_name_does_not_tell_who_holds_it(client, cast):
    data = {k: v for k, v in form_data().items() if k not in ("uscc", "password1", "password2")}
    profile_save(
        organisation=cast.enterprise_a.organisation,
        data=data | {"established_on": "2012-03-01", "independent_legal_person": True},
        declarations={},
        actor=cast.enterprise_a,
        uscc=VALID,
    )
    response = client.post(reverse("enterprises:register"), form_data(name="冒名公司", mobile="13800000002"))
    text = response.content.decode()
    assert response.status_code == 200 and "已经注册" in text and "邗江区工信局" in text
    assert "扬州测试机械有限公司" not in text


@pytest.mark.django_db
def test_code_issued_outside_yangzhou_gives_a_hint_on_registration_and_profile(client):
    # A re-rendered form (another field wrong) shows it beside the form…
    response = client.post(reverse("enterprises:register"), form_data(uscc=OUTSIDE_CODE, password2="x"))
    assert 'id="uscc-hint"' in response.content.decode() and "110000" in response.content.decode()
    # …and it does not block: the registration goes through, the dashboard and the profile page say it.
    response = client.post(reverse("enterprises:register"), form_data(uscc=OUTSIDE_CODE), follow=True)
    assert response.redirect_chain[-1][0] == reverse("enterprises:dashboard")
    assert EnterpriseProfile.objects.filter(uscc=OUTSIDE_CODE).exists()
    assert "不在扬州市（3210xx）" in response.content.decode()
    profile_page = client.get(reverse("enterprises:profile")).content.decode()
    assert 'id="uscc-hint"' in profile_page and "请确认注册地和纳税地" in profile_page


@pytest.mark.django_db
def test_yangzhou_code_gives_no_hint(client):
    response = client.post(reverse("enterprises:register"), form_data(password2="x"))
    assert 'id="uscc-hint"' not in response.content.decode()
    response = client.post(reverse("enterprises:register"), form_data(), follow=True)
    assert "3210xx" not in response.content.decode()
    assert 'id="uscc-hint"' not in client.get(reverse("enterprises:profile")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["enterprises:register", "enterprises:self_check", "enterprises:profile"])
def test_each_industry_is_offered_once(client, cast, page):
    if page == "enterprises:profile":
        client.force_login(cast.enterprise_a)
    text = client.get(reverse(page)).content.decode()
    select = re.search(r'<select name="industry".*?</select>', text, flags=re.S).group(0)
    values = re.findall(r'<option value="([^"]+)"', select)
    assert values == sorted(set(values), key=values.index) and set(values) == set(INDUSTRY_LABELS)
    assert select.count("工业（采矿业") == 1
    assert 'label="B/C/D 采矿业、制造业、电力、热力、燃气及水生产和供应业"' in select
