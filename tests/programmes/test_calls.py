"""A new year's call without code: copy the 2018 call to 2019, edit it until its first application, and the
2019 form with its year-relative keys and labels; the 2018 applications, snapshots and PDFs stay as they were."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import Event
from core.errors import Conflict, DomainError, PermissionDeniedError
from programmes.models import SHANGHAI, Call
from programmes.services import call_copy, call_update, shift_years
from tests.applications.core_helpers import complete
from tests.factories import CallFactory

OPENS = dt.datetime(2020, 5, 14, 0, 0, tzinfo=SHANGHAI)
DEADLINE = dt.datetime(2020, 5, 31, 23, 59, 59, tzinfo=SHANGHAI)


def copy_2019(source, actor, **overrides):
    args = {"year": 2019, "opens_at": OPENS, "deadline": DEADLINE, "title": "2019年度扬州市“互联网+小微企业”项目申报"}
    args.update(overrides)
    return call_copy(source=source, actor=actor, **args)


@pytest.fixture
def call_2018(db):
    return CallFactory(code="yz2018", receipt_prefix="YZ2018", title="2018年度")


def test_shift_years_moves_only_the_calls_years():
    text = "企业2017、2018年度开票销售和新产品（新技术）2018年度开票销售；2015年目标；金额 20180 元"
    assert shift_years(text, years={2017, 2018}, delta=1) == (
        "企业2018、2019年度开票销售和新产品（新技术）2019年度开票销售；2015年目标；金额 20180 元"
    )


def test_copy_brings_categories_thresholds_checklist_period_and_form(cast, call_2018):
    category = call_2018.categories.get(code="demonstration")
    category.investment_exceeds_yuan = Decimal("650000.00")
    category.save()
    new = copy_2019(call_2018, cast.city_officer)
    assert (new.year, new.code, new.receipt_prefix) == (2019, "yz2019", "YZ2019")
    assert (new.investment_period_start, new.investment_period_end) == (dt.date(2018, 1, 1), dt.date(2019, 12, 31))
    assert new.opens_at == OPENS and new.deadline == DEADLINE
    copied = new.categories.get(code="demonstration")
    assert copied.investment_exceeds_yuan == Decimal("650000.00")
    assert copied.min_online_sales_share == category.min_online_sales_share
    names = list(new.categories.get(code="new_product").material_items.values_list("name", flat=True))
    assert len(names) == 7
    assert names[3].startswith("企业2018、2019年度开票销售和新产品（新技术）2019年度开票销售")
    for old in call_2018.categories.all():
        twin = new.categories.get(code=old.code)
        version = twin.form_versions.get()
        assert version.version == 1
        assert version.definition == old.form_versions.order_by("-version").first().definition
    assert Event.objects.filter(action="call.copy", object_id=str(new.pk)).exists()


def test_copy_reports_every_problem_in_chinese(cast, call_2018):
    with pytest.raises(DomainError) as caught:
        copy_2019(call_2018, cast.city_officer, year=2018, title=" ", deadline=OPENS - dt.timedelta(days=1))
    errors = {e["field"]: e["message"] for e in caught.value.errors}
    assert set(errors) == {"title", "deadline", "year"}
    assert errors["deadline"] == "截止时间应晚于开始时间。"
    assert "已有申报批次" in errors["year"] and errors["title"] == "请填写批次名称。"
    copy_2019(call_2018, cast.city_officer)
    with pytest.raises(DomainError) as again:
        copy_2019(call_2018, cast.city_officer)
    assert "2019 年度已有申报批次" in again.value.errors[0]["message"]
    assert Call.objects.filter(year=2019).count() == 1


@pytest.mark.parametrize("who", ["enterprise_a", "hanjiang_industry", "hanjiang_finance", "expert", "admin"])
def test_only_the_city_officer_copies_and_edits(cast, call_2018, who):
    with pytest.raises(PermissionDeniedError):
        copy_2019(call_2018, getattr(cast, who))
    with pytest.raises(PermissionDeniedError):
        call_update(call=call_2018, changes={"title": "x"}, actor=getattr(cast, who))
    assert not Call.objects.filter(year=2019).exists()


def test_edit_before_the_first_application_then_locked(cast, call_2018):
    new = copy_2019(call_2018, cast.city_officer)
    checklist = [
        {"code": "application_form", "name": "新产品新技术申请书（2019）", "required": True},
        {"code": "extra_report", "name": "补充材料", "required": False, "multiple": True},
    ]
    call_update(
        call=new,
        actor=cast.city_officer,
        changes={
            "deadline": DEADLINE + dt.timedelta(days=5),
            "categories": [
                {"code": "new_product", "min_rd_investment_yuan": "350000", "material_items": checklist},
                {"code": "demonstration", "min_online_sales_share": "0.45", "allowed_size_classes": ["small"]},
            ],
        },
    )
    new.refresh_from_db()
    assert new.deadline == DEADLINE + dt.timedelta(days=5)
    product = new.categories.get(code="new_product")
    assert product.min_rd_investment_yuan == Decimal("350000.00")
    assert list(product.material_items.values_list("code", "required")) == [
        ("application_form", True),
        ("extra_report", False),
    ]
    demonstration = new.categories.get(code="demonstration")
    assert demonstration.min_online_sales_share == Decimal("0.4500")
    assert demonstration.allowed_size_classes == "small"
    with pytest.raises(DomainError) as caught:
        call_update(
            call=new,
            actor=cast.city_officer,
            changes={"categories": [{"code": "demonstration", "min_online_sales_share": "1.5", "min_patents": -1}]},
        )
    assert {e["field"] for e in caught.value.errors} == {
        "categories.0.min_online_sales_share",
        "categories.0.min_patents",
    }
    # The first application locks the settings it was started on.
    complete(cast.enterprise_a, call_2018)
    with pytest.raises(Conflict) as locked:
        call_update(call=call_2018, changes={"title": "改名"}, actor=cast.city_officer)
    assert "不能再修改" in locked.value.message
    assert Call.objects.get(pk=call_2018.pk).title == "2018年度"


def test_copy_and_patch_through_the_api(client, cast, call_2018, api_token):
    body = {"year": 2019, "opens_at": "2020-05-14T00:00:00+08:00", "deadline": "2020-05-31T23:59:59+08:00",
            "title": "2019年度"}  # fmt: skip
    url = f"/api/v1/calls/{call_2018.pk}/copy"
    denied = client.post(url, body, content_type="application/json", **api_token(cast.enterprise_a))
    assert denied.status_code == 403 and denied.json()["errors"][0]["message"]
    missing = client.post(
        "/api/v1/calls/999999/copy", body, content_type="application/json", **api_token(cast.city_officer)
    )
    assert missing.status_code == 404
    bad = client.post(
        url, {**body, "deadline": "2020-05-01T00:00:00+08:00", "title": ""}, content_type="application/json",
        **api_token(cast.city_officer),
    )  # fmt: skip
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"deadline", "title"}
    created = client.post(url, body, content_type="application/json", **api_token(cast.city_officer))
    assert created.status_code == 201, created.content
    out = created.json()
    assert out == client.get(f"/api/v1/calls/{out['id']}").json()
    assert (out["year"], out["code"], out["receipt_prefix"]) == (2019, "yz2019", "YZ2019")
    assert (out["investment_period_start"], out["investment_period_end"]) == ("2018-01-01", "2019-12-31")
    product = next(c for c in out["categories"] if c["code"] == "new_product")
    assert product["min_rd_investment_yuan"] == "300000.00" and product["form_version"] == 1
    assert "2018、2019年度" in product["material_items"][3]["name"]
    assert out["locked_reason"] == ""
    patch = client.patch(
        f"/api/v1/calls/{out['id']}",
        {"categories": [{"code": "new_product", "min_patents": 2}]},
        content_type="application/json",
        **api_token(cast.city_officer),
    )
    assert patch.status_code == 200, patch.content
    assert next(c for c in patch.json()["categories"] if c["code"] == "new_product")["min_patents"] == 2
    complete(cast.enterprise_a, call_2018)
    locked = client.patch(
        f"/api/v1/calls/{call_2018.pk}", {"title": "改名"}, content_type="application/json",
        **api_token(cast.city_officer),
    )  # fmt: skip
    assert locked.status_code == 409 and "不能再修改" in locked.json()["errors"][0]["message"]
