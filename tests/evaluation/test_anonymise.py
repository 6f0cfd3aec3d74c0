"""Anonymisation (evaluation/anonymise.py, pure): the short forms of a name, the secrets, the scrubbing of every
text value, the person fields of a form definition; then through HTTP, the expert's page and the API answer hold
no identity string anywhere."""

from __future__ import annotations

import json

import pytest

from applications.forms.definitions import Field, FormDefinition, Group, Section, Table
from evaluation.anonymise import (
    PLACEHOLDER,
    Identity,
    anonymise,
    is_person_field,
    name_forms,
    person_values,
    region_forms,
    scrub_text,
    secrets_of,
)

COUNTIES = ("广陵区", "邗江区", "江都区", "宝应县", "仪征市", "高邮市")

# ------------------------------------------------------------------------------------------------ pure


def test_region_forms_add_the_short_county_names_and_the_defaults():
    forms = region_forms(["邗江区", "扬州经济技术开发区", ""])
    assert {"邗江区", "邗江", "扬州经济技术开发区", "扬州市", "扬州", "江苏省", "江苏"} <= set(forms)
    assert "扬州经济技术开发" not in forms  # only a three-character unit has a short form
    assert forms == sorted(forms, key=len, reverse=True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "扬州广陵云联信息科技有限公司",
            {"扬州广陵云联信息科技有限公司", "扬州广陵云联信息科技", "云联信息科技有限公司", "云联信息科技", "云联"},
        ),
        (
            "扬州市明远电子股份有限公司",
            {"扬州市明远电子股份有限公司", "扬州市明远电子", "明远电子股份有限公司", "明远"},
        ),
        ("江苏华扬有限责任公司", {"江苏华扬有限责任公司", "江苏华扬", "华扬有限责任公司", "华扬"}),
        ("甲企业（邗江）有限公司", {"甲企业（邗江）有限公司", "甲企业（邗江）", "甲企业有限公司", "甲企业"}),
    ],
)
def test_name_forms_strip_the_organisation_form_the_region_and_the_industry(name, expected):
    assert expected <= name_forms(name, regions=COUNTIES)


def test_name_forms_never_give_a_bare_region_or_industry_word_or_one_character():
    forms = name_forms("扬州科技有限公司", regions=COUNTIES)
    assert "扬州" not in forms and "科技" not in forms and "有限公司" not in forms
    assert forms == {"扬州科技有限公司", "扬州科技", "科技有限公司"}
    assert name_forms("甲", regions=COUNTIES) == set()
    assert all(len(f) >= 2 for f in name_forms("扬州甲科技有限公司", regions=COUNTIES))


def test_secrets_are_longest_first_with_the_code_in_both_cases():
    identity = Identity(names=("扬州云联科技有限公司",), codes=("91321003MA1234567X",), people=("张三", "李"))
    secrets = secrets_of(identity)
    assert secrets == sorted(secrets, key=len, reverse=True)
    assert "91321003MA1234567X" in secrets and "91321003ma1234567x" in secrets
    assert "张三" in secrets and "李" not in secrets  # one character would blank every 李 of the text
    assert secrets.index("扬州云联科技有限公司") < secrets.index("云联")


def test_scrub_text_hides_secrets_mobiles_emails_and_the_given_phones():
    secrets = secrets_of(Identity(names=("扬州广陵云联信息科技有限公司",), people=("张三",), regions=COUNTIES))
    text = (
        "我公司（扬州广陵云联信息科技有限公司，简称云联）法定代表人张三，手机 138-0000-0000 或 +86 139 1234 5678，"
        "邮箱 zhang.san@yunlian.cn，电话 0514-8700 0000。"
    )
    out = scrub_text(text, secrets, numbers=["051487000000"])
    for leaked in ("云联", "张三", "138", "139", "yunlian", "@", "8700"):
        assert leaked not in out, leaked
    assert out.count(PLACEHOLDER) == 7 and out.startswith("我公司（※※※，简称※※※）法定代表人※※※")


def test_scrub_text_keeps_numbers_and_other_companies():
    secrets = secrets_of(Identity(names=("扬州云联科技有限公司",)))
    assert scrub_text("13800000000.00", secrets) == "13800000000.00"  # an amount, not a mobile
    assert scrub_text("供应商：扬州联创自动化有限公司", secrets) == "供应商：扬州联创自动化有限公司"
    assert scrub_text("No.32001711040", secrets) == "No.32001711040"  # twelve digits after the letters


def test_anonymise_walks_lists_and_dicts_and_leaves_other_values():
    identity = Identity(names=("扬州云联科技有限公司",), contacts=("13800000000", "li@yunlian.cn"))
    value = {"summary": "云联的做法", "rows": [{"owner": "扬州云联科技有限公司", "n": 3}], "ok": True, "none": None}
    assert anonymise(value, identity) == {
        "summary": f"{PLACEHOLDER}的做法",
        "rows": [{"owner": PLACEHOLDER, "n": 3}],
        "ok": True,
        "none": None,
    }


