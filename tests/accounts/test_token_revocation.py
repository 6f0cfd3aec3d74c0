"""Issue 11 §10: tokens follow the password, and a bearer call with a revoked or unknown token is 401 on every
method (never the session's CSRF 403, never the session's user)."""

import pytest
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client

from accounts.models import ApiToken, User
from audit.models import Event

NEW = "Neues-Pass-2019"

pytestmark = pytest.mark.django_db


def me(client, auth):
    return client.get("/api/v1/me", **auth)


def test_changing_the_password_on_the_page_revokes_every_token(client, cast, api_token):
    first, second = api_token(cast.enterprise_a), api_token(cast.enterprise_a)
    other = api_token(cast.enterprise_b)
    client.force_login(cast.enterprise_a)
    changed = client.post(
        "/accounts/password/", {"old_password": cast.password, "new_password1": NEW, "new_password2": NEW}
    )
    assert changed.status_code == 302
    assert me(client, first).status_code == 401
    assert me(client, second).status_code == 401
    assert me(client, other).status_code == 200  # someone else's tokens stay
    event = Event.objects.get(action="auth.tokens_revoke_all")
    assert event.object_id == str(cast.enterprise_a.pk)
    assert event.data["count"] == 2 and event.data["reason"] == "password_changed"
    assert not ApiToken.objects.filter(user=cast.enterprise_a, revoked_at__isnull=True).exists()
    # The new password gives a working token again.
    assert me(client, api_token(cast.enterprise_a, password=NEW)).status_code == 200


def test_an_administrators_reset_revokes_the_tokens(client, cast, api_token):
    auth = api_token(cast.enterprise_a)
    form = AdminPasswordChangeForm(cast.enterprise_a, {"password1": NEW, "password2": NEW})
    assert form.is_valid(), form.errors
    form.save()
    assert me(client, auth).status_code == 401


def test_any_code_path_that_sets_the_password_revokes_the_tokens(client, cast, api_token):
    auth = api_token(cast.enterprise_a)
    user = User.objects.get(pk=cast.enterprise_a.pk)
    user.set_password(NEW)
    user.save(update_fields=["password"])
    assert me(client, auth).status_code == 401


def test_other_saves_and_a_hash_upgrade_at_login_keep_the_tokens(client, cast, api_token):
    auth = api_token(cast.enterprise_a)
    user = User.objects.get(pk=cast.enterprise_a.pk)
    user.display_name = "张三"
    user.save()
    # An older hasher's hash is rewritten with the preferred one at the next login: the same password.
    old_hash = PBKDF2PasswordHasher().encode(cast.password, "saltsaltsalt", iterations=1000)
    User.objects.filter(pk=user.pk).update(password=old_hash)
    assert client.post("/accounts/login/", {"username": "ent_a", "password": cast.password}).status_code == 302
    assert not User.objects.get(pk=user.pk).password.startswith("pbkdf2_sha256$")
    assert me(Client(), auth).status_code == 200
    assert not Event.objects.filter(action="auth.tokens_revoke_all").exists()


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_a_revoked_or_unknown_bearer_is_401_on_every_method(cast, api_token, method):
    revoked = api_token(cast.enterprise_a)
    ApiToken.objects.filter(user=cast.enterprise_a).update(revoked_at="2019-01-01T00:00:00Z")
    browser = Client(enforce_csrf_checks=True)  # as a browser: CSRF enforced
    browser.force_login(cast.enterprise_a)  # … and signed in: the bearer alone must decide
    paths = {
        "get": "/api/v1/me",
        "post": "/api/v1/auth/logout",
        "put": "/api/v1/calls/1/selection",
        "patch": "/api/v1/calls/1",
        "delete": "/api/v1/applications/1/materials/1",
    }
    for auth in (revoked, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}, {"HTTP_AUTHORIZATION": "Basic eDp5"}):
        response = getattr(browser, method)(paths[method], content_type="application/json", **auth)
        assert response.status_code == 401, (method, auth, response.content)
        assert response.json() == {"errors": [{"field": None, "message": "请先登录，或令牌已失效。"}]}
    # Without an Authorization header the session still serves the pages' htmx calls.
    assert browser.get("/api/v1/me").status_code == 200
