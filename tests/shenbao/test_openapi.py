"""The published OpenAPI document: error responses on every operation, and the success codes the API answers."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from shenbao.openapi import ERROR_BODY, error_codes
from tests.applications.core_helpers import make_call

pytestmark = pytest.mark.django_db

REF = {"$ref": f"#/components/schemas/{ERROR_BODY}"}
# Endpoints that create something answer 201 (and the schema says so).
CREATING = [
    ("post", "/api/v1/applications"),
    ("post", "/api/v1/applications/{application_id}/materials"),
    ("post", "/api/v1/calls/{call_id}/copy"),
    ("post", "/api/v1/experts"),
    ("post", "/api/v1/batches"),
    ("post", "/api/v1/calls/{call_id}/panels"),
    ("post", "/api/v1/calls/{call_id}/publicity"),
    ("post", "/api/v1/publicity/{publicity_id}/objections"),
    ("post", "/api/v1/calls/{call_id}/designations"),
]


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_the_error_body_is_one_shared_component(schema):
    body = schema["components"]["schemas"][ERROR_BODY]
    assert body["required"] == ["errors"]
    item = schema["components"]["schemas"][body["properties"]["errors"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert item["required"] == ["field", "message"]
    assert item["properties"]["field"]["anyOf"] == [{"type": "string"}, {"type": "null"}]


def test_every_operation_documents_the_errors_it_can_answer(schema):
    seen = set()
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        has_auth = bool(operation.get("security"))
        has_path = "{" in path
        if has_auth:
            assert {"401", "403"} <= set(responses), (method, path)
        if has_path:
            assert "404" in responses, (method, path)
        if method in {"post", "put", "patch"}:
            assert {"400", "409", "413", "422"} <= set(responses), (method, path)
        for code, response in responses.items():
            if code.startswith("4"):
                seen.add(code)
                schema_of = response["content"]["application/json"]["schema"]
                # Either the shared component or a router's own {"errors": [...]} model.
                assert schema_of == REF or "ErrorsOut" in json.dumps(schema_of), (method, path, code)
    assert seen == {"400", "401", "403", "404", "409", "413", "422", "429"}


def test_codes_follow_what_the_operation_is():
    assert (
        error_codes(methods=["GET"], has_auth=False, has_path_params=False, has_input=False, throttled=False) == set()
    )
    assert error_codes(methods=["GET"], has_auth=True, has_path_params=True, has_input=True, throttled=False) == {
        401,
        403,
        404,
        422,
    }
    assert error_codes(methods=["POST"], has_auth=False, has_path_params=False, has_input=False, throttled=True) == {
        400,
        409,
        413,
        422,
        429,
    }
    assert 413 not in error_codes(
        methods=["DELETE"], has_auth=True, has_path_params=True, has_input=True, throttled=False
    )


def test_throttled_and_path_operations(schema):
    eligibility = schema["paths"]["/api/v1/eligibility/check"]["post"]["responses"]
    assert "429" in eligibility and "401" not in eligibility
    detail = schema["paths"]["/api/v1/applications/{application_id}"]["get"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(detail) and "409" not in detail
    assert set(schema["paths"]["/api/v1/ping"]["get"]["responses"]) == {"200"}


def test_creating_endpoints_document_201(schema):
    for method, path in CREATING:
        responses = schema["paths"][path][method]["responses"]
        assert "201" in responses and "200" not in responses, (method, path)


def test_creating_endpoints_answer_what_the_schema_says(client, cast, api_token, schema):
    call = make_call()
    city = api_token(cast.city_officer)

    def documented(method, path):
        return {int(c) for c in schema["paths"][path][method]["responses"] if c.startswith("2")}

    def post(url, body, headers):
        return client.post(url, json.dumps(body), content_type="application/json", **headers)

    created = post("/api/v1/applications", {"call": call.pk, "category": "demonstration"}, api_token(cast.enterprise_a))
    assert created.status_code in documented("post", "/api/v1/applications"), created.content

    now = timezone.now().replace(microsecond=0)
    body = {
        "year": call.year + 1,
        "title": "下一年度申报",
        "opens_at": (now - dt.timedelta(days=1)).isoformat(),
        "deadline": (now + dt.timedelta(days=30)).isoformat(),
    }
    copied = post(f"/api/v1/calls/{call.pk}/copy", body, city)
    assert copied.status_code in documented("post", "/api/v1/calls/{call_id}/copy"), copied.content

    expert = {
        "username": "zhang_expert",
        "display_name": "张教授",
        "field": "industrial_internet",
        "employer_name": "扬州大学",
        "employer_credit_code": "",
        "region": "321002",
        "title": "教授",
        "contact": "0514-87000000",
    }
    made = post("/api/v1/experts", expert, city)
    assert made.status_code in documented("post", "/api/v1/experts"), made.content


def test_an_error_answer_matches_the_documented_body(client, cast, api_token, schema):
    response = client.get("/api/v1/applications/999999", **api_token(cast.enterprise_a))
    assert response.status_code == 404
    assert "404" in schema["paths"]["/api/v1/applications/{application_id}"]["get"]["responses"]
    body = response.json()
    assert set(body) == {"errors"} and set(body["errors"][0]) == {"field", "message"}
