from tests.factories import CallFactory, NoticeFactory


def test_notices_api(client, db):
    notice = NoticeFactory(title="通知甲", view_count=3)
    listing = client.get("/api/v1/notices")
    assert listing.status_code == 200
    assert [n["title"] for n in listing.json()] == ["通知甲"]
    detail = client.get(f"/api/v1/notices/{notice.pk}").json()
    assert detail["view_count"] == 4
    assert detail["publish_date"] == "2019-05-14"
    assert detail["contact_person"] == "陈锦龙"
    assert detail["attachments"] == []


def test_calls_api_lists_categories_with_codes(client, db):
    call = CallFactory(title="批次甲")
    listing = client.get("/api/v1/calls").json()
    assert listing[0]["title"] == "批次甲"
    detail = client.get(f"/api/v1/calls/{call.pk}").json()
    assert detail["year"] == 2018
    assert detail["notice"] == call.notice_id
    assert detail["is_open"] is True
    assert [c["code"] for c in detail["categories"]] == ["demonstration", "new_product"]
    assert {"opens_at", "deadline"} <= set(detail)
    items = detail["categories"][0]["material_items"]
    assert len(items) == 7
    assert items[0]["code"] == "application_form"
    assert items[0]["allowed_types"] == ["pdf", "jpeg", "png", "ofd"]
    assert items[0]["max_size_bytes"] == 20 * 1024 * 1024


def test_calls_list_has_no_n_plus_one(client, db, django_assert_max_num_queries):
    for _ in range(3):
        CallFactory()
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/calls").json()) == 3


def test_unknown_objects_are_404_with_error_body(client, db):
    response = client.get("/api/v1/calls/999999")
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"]


def test_openapi_schema_and_local_docs(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/v1/auth/token",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/notices",
        "/api/v1/calls/{call_id}",
    ]:
        assert path in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
