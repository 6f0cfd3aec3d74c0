"""Staff sign in with a second factor (issue 11 §11): TOTP (RFC 6238, 30 s, 6 digits) or a recovery code, on the
login page, the admin's login and the API token endpoint alike; enterprises are not asked. Staff sessions end
after 30 idle minutes."""

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.rules import is_staff_account
from audit.models import Event
from tests.otp import code_for, otp_code, otp_device

LOGIN = "/accounts/login/"
OTP = "/accounts/login/code/"
ENROL = "/accounts/login/enrol/"
TOKEN = "/api/v1/auth/token"


def password_step(client, user, password, next_url=None):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.parametrize(
    "member, needs",
    [
        ("enterprise_a", False),
        ("hanjiang_industry", True),
        ("hanjiang_finance", True),
        ("city_officer", True),
        ("expert", True),
        ("admin", True),
        ("anonymous", False),
    ],
)
def test_who_needs_the_second_factor(cast, member, needs):
    assert bool(is_staff_account(getattr(cast, member))) is needs
    assert two_factor.requires_two_factor(getattr(cast, member)) is needs


def test_staff_password_alone_reaches_nothing_until_the_code(client, cast):
    user = cast.hanjiang_industry
    device = otp_device(user)
    response = password_step(client, user, cast.password)
    assert response.status_code == 302
    assert response.url.startswith(OTP)
    # Pages go to the code step, the API answers 401 on the field otp.
    dashboard = client.get(reverse("accounts:home_county"))
    assert dashboard.status_code == 302 and dashboard.url.startswith(OTP)
    me = client.get("/api/v1/me")
    assert me.status_code == 401
    assert me.json()["errors"][0]["field"] == "otp"
    assert client.get("/admin/").status_code == 302
    # The code step itself shows the form.
    page = client.get(response.url)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()

    done = client.post(OTP, {"code": code_for(device), "next": reverse("accounts:home_county")})
    assert done.status_code == 302 and done.url == reverse("accounts:home_county")
    assert client.get(reverse("accounts:home_county")).status_code == 200
    assert client.get("/api/v1/me").json()["username"] == user.username
    assert Event.objects.filter(action="auth.otp_verified", actor=user).exists()


def test_a_wrong_code_is_refused_in_chinese_audited_and_throttled(client, cast):
    user = cast.city_officer
    device = otp_device(user)
    password_step(client, user, cast.password)
    response = client.post(OTP, {"code": wrong(code_for(device))})
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert Event.objects.filter(action="auth.otp_failed", actor=user).exists()
    # Right away even the right code waits (the wait doubles with each failure).
    again = client.post(OTP, {"code": code_for(device)})
    assert "尝试次数过多" in again.content.decode()
    assert client.get(reverse("accounts:home_city")).status_code == 302
    empty = client.post(OTP, {"code": ""})
    assert "请输入验证码。" in empty.content.decode()


def test_a_code_is_used_once(client, cast):
    user = cast.expert
    device = otp_device(user)
    code = code_for(device)
    password_step(client, user, cast.password)
    assert client.post(OTP, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    password_step(client, user, cast.password)
    assert client.post(OTP, {"code": code}).status_code == 200  # replayed within its 30 s: refused


def test_enterprises_are_not_asked(client, cast):
    response = password_step(client, cast.enterprise_a, cast.password)
    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")
    assert client.get(reverse("enterprises:dashboard")).status_code == 200
    token = client.post(TOKEN, {"username": "ent_a", "password": cast.password}, content_type="application/json")
    assert token.status_code == 200


def test_first_login_enrols_a_device_and_shows_ten_recovery_codes_once(client, cast):
    user = cast.hanjiang_finance
    password_step(client, user, cast.password)
    to_enrol = client.get(OTP)
    assert to_enrol.status_code == 302 and to_enrol.url.startswith(ENROL)
    page = client.get(to_enrol.url)
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert two_factor.secret_base32(device) in body and "<svg" in body
    assert (device.step, device.digits) == (30, 6)
    assert client.get(ENROL).status_code == 200 and TOTPDevice.objects.filter(user=user).count() == 1  # reload

    refused = client.post(ENROL, {"code": "12345"})
    assert "验证码为 6 位数字。" in refused.content.decode()
    done = client.post(ENROL, {"code": code_for(device), "next": reverse("accounts:home_county")})
    assert done.status_code == 200
    codes = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT == 10
    for code in codes:
        assert code in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:home_county")).status_code == 200  # this session is verified
    assert Event.objects.filter(action="auth.otp_enrolled", actor=user).exists()
    # With a device, the enrolment page shows no new secret.
    client.post(reverse("accounts:logout"))
    password_step(client, user, cast.password)
    assert client.get(ENROL).url.startswith(OTP)


def test_a_recovery_code_logs_in_once(client, cast):
    user = cast.guangling_industry
    otp_device(user)
    codes = two_factor.recovery_codes_renew(user=user)
    password_step(client, user, cast.password)
    assert client.post(OTP, {"code": codes[0].upper()}).status_code == 302  # typed in any case
    assert two_factor.recovery_codes_left(user) == 9
    client.post(reverse("accounts:logout"))
    password_step(client, user, cast.password)
    assert client.post(OTP, {"code": codes[0]}).status_code == 200


def test_the_api_token_needs_the_code_for_staff(client, cast):
    user = cast.hanjiang_industry

    def post(**extra):
        body = {"username": user.username, "password": cast.password, **extra}
        return client.post(TOKEN, body, content_type="application/json")

    no_device = post(otp="123456")
    assert no_device.status_code == 401
    assert no_device.json()["errors"] == [
        {"field": "otp", "message": "该账户尚未绑定两步验证，请先在网页登录并完成绑定。"}
    ]
    device = otp_device(user)
    missing = post()
    assert missing.status_code == 401 and missing.json()["errors"][0]["field"] == "otp"
    bad = post(otp=wrong(code_for(device)))
    assert bad.status_code == 401
    assert bad.json()["errors"] == [{"field": "otp", "message": "两步验证码不正确或已过期。"}]
    assert Event.objects.filter(action="auth.otp_failed", actor=user).exists()
    good = post(otp=otp_code(user))
    assert good.status_code == 200 and good.json()["token"]
    assert not Event.objects.filter(action="auth.token_issue").exclude(actor=user).exists()
    # A wrong password still says so, without a word about the code.
    assert (
        client.post(
            TOKEN, {"username": user.username, "password": "nope-nope-1"}, content_type="application/json"
        ).json()["errors"][0]["field"]
        is None
    )


def test_the_admin_login_is_the_login_page_with_its_second_step(client, cast):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN) and "next=/admin/accounts/user/" in response.url
    assert client.post("/admin/login/", {"username": "root", "password": cast.password}).status_code == 302
    assert "_auth_user_id" not in client.session  # the admin's own form is not there to post to
    otp_device(cast.admin)
    password_step(client, cast.admin, cast.password, next_url="/admin/")
    assert client.get("/admin/").url.startswith(OTP)
    client.post(OTP, {"code": otp_code(cast.admin)})
    assert client.get("/admin/").status_code == 200


