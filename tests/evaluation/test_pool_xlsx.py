"""The pool's spreadsheet: template, import with every row's problems (nothing half-imported), export."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from evaluation.models import Expert
from evaluation.pool_xlsx import COLUMNS
from tests.evaluation.helpers import make_expert

pytestmark = pytest.mark.django_db

HEADERS = [h for _k, h in COLUMNS]


def _sheet(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "experts.xlsx"
    return out


GOOD = [
    ["li_si", "李四", "13912345678", "财务与审计", "扬州华信会计师事务所", "", "广陵区", "注册会计师", "", "是"],
    ["wang_wu", "王五", "", "electronics", "扬州大学", "", "321003", "教授", "0514-8000", "否"],
]


def _post(client, headers, sheet):
    return client.post("/api/v1/experts/import", {"file": sheet}, **headers)


def test_import_creates_the_experts_and_their_accounts(client, cast, api_token):
    response = _post(client, api_token(cast.city_officer), _sheet(GOOD))
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0}
    li = Expert.objects.get(user__username="li_si")
    assert (li.field, li.region_id, li.active, li.user.role) == ("finance_audit", "321002", True, "expert")
    assert not li.user.has_usable_password()
    assert Expert.objects.get(user__username="wang_wu").active is False


def test_every_rows_problems_are_listed_and_nothing_is_imported(client, cast, api_token):
    bad = [
        GOOD[0],
        ["", "无名", "123", "天文", "", "123", "火星", "", "", "也许"],
        ["li_si", "李四重复", "13912345678", "财务与审计", "某单位", "", "", "", "", ""],
    ]
    response = _post(client, api_token(cast.city_officer), _sheet(bad))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {
        "rows.3.username",
        "rows.3.mobile",
        "rows.3.field",
        "rows.3.employer_name",
        "rows.3.employer_credit_code",
        "rows.3.region",
        "rows.3.active",
        "rows.4.username",
        "rows.4.mobile",
    }
    assert all(e["message"].startswith("第 ") for e in response.json()["errors"])
    assert not Expert.objects.exists()


def test_import_refuses_what_is_not_a_template_and_is_for_the_city(client, cast, api_token):
    city = api_token(cast.city_officer)
    missing = _post(client, city, _sheet([["a"]], headers=["登录名"]))
    assert missing.status_code == 422 and "表头缺少" in missing.json()["errors"][0]["message"]
    junk = io.BytesIO(b"not a workbook")
    junk.name = "x.xlsx"
    assert _post(client, city, junk).status_code == 422
    assert _post(client, api_token(cast.expert), _sheet(GOOD)).status_code == 403


def test_export_round_trips_and_escapes_formulas(client, cast, api_token):
    make_expert(employer='=HYPERLINK("http://evil")')
    city = api_token(cast.city_officer)
    template = client.get("/api/v1/experts/template.xlsx", **city)
    assert template.status_code == 200
    assert [c.value for c in next(load_workbook(io.BytesIO(template.content)).active.iter_rows())] == HEADERS
    response = client.get("/api/v1/experts/export.xlsx", **city)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][4] == '\'=HYPERLINK("http://evil")'  # text, not a formula
    # importing the export updates the same expert (the apostrophe is read back off)
    result = _post(client, city, io.BytesIO(response.content))
    assert result.status_code == 200, result.content
    assert result.json() == {"created": 0, "updated": 1}
    assert Expert.objects.get().employer_name == '=HYPERLINK("http://evil")'
    assert client.get("/api/v1/experts/export.xlsx", **api_token(cast.expert)).status_code == 403