DEFINITION = FormDefinition(
    category_code="test",
    title="测试",
    sections=(
        Section(
            "s",
            "一",
            (
                Field("project_leader", "项目负责人"),
                Field("summary", "情况总结", "textarea"),
                Field("inventor_name", "Inventor"),
                Table("ip", "知识产权", (Field("title", "名称"), Field("owner", "权利人"))),
                Group("team", "团队", (Field("chief", "技术负责人姓名"), Field("size", "人数", "number"))),
            ),
        ),
    ),
)


def test_person_fields_by_key_or_chinese_label():
    assert is_person_field(Field("owner", "权利人")) and is_person_field(Field("x", "联系人"))
    assert is_person_field(Field("contact_person", "Contact"))
    assert not is_person_field(Field("summary", "情况总结")) and not is_person_field(Field("name", "项目名称"))


def test_person_values_reads_fields_table_columns_and_groups():
    data = {
        "project_leader": " 王五 ",
        "summary": "王五牵头",
        "inventor_name": "",
        "ip": [{"title": "一种方法", "owner": "赵六"}, {"title": "另一种", "owner": "扬州大学"}],
        "team": {"chief": "钱七", "size": 5},
    }
    assert person_values(DEFINITION, data) == ["王五", "赵六", "扬州大学", "钱七"]
    assert person_values(DEFINITION, {}) == []


# ---------------------------------------------------------------------------------------------- HTTP

NAME = "扬州广陵云联信息科技有限公司"
EMAIL = "wang.wu@yunlian-tech.cn"
MOBILE = "13912345678"
INVENTOR = "孙发明"


@pytest.fixture
def anonymised_reading(cast):
    """甲 renamed 扬州广陵云联信息科技有限公司, its new-product form repeating its identity everywhere in free text,
    through the review to a panel with the cast's expert, who has declared; the call anonymised."""
    from applications import services as application_services
    from applications.models import Application
    from evaluation import services
    from evaluation.models import Assignment, EvaluationSettings
    from reviews import services as review_services
    from tests.applications.core_helpers import complete, make_call, make_profile
    from tests.evaluation.helpers import make_expert, pool_of
    from tests.reviews.helpers import approve

    organisation = cast.enterprise_a.organisation
    organisation.name = NAME
    organisation.save(update_fields=["name"])
    profile = make_profile(cast.enterprise_a, name=NAME, legal_representative="王五", contact_person="赵六",
                           mobile=MOBILE, email=EMAIL)  # fmt: skip
    call = make_call()
    application = complete(cast.enterprise_a, call, "new_product")
    data = dict(application.data)
    data["description"] = (
        f"{NAME}（简称“云联”，统一社会信用代码 {profile.uscc}）研制。法定代表人王五、联系人赵六，"
        f"手机 {MOBILE[:3]}-{MOBILE[3:7]}-{MOBILE[7:]}，邮箱 {EMAIL}。"
    )
    data["cases"] = f"云联信息科技的终端已在扬州应用；发明人{INVENTOR}。"
    data["ip"] = [{**row, "owner": NAME if n else INVENTOR} for n, row in enumerate(data["ip"])]
    Application.objects.filter(pk=application.pk).update(data=data)
    application.refresh_from_db()
    application = application_services.application_submit(
        application=application, actor=cast.enterprise_a, declaration=True
    )
    approve(application, cast.hanjiang_industry, "industry")
    approve(application, cast.hanjiang_finance, "finance")
    application.refresh_from_db()
    application_services.transition(application=application, action="forward", actor=cast.hanjiang_industry)
    review_services.city_decide(application=application, actor=cast.city_officer, decision="to_experts")
    mine = make_expert(employer="扬州大学")
    mine.user = cast.expert
    mine.save()
    pool_of(2)
    EvaluationSettings.objects.create(call=call, anonymise=True)
    services.panel_draw(actor=cast.city_officer, call=call, category=application.category, size=3, seed=5)
    assignment = Assignment.objects.get(expert=mine)
    services.assignment_declare(actor=cast.expert, assignment=assignment, conflict=False)
    secrets = [NAME, "云联", profile.uscc, "王五", "赵六", MOBILE, EMAIL, INVENTOR, "yunlian"]
    return assignment, application, secrets


@pytest.mark.django_db
def test_no_identity_string_in_the_page_or_the_api_answer(client, cast, anonymised_reading):
    assignment, application, secrets = anonymised_reading
    material = application.materials.first()
    secrets.append(material.original_name)
    client.force_login(cast.expert)
    page = client.get(f"/evaluation/assignments/{assignment.pk}/")
    assert page.status_code == 200
    answer = client.get(f"/api/v1/assignments/{assignment.pk}")
    assert answer.status_code == 200
    body = json.loads(answer.content)
    assert body["application"]["anonymised"] is True
    assert "研制" in body["application"]["form"]["description"]  # the content is still there
    for name, text in (("page", page.content.decode()), ("api", json.dumps(body, ensure_ascii=False))):
        for secret in secrets:
            assert secret not in text, (name, secret)
        assert PLACEHOLDER in text, name
    # the API's own bytes too (no escaped form slips through)
    for secret in secrets:
        assert secret.encode() not in answer.content