def test_an_administrator_resets_a_device_and_the_next_login_enrols_again(client, cast):
    user = cast.hanjiang_industry
    otp_device(user)
    two_factor.recovery_codes_renew(user=user)
    client.force_login(cast.admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [user.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    event = Event.objects.get(action="auth.otp_reset")
    assert (event.actor, event.object_id) == (cast.admin, str(user.pk))
    client.logout()
    password_step(client, user, cast.password)
    assert client.get(OTP).url.startswith(ENROL)


def test_a_reset_ends_the_verification_of_an_open_session(client, cast):
    user = cast.city_officer
    otp_device(user)
    password_step(client, user, cast.password)
    client.post(OTP, {"code": otp_code(user)})
    assert client.get(reverse("accounts:home_city")).status_code == 200
    two_factor.two_factor_reset(user=user, actor=cast.admin)
    assert client.get(reverse("accounts:home_city")).url.startswith(OTP)


def test_the_otp_devices_are_not_edited_in_the_admin(client, cast):
    client.force_login(cast.admin)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_a_waiting_session_may_log_out(client, cast):
    otp_device(cast.expert)
    password_step(client, cast.expert, cast.password)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def _verified_staff_session(client, cast):
    user = cast.hanjiang_industry
    otp_device(user)
    password_step(client, user, cast.password)
    client.post(OTP, {"code": otp_code(user)})
    return user


def _idle_for(client, minutes):
    session = client.session
    session[two_factor.LAST_ACTIVITY_SESSION_KEY] = time.time() - minutes * 60
    session.save()


def test_staff_sessions_end_after_30_idle_minutes(client, cast):
    _verified_staff_session(client, cast)
    _idle_for(client, 29)
    assert client.get(reverse("accounts:home_county")).status_code == 200
    _idle_for(client, 31)
    response = client.get(reverse("accounts:home_county"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "您已超过 30 分钟未操作" in page.content.decode()


def test_an_idle_api_session_is_401(client, cast):
    _verified_staff_session(client, cast)
    _idle_for(client, 31)
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and "30 分钟" in response.json()["errors"][0]["message"]


def test_staff_pages_carry_the_idle_warning_and_enterprise_pages_do_not(client, cast):
    _verified_staff_session(client, cast)
    body = client.get(reverse("accounts:home_county")).content.decode()
    assert "js/idle.js" in body and 'data-idle-seconds="1770"' in body and 'data-warn-seconds="120"' in body
    assert client.post(reverse("accounts:keepalive")).status_code == 204
    client.post(reverse("accounts:logout"))
    password_step(client, cast.enterprise_a, cast.password)
    assert "js/idle.js" not in client.get(reverse("enterprises:dashboard")).content.decode()


def test_recovery_codes_are_renewed_only_by_a_verified_session(client, cast):
    user = _verified_staff_session(client, cast)
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    old = two_factor.recovery_codes_renew(user=user)
    response = client.post(reverse("accounts:two_factor"))
    assert response.status_code == 200
    new = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(new) == 10 and not set(old) & set(new)
    client.logout()
    client.force_login(user)  # a session that did not pass the second factor
    assert client.post(reverse("accounts:two_factor")).status_code == 403


def test_force_login_in_tests_checks_no_password_and_is_not_held(client, cast):
    """docs/architecture.md "Decisions": only a session opened with a password waits for the code; the tests'
    Client.force_login opens none that way (production has no such path)."""
    client.force_login(cast.city_officer)
    assert client.get(reverse("accounts:home_city")).status_code == 200


def test_the_password_page_links_staff_to_their_second_factor(client, cast):
    client.force_login(cast.expert)
    assert reverse("accounts:two_factor") in client.get(reverse("accounts:password_change")).content.decode()
    client.force_login(cast.enterprise_a)
    assert reverse("accounts:two_factor") not in client.get(reverse("accounts:password_change")).content.decode()


def test_a_waiting_session_may_still_ask_the_api_for_a_token(client, cast):
    user = cast.city_officer
    otp_device(user)
    password_step(client, user, cast.password)
    body = {"username": user.username, "password": cast.password, "otp": otp_code(user)}
    assert client.post(TOKEN, body, content_type="application/json").status_code == 200


def test_logging_out_of_an_idle_session_just_logs_out(client, cast):
    _verified_staff_session(client, cast)
    _idle_for(client, 45)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert "_auth_user_id" not in client.session
