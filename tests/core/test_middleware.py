"""Caching headers (issue 11 §12) and the request id (§16): what core.middleware adds to every answer."""

import pytest

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_is_neither_stored_nor_shared(client, cast):
    client.force_login(cast.enterprise_a)
    response = client.get("/accounts/dashboard/", follow=True)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


def test_an_api_answer_to_a_bearer_token_is_not_stored(client, cast):
    key, _token = ApiToken.issue(cast.enterprise_a)
    response = client.get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_api_answer_to_the_session_is_not_stored(client, cast):
    client.force_login(cast.hanjiang_industry)
    response = client.get("/api/v1/inbox")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_refused_token_is_not_stored_either(client, db):
    response = client.get("/api/v1/inbox", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_public_pages_keep_their_own_caching(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_login_answer_itself_is_not_stored(client, cast):
    response = client.post("/accounts/login/", {"username": "ent_a", "password": cast.password})
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"


def test_every_answer_names_its_request_id(client, db):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42:9")["X-Request-ID"] == "lb-7f3a.42:9"
    for hostile in ("a b", "x\r\nfake log line", "'\"<>", "a" * 200, ""):
        replaced = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"]
        assert replaced != hostile and len(replaced) == 32
