"""The city officer's pages for calls: copy to a new year, settings until the first application."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.models import SHANGHAI, Call
from tests.applications.core_helpers import complete
from tests.factories import CallFactory


@pytest.fixture
def call_2018(db):
    return CallFactory(code="yz2018", receipt_prefix="YZ2018", title="2018年度")


COPY = {"year": "2019", "title": "2019年度", "opens_at": "2020-05-14T00:00", "deadline": "2020-05-31T23:59"}


def test_copy_page_creates_the_call_and_opens_its_settings(client, cast, call_2018):
    client.force_login(cast.city_officer)
    detail = client.get(reverse("portal:call_detail", args=[call_2018.pk])).content.decode()
    assert reverse("portal:call_copy", args=[call_2018.pk]) in detail
    page = client.get(reverse("portal:call_copy", args=[call_2018.pk]))
    assert page.status_code == 200 and 'value="2019"' in page.content.decode()
    response = client.post(reverse("portal:call_copy", args=[call_2018.pk]), COPY)
    new = Call.objects.get(year=2019)
    assert response.status_code == 302 and response.url == reverse("portal:call_edit", args=[new.pk])
    assert new.opens_at == dt.datetime(2020, 5, 14, 0, 0, tzinfo=SHANGHAI)  # typed in Beijing time
    settings = client.get(response.url).content.decode()
    assert "企业2018、2019年度开票销售" in settings and "保存批次设置" in settings


def test_copy_page_shows_the_problems(client, cast, call_2018):
    client.force_login(cast.city_officer)
    response = client.post(
        reverse("portal:call_copy", args=[call_2018.pk]), {**COPY, "year": "2018", "deadline": "2020-05-01T00:00"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "截止时间应晚于开始时间。" in html and "2018 年度已有申报批次" in html
    assert not Call.objects.filter(title="2019年度").exists()


@pytest.mark.parametrize("who", ["enterprise_a", "hanjiang_industry", "expert", "admin"])
def test_pages_refuse_everyone_but_the_city_officer(client, cast, call_2018, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("portal:call_copy", args=[call_2018.pk])).status_code == 403
    assert client.post(reverse("portal:call_copy", args=[call_2018.pk]), COPY).status_code == 403
    assert client.get(reverse("portal:call_edit", args=[call_2018.pk])).status_code == 403
    detail = client.get(reverse("portal:call_detail", args=[call_2018.pk])).content.decode()
    assert reverse("portal:call_copy", args=[call_2018.pk]) not in detail
    assert not Call.objects.filter(year=2019).exists()


def test_anonymous_is_sent_to_login(client, call_2018):
    response = client.get(reverse("portal:call_copy", args=[call_2018.pk]))
    assert response.status_code == 302 and "login" in response.url


def _settings_post(call, **overrides):
    data = {"title": call.title, "opens_at": "2020-05-14T00:00", "deadline": "2020-05-31T23:59",
            "investment_period_start": "2018-01-01", "investment_period_end": "2019-12-31"}  # fmt: skip
    for category in call.categories.all():
        for name in ("investment_exceeds_yuan", "min_management_software_kinds", "min_control_projects",
                     "min_online_sales_share", "min_rd_investment_yuan", "min_patents", "min_operating_years",
                     "allowed_size_classes"):  # fmt: skip
            data[f"{category.code}__{name}"] = str(getattr(category, name))
        for i, item in enumerate(category.material_items.all()):
            data[f"{category.code}__items__{i}__code"] = item.code
            data[f"{category.code}__items__{i}__name"] = item.name
            if item.required:
                data[f"{category.code}__items__{i}__required"] = "on"
    data.update(overrides)
    return data


def test_settings_page_saves_thresholds_and_checklist_until_the_first_application(client, cast, call_2018):
    client.force_login(cast.city_officer)
    url = reverse("portal:call_edit", args=[call_2018.pk])
    post = _settings_post(
        call_2018,
        **{
            "new_product__min_rd_investment_yuan": "320000",
            "new_product__items__0__delete": "on",
            "new_product__items__7__code": "extra",
            "new_product__items__7__name": "补充材料",
        },
    )
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    product = call_2018.categories.get(code="new_product")
    assert product.min_rd_investment_yuan == Decimal("320000.00")
    codes = list(product.material_items.values_list("code", flat=True))
    assert "application_form" not in codes and codes[-1] == "extra" and len(codes) == 7
    bad = client.post(url, {**post, "demonstration__min_online_sales_share": "2"})
    assert bad.status_code == 422 and "0 到 1 之间的小数" in bad.content.decode()
    complete(cast.enterprise_a, call_2018)
    page = client.get(url).content.decode()
    assert "不能再修改" in page and "保存批次设置" not in page
    locked = client.post(url, {**post, "new_product__min_rd_investment_yuan": "1"})
    assert locked.status_code == 409
    assert call_2018.categories.get(code="new_product").min_rd_investment_yuan == Decimal("320000.00")
