import copy
import json

import pytest
from django.test import override_settings

URL = "/api/v1/eligibility/check"

GOOD = {
    "category": "demonstration",
    "reference_date": "2019-05-15",
    "enterprise": {
        "uscc": "91321003MA1MDM1A2R",
        "registered_region": "321003",
        "tax_region": "321003",
        "independent_legal_person": True,
        "established_on": "2012-03-01",
        "industry": "industry",
        "employees": 85,
        "revenue_yuan": "26000000.00",
        "assets_yuan": None,
        "sound_management": True,
        "good_credit": True,
        "illegal_record": False,
    },
    "demonstration": {
        "investment_yuan": 620000,
        "areas": ["production_control"],
        "management_software": ["ERP", "MES"],
        "control_projects": 0,
        "online_sales_share": None,
    },
}

NEW_PRODUCT = {
    "rd_investment_yuan": "300000",
    "industrialized": True,
    "tech_level": "domestic_leading",
    "patents": 1,
    "ip_owned": True,
    "comparison": {
        "operating_cost": {"traditional": 100, "new": 80},
        "development_cycle_days": {"traditional": "90", "new": "90"},
        "defect_rate": {"traditional": 0.05, "new": 0.03},
        "productivity": {"traditional": 10, "new": 12},
        "energy_utilisation": {"traditional": 0.8, "new": 0.8},
    },
}


def post(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **extra)


def fields(response):
    return {e["field"] for e in response.json()["errors"]}


@pytest.mark.django_db
def test_good_demonstration_is_eligible(client):
    response = post(client, GOOD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["eligible"] is True
    assert body["size_class"] == "small"
    assert "小型" in body["size_reason"]
    codes = [c["code"] for c in body["checks"]]
    assert codes == [
        "registered_region", "tax_region", "independent_legal_person", "operating_years", "sound_management",
        "good_credit", "no_illegal_record", "size_class", "investment", "areas",
    ]  # fmt: skip
    assert all(c["passed"] for c in body["checks"])


@pytest.mark.django_db
def test_good_new_product(client):
    body = {**GOOD, "category": "new_product", "new_product": NEW_PRODUCT}
    del body["demonstration"]
    response = post(client, body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["eligible"] is True
    assert [c["code"] for c in result["checks"]][-6:] == [
        "rd_investment", "industrialized", "tech_level", "patents", "ip_owned", "comparison",
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "passed"), [("500000", False), ("500000.00", False), ("500000.01", True), (500000.01, True)]
)
def test_investment_boundary_through_api(client, amount, passed):
    body = copy.deepcopy(GOOD)
    body["demonstration"]["investment_yuan"] = amount
    response = post(client, body)
    check = next(c for c in response.json()["checks"] if c["code"] == "investment")
    assert check["passed"] is passed
    assert "500,000.00 元" in check["message"]


@pytest.mark.django_db
def test_outside_region_is_accepted_and_fails_the_rule(client):
    body = copy.deepcopy(GOOD)
    body["enterprise"]["registered_region"] = "320102"
    result = post(client, body).json()
    assert result["eligible"] is False
    check = next(c for c in result["checks"] if c["code"] == "registered_region")
    assert not check["passed"] and "320102" in check["message"]


@pytest.mark.django_db
def test_ineligible_lists_reasons(client):
    body = copy.deepcopy(GOOD)
    body["enterprise"]["employees"] = 500
    body["demonstration"]["management_software"] = ["ERP"]
    result = post(client, body).json()
    failed = {c["code"] for c in result["checks"] if not c["passed"]}
    assert failed == {"size_class", "areas"}
    assert result["size_class"] == "medium"


@pytest.mark.django_db
def test_bad_check_character_is_named(client):
    body = copy.deepcopy(GOOD)
    body["enterprise"]["uscc"] = "91110000600037341N"
    response = post(client, body)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "enterprise.uscc"
    assert "校验位" in error["message"]


@pytest.mark.django_db
def test_bad_format_is_named(client):
    body = copy.deepcopy(GOOD)
    body["enterprise"]["uscc"] = "9111000060003IOZSV"
    [error] = post(client, body).json()["errors"]
    assert "格式" in error["message"] and "I、O、S、V、Z" in error["message"]


@pytest.mark.django_db
def test_every_problem_is_listed(client):
    body = copy.deepcopy(GOOD)
    e, d = body["enterprise"], body["demonstration"]
    e["uscc"] = "123"
    e["employees"] = -1
    e["revenue_yuan"] = "-5"
    e["industry"] = "mining"
    e["established_on"] = "2020-01-01"
    del e["good_credit"]
    e["sound_management"] = "yes"
    d["online_sales_share"] = "1.5"
    d["areas"] = ["marketing"]
    d["investment_yuan"] = "abc"
    body["colour"] = "red"
    response = post(client, body)
    assert response.status_code == 422
    assert fields(response) == {
        "enterprise.uscc", "enterprise.employees", "enterprise.revenue_yuan", "enterprise.industry",
        "enterprise.established_on", "enterprise.good_credit", "enterprise.sound_management",
        "demonstration.online_sales_share", "demonstration.areas", "demonstration.investment_yuan", "colour",
    }  # fmt: skip
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "18位" in messages and "不得为负数" in messages and "晚于判断基准日" in messages


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1, 2]", b"null", '"text"', b"\xff\xfe"])
def test_broken_bodies_answer_422(client, raw):
    response = client.post(URL, raw, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] is None


