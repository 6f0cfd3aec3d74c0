"""Hostile input never becomes a 500 or a broken record (issue 11 §1–2), through HTTP on several endpoints.

JSON the database cannot hold (lone surrogates, NUL, NaN, Infinity, 1e400, deep nesting) is 422 naming the field
before anything is stored; so are NUL in form posts and query strings (a 400 page for a plain page post); a body
over the limit is 413 with the limit, a malformed multipart body 400 — on SQLite and PostgreSQL alike.
"""

import copy
import json

import pytest
from django.test import Client
from django.urls import reverse

from applications.material_samples import pdf_bytes
from applications.models import Application
from publicity.models import Objection
from reviews.models import CountyOpinion
from tests.applications.core_helpers import draft, make_call, make_profile
from tests.enterprises.test_api import GOOD as ELIGIBLE
from tests.publicity.helpers import published
from tests.reviews.helpers import submitted
from tests.shenbao.test_settings import PRODUCTION, run_manage

pytestmark = pytest.mark.django_db

SURROGATE, NUL = "\\ud800", "\\u0000"
HOSTILE_NUMBERS = ("NaN", "Infinity", "-Infinity", "1e400")


@pytest.fixture
def web(settings):
    """A client that answers like production: a failing view is a 500 answer, not an exception in the test."""
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def post_json(client, url, text, method="post", **headers):
    return getattr(client, method)(url, text, content_type="application/json", **headers)


def errors_of(response):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["errors"]


REFUSALS = ("代理项", "空字符", "不是有效的数字", "嵌套层数过多")


def the_field(response, status=422):
    """The field of the refusal (core.jsonsafe's words: not some later validation that happened to fail)."""
    assert response.status_code == status, response.content[:300]
    error = errors_of(response)[0]
    assert any(words in error["message"] for words in REFUSALS), error
    return error["field"]


# ------------------------------------------------------------------------------------------- JSON endpoints


@pytest.mark.parametrize("bad", [SURROGATE, NUL, "a" + SURROGATE + "b"])
def test_token_refuses_unstorable_strings(web, cast, bad):
    response = post_json(web, "/api/v1/auth/token", f'{{"username": "{bad}", "password": "x"}}')
    assert the_field(response) == "username"


@pytest.mark.parametrize("number", HOSTILE_NUMBERS)
def test_token_refuses_hostile_numbers(web, cast, number):
    response = post_json(web, "/api/v1/auth/token", f'{{"username": "ent_a", "password": {number}}}')
    assert the_field(response) == "password"


def eligibility_body(**enterprise):
    body = copy.deepcopy(ELIGIBLE)
    body["enterprise"].update(enterprise)
    return json.dumps(body)


@pytest.mark.parametrize("bad", [SURROGATE, NUL])
def test_eligibility_refuses_unstorable_strings(web, bad):
    body = eligibility_body(uscc="__BAD__").replace('"__BAD__"', f'"{bad}"')
    assert the_field(post_json(web, "/api/v1/eligibility/check", body)) == "enterprise.uscc"
    # Named like the endpoint's other problems: the declared field, list items folded into their list.
    areas = json.loads(eligibility_body())
    areas["demonstration"]["areas"] = ["production_control", "__BAD__"]
    body = json.dumps(areas).replace('"__BAD__"', f'"{bad}"')
    assert the_field(post_json(web, "/api/v1/eligibility/check", body)) == "demonstration.areas"


@pytest.mark.parametrize("number", HOSTILE_NUMBERS)
def test_eligibility_refuses_hostile_numbers(web, number):
    body = eligibility_body(revenue_yuan="__N__").replace('"__N__"', number)
    assert the_field(post_json(web, "/api/v1/eligibility/check", body)) == "enterprise.revenue_yuan"


def test_eligibility_refuses_100000_nested_arrays(web):
    response = post_json(web, "/api/v1/eligibility/check", "[" * 100_000 + "]" * 100_000)
    assert the_field(response) is None and "64" in errors_of(response)[0]["message"]


def test_not_json_is_400_in_chinese(web, cast):
    response = post_json(web, "/api/v1/auth/token", '{"username": ')
    assert response.status_code == 400 and errors_of(response)[0]["message"] == "请求体不是有效的 JSON。"


@pytest.fixture
def enterprise(web, cast):
    make_profile(cast.enterprise_a)
    web.force_login(cast.enterprise_a)
    return web


@pytest.mark.parametrize(("text", "field"), [('"__BAD__"', "category"), ("NaN", "call"), ("1e400", "call")])
def test_create_application_refuses_before_anything_is_stored(enterprise, text, field):
    call = make_call()
    body = json.dumps({"call": call.id, "category": "demonstration"})
    body = body.replace(str(call.id), text) if field == "call" else body.replace('"demonstration"', f'"{SURROGATE}"')
    assert the_field(post_json(enterprise, "/api/v1/applications", body)) == field
    assert not Application.objects.exists()


