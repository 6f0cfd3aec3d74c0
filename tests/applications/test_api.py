import datetime as dt

import pytest
from django.utils import timezone

from applications.models import Application
from programmes.models import Call
from tests.applications.core_helpers import complete, demonstration_data, draft, make_call, make_profile

pytestmark = pytest.mark.django_db


def _json(client, method, url, headers, body=None):
    fn = getattr(client, method)
    if body is None:
        return fn(url, **headers)
    return fn(url, body, content_type="application/json", **headers)


def test_form_schema_is_published_per_category(client):
    call = make_call()
    response = client.get(f"/api/v1/calls/{call.id}/categories/demonstration/form-schema")
    assert response.status_code == 200
    schema = response.json()
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {
        "areas",
        "investments",
        "management_software",
        "control_projects",
        "sales",
        "summary",
    }
    inv = schema["properties"]["investments"]["items"]["properties"]
    assert inv["kind"]["enum"] == ["hardware", "software", "service"]
    assert inv["date"]["formatMinimum"] == "2017-01-01" and inv["date"]["formatMaximum"] == "2018-12-31"
    assert "investments" in schema["required"]
    np = client.get(f"/api/v1/calls/{call.id}/categories/new_product/form-schema").json()
    assert set(np["properties"]["comparison"]["properties"]) == {
        "operating_cost", "development_cycle_days", "defect_rate", "productivity", "energy_utilisation"
    }  # fmt: skip
    assert client.get(f"/api/v1/calls/{call.id}/categories/nope/form-schema").status_code == 404


