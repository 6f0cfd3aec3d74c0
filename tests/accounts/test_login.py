import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import Event

LOGIN = "/accounts/login/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_with_username_lands_on_role_dashboard(client, cast):
    response = post_login(client, "ent_a", cast.password)
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    response = client.get(response.url)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'data-role="enterprise"' in page.content.decode()


def test_login_with_mobile_number(client, cast):
    cast.enterprise_a.mobile = "13951400001"
    cast.enterprise_a.save()
    response = post_login(client, "13951400001", cast.password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.enterprise_a.pk)


def test_username_in_any_case_logs_in_and_counts_against_the_same_account(client, cast, settings):
    cast.enterprise_a.username = "91321003MA1MDM1A2R"  # registration stores credit codes upper-case
    cast.enterprise_a.save()
    response = post_login(client, "91321003ma1mdm1a2r", cast.password)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(cast.enterprise_a.pk)
    client.logout()
    token = client.post(
        "/api/v1/auth/token",
        {"username": "91321003Ma1mdM1A2r", "password": cast.password},
        content_type="application/json",
    )
    assert token.status_code == 200
    for i in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "91321003ma1mdm1a2r" if i % 2 else "91321003MA1MDM1A2R", "wrong-password-1")
    assert post_login(client, "91321003MA1MDM1A2R", cast.password).status_code == 403


def test_names_that_differ_only_in_case_log_in_only_exactly(client, cast):
    from tests.factories import UserFactory

    UserFactory(username="Ent_A", organisation=cast.enterprise_a.organisation)
    assert post_login(client, "ent_a", cast.password).status_code == 302
    assert client.session["_auth_user_id"] == str(cast.enterprise_a.pk)
    client.logout()
    assert post_login(client, "ENT_A", cast.password).status_code == 200  # ambiguous: no guess


def test_wrong_password_shows_clear_chinese_error_and_is_audited(client, cast):
    response = post_login(client, "ent_a", "wrong-password-1")
    assert response.status_code == 200
    assert "用户名（或手机号）或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="auth.login_failed", data__username="ent_a").exists()


def test_repeated_failures_lock_the_account(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "ent_a", "wrong-password-1").status_code == 200
    locked = post_login(client, "ent_a", "wrong-password-1")
    assert locked.status_code == 403
    assert "账户已被临时锁定" in locked.content.decode()
    # Even the right password is refused while locked.
    again = post_login(client, "ent_a", cast.password)
    assert again.status_code == 403
    assert "_auth_user_id" not in client.session
    # Other accounts are not affected.
    assert post_login(client, "ent_b", cast.password).status_code == 302


def test_failures_by_mobile_count_against_the_same_account(client, cast, settings):
    cast.enterprise_a.mobile = "13951400002"
    cast.enterprise_a.save()
    for i in range(settings.AXES_FAILURE_LIMIT):
        login = "13951400002" if i % 2 else "ent_a"
        post_login(client, login, "wrong-password-1")
    assert post_login(client, "ent_a", cast.password).status_code == 403


def test_logout_requires_post_and_ends_session(client, cast):
    client.force_login(cast.enterprise_a)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_validates_in_chinese(client, cast):
    client.force_login(cast.enterprise_a)
    weak = client.post(
        "/accounts/password/", {"old_password": cast.password, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    body = weak.content.decode()
    assert "密码必须同时包含字母和数字" in body
    ok = client.post(
        "/accounts/password/",
        {"old_password": cast.password, "new_password1": "Neues-Pass-2019", "new_password2": "Neues-Pass-2019"},
    )
    assert ok.status_code == 302
    cast.enterprise_a.refresh_from_db()
    assert cast.enterprise_a.check_password("Neues-Pass-2019")
    # With which hasher production stores it: test_passwords_are_hashed_with_argon2.


@pytest.mark.parametrize(
    "member, role",
    [
        ("enterprise_a", "enterprise"),
        ("hanjiang_industry", "county_industry"),
        ("hanjiang_finance", "county_finance"),
        ("city_officer", "city_officer"),
        ("expert", "expert"),
        ("admin", "admin"),
    ],
)
def test_each_role_lands_on_its_own_workspace(client, cast, member, role):
    user = getattr(cast, member)
    client.force_login(user)
    page = client.get(reverse("accounts:dashboard"), follow=True)
    assert page.status_code == 200
    assert f'data-role="{role}"' in page.content.decode()


@pytest.mark.parametrize(
    "member, url_name",
    [
        ("enterprise_a", "accounts:home_county"),
        ("enterprise_a", "accounts:home_city"),
        ("hanjiang_industry", "accounts:home_city"),
        ("expert", "enterprises:dashboard"),
        ("city_officer", "accounts:home_expert"),
    ],
)
def test_a_role_cannot_open_another_roles_workspace(client, cast, member, url_name):
    client.force_login(getattr(cast, member))
    assert client.get(reverse(url_name)).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("accounts:home_city"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_passwords_are_hashed_with_argon2(cast, settings):
    from shenbao import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # the tests' fast hasher off
    user = User.objects.get(username="ent_a")
    user.set_password("Ein-Passwort-2019")
    user.save()
    assert User.objects.get(username="ent_a").password.startswith("argon2")