@pytest.mark.parametrize("bad", [f'"{SURROGATE}"', f'"x{NUL}"', "NaN", "Infinity", "1e400", '{"\\ud800": 1}'])
def test_patch_refuses_and_the_application_stays_readable(enterprise, cast, bad):
    application = draft(cast.enterprise_a, make_call())
    body = f'{{"data": {{"summary": {{"overview": {bad}}}}}, "version": {application.version}}}'
    response = post_json(enterprise, f"/api/v1/applications/{application.pk}", body, method="patch")
    assert the_field(response).startswith("data.summary.")
    stored = Application.objects.get(pk=application.pk)
    assert stored.version == application.version and stored.data == application.data
    assert enterprise.get(f"/api/v1/applications/{application.pk}").status_code == 200
    assert enterprise.get(reverse("applications:detail", args=[application.pk])).status_code == 200


def test_a_json_body_over_the_limit_is_413_with_the_limit(enterprise, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    application = draft(cast.enterprise_a, make_call())
    body = json.dumps({"data": {"summary": {"overview": "字" * 40_000}}, "version": application.version})
    response = post_json(enterprise, f"/api/v1/applications/{application.pk}", body, method="patch")
    assert response.status_code == 413
    assert errors_of(response) == [{"field": None, "message": "请求内容过大（上限 64 KB）。"}]
    assert Application.objects.get(pk=application.pk).version == application.version


def test_the_default_limit_is_said_as_5_mb():
    from core.hostile import too_large_message

    assert too_large_message() == "请求内容过大（上限 5 MB）。"


def test_a_review_opinion_refuses_unstorable_comment(web, cast):
    application = submitted(cast)
    web.force_login(cast.hanjiang_industry)
    body = f'{{"action": "return", "comment": "请补充{NUL}", "checklist": []}}'
    response = post_json(web, f"/api/v1/applications/{application.pk}/transitions", body)
    assert the_field(response) == "comment"
    assert not CountyOpinion.objects.filter(application=application).exists()


# ------------------------------------------------------------------------------- form posts and query strings


def test_an_objection_post_refuses_nul(web, cast):
    publicity, apps = published(cast)
    data = {"application": apps[0].pk, "name": "张三", "mobile": "13812345678", "grounds": "不实\x00"}
    response = web.post(f"/api/v1/publicity/{publicity.pk}/objections", data=data)
    assert the_field(response) == "grounds"
    assert not Objection.objects.exists()


def test_autosave_answers_422_with_the_field_and_keeps_the_draft(enterprise, cast):
    application = draft(cast.enterprise_a, make_call())
    url = reverse("applications:autosave", args=[application.pk])
    post = {"version": str(application.version), "investments.0.supplier": "甲\x00", "summary.overview": "好"}
    response = enterprise.post(url, post, HTTP_ACCEPT="application/json", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert the_field(response) == "investments.0.supplier"
    stored = Application.objects.get(pk=application.pk)
    assert stored.version == application.version and stored.data == application.data


def test_a_plain_page_post_gets_a_400_page_in_chinese_and_nothing_is_saved(enterprise, cast):
    application = draft(cast.enterprise_a, make_call())
    post = {"version": str(application.version), "summary.overview": "好\x00"}
    response = enterprise.post(reverse("applications:detail", args=[application.pk]), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "提交的内容无法处理" in page and "summary.overview" in page and "没有保存任何内容" in page
    assert Application.objects.get(pk=application.pk).version == application.version


def test_a_page_post_over_the_limit_is_a_413_page(enterprise, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    application = draft(cast.enterprise_a, make_call())
    body = f"version={application.version}&summary.overview=" + "x" * 70_000
    url = reverse("applications:detail", args=[application.pk])
    response = enterprise.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "请求内容过大（上限 64 KB）" in response.content.decode()


def test_the_login_page_refuses_nul_before_anything_looks_the_name_up(web, cast):
    response = web.post(reverse("accounts:login"), {"username": "ent_a\x00", "password": cast.password})
    assert response.status_code == 400 and "不能包含空字符" in response.content.decode()


def test_nul_in_a_query_string_is_refused(enterprise):
    assert the_field(enterprise.get("/api/v1/applications?q=a%00b")) == "q"
    assert enterprise.get(reverse("applications:list") + "?q=a%00b").status_code == 400


# ------------------------------------------------------------------------------------------ multipart bodies


def long_filename_body(boundary="h3boundary"):
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\n1\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{"a" * 1000}.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = head.encode() + pdf_bytes("x") + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_1000_character_file_name_through_the_api_is_400_not_500(enterprise, cast):
    application = draft(cast.enterprise_a, make_call())
    body, content_type = long_filename_body()
    response = enterprise.post(f"/api/v1/applications/{application.pk}/materials", body, content_type=content_type)
    assert response.status_code == 400
    assert "文件名过长" in errors_of(response)[0]["message"]
    assert not application.materials.exists()


def test_a_1000_character_file_name_on_the_page_is_a_400_page_in_chinese(enterprise, cast):
    application = draft(cast.enterprise_a, make_call())
    body, content_type = long_filename_body()
    url = reverse("applications:material_upload", args=[application.pk])
    response = enterprise.post(url, body, content_type=content_type)
    assert response.status_code == 400 and "文件名过长" in response.content.decode()


# ----------------------------------------------------------------------------------------------- no tracebacks


def test_production_refuses_to_start_with_debug(tmp_path):
    """A debug answer (Django's or django-ninja's) shows the traceback: production never runs with DEBUG."""
    result = run_manage("check", **PRODUCTION, DEBUG="1", SHENBAO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "DEBUG must be off in production" in result.stderr
