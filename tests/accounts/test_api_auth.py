import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from tests.otp import otp_code

TOKEN = "/api/v1/auth/token"


def post_json(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def test_token_then_me_then_logout(client, cast):
    otp = otp_code(cast.hanjiang_industry)  # staff send their second factor (tests/accounts/test_two_factor.py)
    response = post_json(client, TOKEN, {"username": "hj_ind", "password": cast.password, "otp": otp})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"token", "expires_at"}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {body['token']}"}

    me = client.get("/api/v1/me", **auth)
    assert me.status_code == 200
    me = me.json()
    assert me["username"] == "hj_ind"
    assert me["role"] == "county_industry"
    assert me["organisation"]["name"] == "邗江区工信局"
    assert me["organisation"]["region_code"] == "321003"

    assert client.post("/api/v1/auth/logout", **auth).status_code == 204
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_only_the_hash_of_a_token_is_stored(client, cast):
    token = post_json(client, TOKEN, {"username": "ent_a", "password": cast.password}).json()["token"]
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.filter(key_hash=ApiToken.hash(token)).exists()


WRONG_CREDENTIALS = "用户名（或手机号）或密码不正确，请注意密码区分大小写。连续失败多次后账户将被临时锁定。"


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "ent_a", "password": "nope-nope-1"},  # wrong password
        {"username": "nobody", "password": "nope-nope-1"},  # no such user
    ],
)
def test_wrong_credentials_are_401_with_the_error_body(client, cast, credentials):
    response = post_json(client, TOKEN, credentials)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"field": None, "message": WRONG_CREDENTIALS}]}
    assert not ApiToken.objects.exists()


def test_inactive_account_gets_no_token(client, cast):
    cast.enterprise_a.is_active = False
    cast.enterprise_a.save()
    response = post_json(client, TOKEN, {"username": "ent_a", "password": cast.password})
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] is None


def test_token_endpoint_documents_401(client, db):
    responses = client.get("/api/v1/openapi.json").json()["paths"][TOKEN]["post"]["responses"]
    assert {"200", "401"} <= set(responses)


def test_missing_fields_are_422_in_chinese(client, db):
    response = post_json(client, TOKEN, {"username": "x"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "password", "message": "此字段为必填项。"}]


def test_malformed_json_is_422_not_500(client, db):
    response = client.post(TOKEN, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "errors" in response.json()


def test_api_lockout_after_repeated_failures(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_json(client, TOKEN, {"username": "ent_b", "password": "nope-nope-1"})
    locked = post_json(client, TOKEN, {"username": "ent_b", "password": cast.password})
    assert locked.status_code == 403  # locked stays 403, also with the right password
    assert "锁定" in locked.json()["errors"][0]["message"]


def test_api_login_by_mobile(client, cast):
    cast.enterprise_b.mobile = "13800000009"
    cast.enterprise_b.save()
    assert post_json(client, TOKEN, {"username": "13800000009", "password": cast.password}).status_code == 200


def test_expired_and_garbage_tokens_are_401(client, cast):
    key, token = ApiToken.issue(cast.enterprise_a)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer garbage")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"]


def test_inactive_user_token_is_401(client, cast):
    key, _ = ApiToken.issue(cast.enterprise_a)
    cast.enterprise_a.is_active = False
    cast.enterprise_a.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_me_without_credentials_is_401(client, db):
    assert client.get("/api/v1/me").status_code == 401


def test_session_cookie_also_authenticates_the_api(client, cast):
    client.force_login(cast.city_officer)
    assert client.get("/api/v1/me").json()["role"] == "city_officer"