def test_create_list_get(client, cast, api_token):
    call = make_call()
    headers = api_token(cast.enterprise_a)
    response = _json(client, "post", "/api/v1/applications", headers, {"call": call.id, "category": "demonstration"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1 and body["receipt_no"] is None
    assert body["eligibility"]["eligible"] is False
    assert len(body["materials_missing"]) == 7  # the factory gives the 2018 checklist: nothing uploaded yet
    again = _json(client, "post", "/api/v1/applications", headers, {"call": call.id, "category": "demonstration"})
    assert again.status_code == 409
    bad = _json(client, "post", "/api/v1/applications", headers, {"call": call.id, "category": "xx"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "category"
    listing = client.get("/api/v1/applications", **headers).json()
    assert listing["count"] == 1 and listing["next"] is None and listing["previous"] is None
    assert [a["id"] for a in listing["results"]] == [body["id"]]
    assert client.get(f"/api/v1/applications/{body['id']}", **headers).json()["id"] == body["id"]


def test_other_enterprise_gets_404_everywhere(client, cast, api_token):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    headers = api_token(cast.enterprise_b)
    base = f"/api/v1/applications/{application.id}"
    assert client.get(base, **headers).status_code == 404
    assert _json(client, "patch", base, headers, {"data": {}, "version": 1}).status_code == 404
    assert _json(client, "post", base + "/submit", headers, {"declaration": True}).status_code == 404
    assert _json(client, "post", base + "/withdraw", headers, {}).status_code == 404
    assert client.get(base + "/pdf", **headers).status_code == 404
    assert client.get("/api/v1/applications", **headers).json()["results"] == []


def test_county_sees_only_submitted_in_its_region(client, cast, api_token):
    call = make_call()
    application = complete(cast.enterprise_a, call)
    hj = api_token(cast.hanjiang_industry)
    assert client.get(f"/api/v1/applications/{application.id}", **hj).status_code == 404
    submit = _json(
        client,
        "post",
        f"/api/v1/applications/{application.id}/submit",
        api_token(cast.enterprise_a),
        {"declaration": True},
    )
    assert submit.status_code == 200, submit.content
    assert client.get(f"/api/v1/applications/{application.id}", **hj).status_code == 200
    gl = api_token(cast.guangling_industry)
    assert client.get(f"/api/v1/applications/{application.id}", **gl).status_code == 404
    assert client.get(f"/api/v1/applications/{application.id}", **api_token(cast.city_officer)).status_code == 200
    # a reviewer may see it but not change it
    patch = _json(client, "patch", f"/api/v1/applications/{application.id}", hj, {"data": {}, "version": 1})
    assert patch.status_code == 403


def test_patch_saves_reports_422_and_409(client, cast, api_token):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    headers = api_token(cast.enterprise_a)
    url = f"/api/v1/applications/{application.id}"
    data = demonstration_data()
    ok = _json(client, "patch", url, headers, {"data": data, "version": 1})
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 2 and ok.json()["errors"] == []
    assert ok.json()["derived"]["investment_total_yuan"] == "554000.00"
    data["investments"][1]["amount_yuan"] = "十万"
    data["investments"][2]["invoice_no"] = data["investments"][0]["invoice_no"]
    bad = _json(client, "patch", url, headers, {"data": data, "version": 2})
    assert bad.status_code == 422
    body = bad.json()
    assert body["saved"] is True and body["version"] == 3
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"investments.1.amount_yuan", "investments.2.invoice_no"}
    assert Application.objects.get(pk=application.pk).data["investments"][1]["amount_yuan"] == "十万"
    stale = _json(client, "patch", url, headers, {"data": data, "version": 2})
    assert stale.status_code == 409
    assert "已被同单位其他人修改" in stale.json()["errors"][0]["message"]
    shape = _json(client, "patch", url, headers, {"data": {"unknown": 1}, "version": 3})
    assert shape.status_code == 422 and "saved" not in shape.json()
    assert Application.objects.get(pk=application.pk).version == 3


def test_submit_422_lists_everything_then_200(client, cast, api_token):
    call = make_call()
    make_profile(cast.enterprise_a)
    application = draft(cast.enterprise_a, call)
    headers = api_token(cast.enterprise_a)
    url = f"/api/v1/applications/{application.id}/submit"
    response = _json(client, "post", url, headers, {"declaration": False})
    assert response.status_code == 422
    messages = [e["message"] for e in response.json()["errors"]]
    assert any("承诺书" in m for m in messages) and any("投入" in m for m in messages)
    application.delete()
    application = complete(cast.enterprise_a, call)
    url = f"/api/v1/applications/{application.id}/submit"
    response = _json(client, "post", url, headers, {"declaration": True})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["status"] == "submitted" and body["receipt_no"].endswith("-SF-321003-0001") and len(body["digest"]) == 64
    )
    again = _json(client, "post", url, headers, {"declaration": True})
    assert again.status_code == 409
    withdraw = _json(client, "post", f"/api/v1/applications/{application.id}/withdraw", headers, {})
    assert withdraw.status_code == 200 and withdraw.json()["status"] == "withdrawn"


def test_submit_after_deadline_is_409(client, cast, api_token):
    call = make_call()
    application = complete(cast.enterprise_a, call)
    headers = api_token(cast.enterprise_a)
    # One second after the deadline (moving the call, not the clock: the token's expiry reads the clock too).
    now = timezone.now().replace(microsecond=0)
    Call.objects.filter(pk=call.pk).update(opens_at=now - dt.timedelta(days=5), deadline=now - dt.timedelta(seconds=1))
    response = _json(client, "post", f"/api/v1/applications/{application.id}/submit", headers, {"declaration": True})
    assert response.status_code == 409
    assert "截止" in response.json()["errors"][0]["message"]


def test_pdf_before_submission_is_409(client, cast, api_token):
    call = make_call()
    application = draft(cast.enterprise_a, call)
    response = client.get(f"/api/v1/applications/{application.id}/pdf", **api_token(cast.enterprise_a))
    assert response.status_code == 409


def test_unauthenticated_is_401(client):
    assert client.get("/api/v1/applications").status_code == 401


def _list_queries(client, headers, django_assert_max_num_queries, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/applications", **headers)
    assert response.status_code == 200 and len(response.json()["results"]) == n
    return len(ctx.captured_queries)


def test_list_has_no_n_plus_one(client, cast, api_token, django_assert_max_num_queries):
    from tests.factories import CallFactory

    headers = api_token(cast.enterprise_a)
    draft(cast.enterprise_a, CallFactory())
    one = _list_queries(client, headers, django_assert_max_num_queries, 1)
    draft(cast.enterprise_a, CallFactory())
    draft(cast.enterprise_a, CallFactory())
    three = _list_queries(client, headers, django_assert_max_num_queries, 3)
    assert one == three


def test_submitted_application_reports_the_frozen_eligibility(client, cast, api_token):
    from enterprises.models import EnterpriseProfile

    call = make_call()
    application = complete(cast.enterprise_a, call)
    headers = api_token(cast.enterprise_a)
    _json(client, "post", f"/api/v1/applications/{application.id}/submit", headers, {"declaration": True})
    # The live profile changes afterwards (now a large enterprise): the submitted application keeps its verdict.
    EnterpriseProfile.objects.filter(organisation=cast.enterprise_a.organisation).update(employees=5000)
    body = client.get(f"/api/v1/applications/{application.id}", **headers).json()
    assert body["eligibility"]["eligible"] is True
    assert body["snapshot_version"] == 1 and body["verify_url"] == f"/verify/{body['digest']}"