@pytest.mark.django_db
def test_missing_blocks(client):
    response = post(client, {"category": "new_product"})
    assert response.status_code == 422
    assert fields(response) == {"enterprise", "new_product"}


@pytest.mark.django_db
def test_mistyped_nested_values(client):
    body = copy.deepcopy(GOOD)
    body["category"] = "new_product"
    body["new_product"] = {**NEW_PRODUCT, "patents": 1.5, "tech_level": "world_class",
                           "comparison": {"speed": {}, "defect_rate": {"traditional": -1, "new": "x"}}}  # fmt: skip
    response = post(client, body)
    assert response.status_code == 422
    assert fields(response) == {
        "new_product.patents", "new_product.tech_level", "new_product.comparison.speed",
        "new_product.comparison.defect_rate.traditional", "new_product.comparison.defect_rate.new",
    }  # fmt: skip


@pytest.mark.django_db
def test_missing_comparison_indicator_fails_the_rule_not_the_request(client):
    body = copy.deepcopy(GOOD)
    body["category"] = "new_product"
    body["new_product"] = copy.deepcopy(NEW_PRODUCT)
    del body["new_product"]["comparison"]["productivity"]
    result = post(client, body).json()
    check = next(c for c in result["checks"] if c["code"] == "comparison")
    assert not check["passed"] and "生产效率" in check["message"]


@pytest.mark.django_db
def test_share_as_fraction_boundary(client):
    body = copy.deepcopy(GOOD)
    body["demonstration"].update(areas=["sales_operations"], management_software=[], online_sales_share=0.5)
    result = post(client, body).json()
    assert next(c for c in result["checks"] if c["code"] == "areas")["passed"] is True
    body["demonstration"]["online_sales_share"] = "0.4999"
    result = post(client, body).json()
    assert next(c for c in result["checks"] if c["code"] == "areas")["passed"] is False


@pytest.mark.django_db
def test_thresholds_come_from_the_open_call(client):
    from tests.factories import CallFactory

    call = CallFactory()
    call.categories.filter(code="demonstration").update(investment_exceeds_yuan="600000.00")
    body = copy.deepcopy(GOOD)
    del body["reference_date"]
    body["demonstration"]["investment_yuan"] = "599999.99"
    result = post(client, body).json()
    check = next(c for c in result["checks"] if c["code"] == "investment")
    assert not check["passed"] and "600,000.00 元" in check["message"]
    operating = next(c for c in result["checks"] if c["code"] == "operating_years")
    from zoneinfo import ZoneInfo

    assert call.deadline.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() in operating["message"]


