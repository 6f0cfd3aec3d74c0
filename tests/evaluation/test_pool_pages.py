"""The city's expert pool pages: list, add, edit, import (a bad row refuses the whole sheet), downloads; 403 to
everyone but city officers."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from evaluation.models import Expert
from evaluation.pool_xlsx import COLUMNS
from tests.evaluation.helpers import make_expert

pytestmark = pytest.mark.django_db

GOOD = ["li_si", "李四", "13912345678", "财务与审计", "扬州华信会计师事务所", "", "广陵区", "注册会计师", "", "是"]
BAD = ["", "无名", "123", "天文", "", "", "火星", "", "", ""]


def _sheet(rows):
    book = Workbook()
    book.active.append([h for _k, h in COLUMNS])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "experts.xlsx"
    return out


@pytest.fixture
def city(client, cast):
    client.force_login(cast.city_officer)
    return client


def test_list_shows_the_pool(city):
    make_expert(employer="扬州大学", region="321003", title="教授")
    page = city.get("/evaluation/experts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "扬州大学" in text and "教授" in text and "信息技术与软件" in text


def test_add_creates_an_expert_through_the_service(city):
    data = {
        "username": "zhao_liu",
        "display_name": "赵六",
        "mobile": "",
        "field": "e_commerce",
        "employer_name": "扬州职业大学",
        "region": "321002",
        "title": "副教授",
        "active": "on",
    }
    response = city.post("/evaluation/experts/add/", data)
    assert response.status_code == 302
    expert = Expert.objects.get(user__username="zhao_liu")
    assert (expert.user.display_name, expert.region_id, expert.active) == ("赵六", "321002", True)


def test_a_refused_add_keeps_what_was_typed_and_says_why_in_chinese(city):
    taken = make_expert().user.username
    data = {"username": taken, "display_name": "重名", "field": "e_commerce", "employer_name": "保留的单位"}
    response = city.post("/evaluation/experts/add/", data)
    assert response.status_code == 422
    text = response.content.decode()
    assert f"登录名 {taken} 已被使用。" in text
    assert "保留的单位" in text and "重名" in text
    assert not Expert.objects.filter(employer_name="保留的单位").exists()


def test_edit_changes_the_expert(city):
    expert = make_expert(employer="旧单位")
    assert "旧单位" in city.get(f"/evaluation/experts/{expert.pk}/").content.decode()
    data = {"field": "information_technology", "employer_name": "新单位", "region": "", "title": "研究员"}
    assert city.post(f"/evaluation/experts/{expert.pk}/", data).status_code == 302
    expert.refresh_from_db()
    assert (expert.employer_name, expert.title, expert.active) == ("新单位", "研究员", False)


def test_a_bad_credit_code_is_refused_on_edit(city):
    expert = make_expert(employer="旧单位")
    data = {"field": "information_technology", "employer_name": "新单位", "employer_credit_code": "123"}
    response = city.post(f"/evaluation/experts/{expert.pk}/", data)
    assert response.status_code == 422
    assert "新单位" in response.content.decode()
    expert.refresh_from_db()
    assert expert.employer_name == "旧单位"


def test_import_with_good_rows_creates_them(city):
    response = city.post("/evaluation/experts/import/", {"file": _sheet([GOOD])})
    assert response.status_code == 302
    assert Expert.objects.get(user__username="li_si").field == "finance_audit"


def test_a_bad_row_refuses_the_sheet_and_every_problem_is_listed(city):
    response = city.post("/evaluation/experts/import/", {"file": _sheet([GOOD, BAD])})
    assert response.status_code == 422
    text = response.content.decode()
    assert "第 3 行：请填写登录名。" in text
    assert "第 3 行：请选择专业领域。" in text
    assert "第 3 行：所在县区不存在。" in text
    assert not Expert.objects.filter(user__username="li_si").exists()


def test_import_without_a_file_is_refused(city):
    assert city.post("/evaluation/experts/import/", {}).status_code == 422


def test_template_and_export_download(city):
    make_expert(employer="扬州大学")
    template = city.get("/evaluation/experts/template.xlsx")
    assert template.status_code == 200
    headers = [c.value for c in next(load_workbook(io.BytesIO(template.content)).active.iter_rows())]
    assert headers[: len(COLUMNS)] == [h for _k, h in COLUMNS]
    export = city.get("/evaluation/experts/export.xlsx")
    values = [c.value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row]
    assert "扬州大学" in values


def test_the_city_pages_link_the_pool(city, cast):
    from tests.applications.core_helpers import make_call

    call = make_call()
    assert 'href="/evaluation/experts/"' in city.get(f"/evaluation/calls/{call.pk}/").content.decode()


@pytest.mark.parametrize("who", ["enterprise_a", "hanjiang_industry", "expert"])
@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/evaluation/experts/"),
        ("get", "/evaluation/experts/add/"),
        ("post", "/evaluation/experts/import/"),
        ("get", "/evaluation/experts/export.xlsx"),
        ("get", "/evaluation/experts/template.xlsx"),
    ],
)
def test_others_are_refused(client, cast, who, method, url):
    client.force_login(getattr(cast, who))
    assert getattr(client, method)(url).status_code == 403


def test_others_cannot_edit(client, cast):
    expert = make_expert(employer="旧单位")
    client.force_login(cast.hanjiang_industry)
    response = client.post(f"/evaluation/experts/{expert.pk}/", {"field": "e_commerce", "employer_name": "x"})
    assert response.status_code == 403
    expert.refresh_from_db()
    assert expert.employer_name == "旧单位"


# ---------------------------------------------------------------------------------------------- call settings

SETTINGS = {"anonymise": "on", "trim_min_scores": "4", "outlier_margin": "12.5", "default_panel_size": "7"}


def test_the_call_page_has_the_settings_form_and_it_saves(city):
    from evaluation.selectors import settings_for
    from tests.applications.core_helpers import make_call

    call = make_call()
    page = city.get(f"/evaluation/calls/{call.pk}/").content.decode()
    assert f'action="/evaluation/calls/{call.pk}/settings/"' in page
    response = city.post(f"/evaluation/calls/{call.pk}/settings/", {**SETTINGS, "recuse_same_region": "on"})
    assert response.status_code == 302
    saved = settings_for(call)
    assert (saved.anonymise, saved.recuse_same_region, saved.trim_min_scores, saved.default_panel_size) == (
        True,
        True,
        4,
        7,
    )
    assert str(saved.outlier_margin) == "12.50"


def test_refused_settings_are_shown_again_with_the_reason(city):
    from evaluation.selectors import settings_for
    from tests.applications.core_helpers import make_call

    call = make_call()
    response = city.post(f"/evaluation/calls/{call.pk}/settings/", {**SETTINGS, "default_panel_size": "40"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "应为 3 至 15 之间的整数。" in text
    assert 'value="12.5"' in text and 'value="40"' in text
    assert settings_for(call).default_panel_size != 40


def test_anonymity_is_locked_after_the_draw(city, cast):
    from evaluation import services
    from evaluation.models import EvaluationSettings
    from tests.applications.core_helpers import make_call
    from tests.evaluation.helpers import pool_of, through_the_review

    call = make_call()
    application = through_the_review(cast, call=call)
    pool_of(3)
    EvaluationSettings.objects.create(call=call, anonymise=True)
    services.panel_draw(actor=cast.city_officer, call=call, category=application.category, size=3, seed=3)
    response = city.post(f"/evaluation/calls/{call.pk}/settings/", {**SETTINGS, "anonymise": ""})
    assert response.status_code == 422
    assert "本批次已抽取专家，回避和匿名设置不能再修改。" in response.content.decode()
    assert EvaluationSettings.objects.get(call=call).anonymise is True


@pytest.mark.parametrize("who", ["enterprise_a", "hanjiang_industry", "expert"])
def test_others_cannot_change_settings(client, cast, who):
    from tests.applications.core_helpers import make_call

    call = make_call()
    client.force_login(getattr(cast, who))
    assert client.post(f"/evaluation/calls/{call.pk}/settings/", SETTINGS).status_code == 403