@pytest.mark.django_db
def test_rate_limit_answers_429_with_errors(client):
    with override_settings(ELIGIBILITY_RATE_LIMIT="2/m"):
        assert post(client, GOOD).status_code == 200
        assert post(client, GOOD).status_code == 200
        response = post(client, GOOD)
    assert response.status_code == 429
    assert "频繁" in response.json()["errors"][0]["message"]
    assert response["Retry-After"]


@pytest.mark.django_db
def test_ping(client):
    response = client.get("/api/v1/ping")
    assert response.status_code == 200 and response.json() == {"ok": True}


@pytest.mark.django_db
def test_functional_zone_codes_come_from_the_region_rows(client):
    body = copy.deepcopy(GOOD)
    body["enterprise"]["tax_region"] = "yz-etdz"
    result = post(client, body).json()
    check = next(c for c in result["checks"] if c["code"] == "tax_region")
    assert check["passed"] and "yz-etdz" in check["message"]
    body["enterprise"]["tax_region"] = "yz-nowhere"
    response = post(client, body)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "enterprise.tax_region" and "纳税地" in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["20120301", "2012-3-1", "0", "2012-03-01T00:00:00"])
def test_dates_are_yyyy_mm_dd_only(client, day):
    body = copy.deepcopy(GOOD)
    body["enterprise"]["established_on"] = day
    response = post(client, body)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "enterprise.established_on" and "YYYY-MM-DD" in error["message"]


def test_openapi_documents_every_field_of_the_body(client):
    from enterprises.sizeclass import INDUSTRIES
    from programmes import vocabulary

    operation = client.get("/api/v1/openapi.json").json()["paths"][URL]["post"]
    content = operation["requestBody"]["content"]["application/json"]
    schema = content["schema"]
    assert schema != {"type": "object"}
    assert content["example"]["enterprise"]["uscc"] == GOOD["enterprise"]["uscc"]
    assert schema["required"] == ["category", "enterprise"] and schema["additionalProperties"] is False
    top = schema["properties"]
    assert top["category"]["enum"] == ["demonstration", "new_product"]
    assert {"type": "string", "format": "date"} in top["reference_date"]["anyOf"]

    enterprise = top["enterprise"]["properties"]
    assert set(enterprise) == set(GOOD["enterprise"])
    assert set(top["enterprise"]["required"]) == set(GOOD["enterprise"])
    assert enterprise["uscc"]["type"] == "string" and enterprise["uscc"]["title"] == "统一社会信用代码"
    assert enterprise["established_on"] == {**enterprise["established_on"], "type": "string", "format": "date"}
    assert enterprise["industry"]["enum"] == [code for code, _label in INDUSTRIES]
    assert enterprise["independent_legal_person"]["type"] == "boolean"
    assert {"type": "integer", "minimum": 0} in enterprise["employees"]["anyOf"]
    money = [branch["type"] for branch in enterprise["revenue_yuan"]["anyOf"]]
    assert money == ["number", "string", "null"]  # decimal as a JSON number or a numeric string

    demonstration = top["demonstration"]["properties"]
    assert demonstration["areas"]["items"]["enum"] == [code for code, *_ in vocabulary.AREAS]
    assert "研发设计" in demonstration["areas"]["description"]
    assert demonstration["management_software"]["items"]["enum"] == [code for code, *_ in vocabulary.SOFTWARE_KINDS]
    assert [b["type"] for b in demonstration["investment_yuan"]["anyOf"]] == ["number", "string"]
    share = next(b for b in demonstration["online_sales_share"]["anyOf"] if b["type"] == "number")
    assert share["minimum"] == 0 and share["maximum"] == 1
    assert demonstration["control_projects"]["type"] == "integer"

    new_product = top["new_product"]["properties"]
    assert new_product["tech_level"]["enum"] == [code for code, *_ in vocabulary.TECH_LEVELS]
    assert new_product["patents"]["type"] == "integer"
    comparison = new_product["comparison"]["properties"]
    assert list(comparison) == [code for code, *_ in vocabulary.COMPARISON_ROWS]
    assert comparison["defect_rate"]["title"] == "产品不良品率"
    assert set(comparison["defect_rate"]["properties"]) == {"traditional", "new"}
