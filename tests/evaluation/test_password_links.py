"""One-time set-password links for experts: the city issues them (API, one expert's button, the bulk action after
an import), the expert gets them by inbox and email, the public page sets the password once, with the project's
validators; used, replaced, expired or tampered links are refused with one clear message. Audited."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import RequestFactory
from django.utils import timezone

from accounts import password_links
from accounts.models import User
from accounts.services import api_token_issue
from audit.models import Event
from core.errors import Conflict
from evaluation import services
from notifications.models import Message
from tests.evaluation.helpers import make_expert
from tests.matrix import DENIED, OK, service_outcome

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yangzhou-expert-2018"


def imported(cast, username="li_si", **extra):
    """An expert as the import or the API creates them: an account without a usable password."""
    data = {"username": username, "display_name": "李四", "field": "e_commerce", "employer_name": "扬州大学", **extra}
    return services.expert_create(actor=cast.city_officer, data=data)


def bearer(user):
    """The API's bearer header for `user`, issued directly (the login endpoint's own tests are in tests/accounts)."""
    key, _token = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post_json(client, url, headers):
    response = client.post(url, data="{}", content_type="application/json", **headers)
    return response.status_code, response.json()


def _path(url):
    return url.removeprefix(password_links.absolute(""))


def _set(client, path, password=NEW_PASSWORD, again=None):
    """Open the link (it moves the token into the session) and post the new password on the page it leads to."""
    opened = client.get(path)
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/"), opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": again or password})


def test_the_city_issues_a_link_and_the_expert_sets_a_password_once(client, cast, settings):
    settings.SITE_URL = "https://shenbao.example.gov.cn"
    expert = imported(cast)
    assert not expert.user.has_usable_password()
    status, body = _post_json(client, f"/api/v1/experts/{expert.pk}/password-link", bearer(cast.city_officer))
    assert status == 200, body
    assert body["url"].startswith("https://shenbao.example.gov.cn/accounts/set-password/")
    assert body["reset"] is False and body["emailed"] is False  # no email address: the officer hands it over
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + timedelta(days=3))) < timedelta(minutes=1)
    message = Message.objects.get(recipient=expert.user, kind="evaluation.password_link")
    assert message.link == _path(body["url"]) and "登录名 li_si" in message.body and "只能使用一次" in message.body

    path = _path(body["url"])
    anonymous = client.__class__()
    page = anonymous.get(anonymous.get(path)["Location"])
    assert page.status_code == 200 and "为账户 li_si 设置登录密码" in page.content.decode()
    mismatch = anonymous.post(anonymous.get(path)["Location"], {"new_password1": NEW_PASSWORD, "new_password2": "x"})
    assert mismatch.status_code == 200 and "两次输入的密码不一致。" in mismatch.content.decode()
    weak = anonymous.post(anonymous.get(path)["Location"], {"new_password1": "abcdefghijk", "new_password2": ""})
    assert "请再次输入新密码。" in weak.content.decode()
    weak = anonymous.post(
        anonymous.get(path)["Location"], {"new_password1": "abcdefghijk", "new_password2": "abcdefghijk"}
    )
    assert "密码必须同时包含字母和数字。" in weak.content.decode()  # the project's validator, in Chinese

    done = _set(anonymous, path)
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    expert.user.refresh_from_db()
    assert expert.user.check_password(NEW_PASSWORD)
    login = anonymous.get("/accounts/login/")
    assert "密码已设置。请使用登录名 li_si 和新密码登录。" in login.content.decode()
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="li_si", password=NEW_PASSWORD) == expert.user
    # the page only sets the password: nobody is logged in by it
    assert "_auth_user_id" not in anonymous.session

    used = anonymous.get(path)
    assert used.status_code == 400 and "此设置密码链接无效、已使用或已过期。" in used.content.decode()
    events = {e.action: e for e in Event.objects.filter(action__startswith="account.password_")}
    assert events["account.password_link"].actor == cast.city_officer
    assert events["account.password_link"].object_id == str(expert.user.pk)
    assert events["account.password_set"].actor == expert.user
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert not any(token in json.dumps(e.data, ensure_ascii=False) + e.summary for e in events.values())


def test_a_new_link_replaces_the_earlier_one_of_an_account_without_password(client, cast):
    expert = imported(cast)
    first, _sent = services.expert_password_link(actor=cast.city_officer, expert=expert)
    second, _sent = services.expert_password_link(actor=cast.city_officer, expert=expert)
    assert client.get(first.path).status_code == 400
    assert _set(client, second.path).status_code == 302


def test_a_reset_link_keeps_the_password_until_it_is_used(client, cast):
    expert = make_expert()  # an account with a password (the factory's)
    link, sent = services.expert_password_link(actor=cast.city_officer, expert=expert)
    assert link.reset and sent[0].subject == "重置评审专家账户的登录密码"
    expert.user.refresh_from_db()
    assert expert.user.check_password(cast.password)
    assert _set(client, link.path).status_code == 302
    expert.user.refresh_from_db()
    assert expert.user.check_password(NEW_PASSWORD) and not expert.user.check_password(cast.password)


def test_a_password_set_by_link_lifts_the_accounts_lockout(client, cast, settings):
    expert = make_expert()
    name = expert.user.get_username()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": name, "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post("/accounts/login/", {"username": name, "password": cast.password}, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 403
    link, _sent = services.expert_password_link(actor=cast.city_officer, expert=expert)
    assert _set(client, link.path).status_code == 302
    after = client.post("/accounts/login/", {"username": name, "password": NEW_PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert after.status_code == 302  # on to the second factor, no longer the lockout page


def test_an_expired_or_tampered_link_is_refused(client, cast, settings):
    expert = imported(cast)
    link, _sent = services.expert_password_link(actor=cast.city_officer, expert=expert)

    class MadeEarlier(PasswordResetTokenGenerator):  # the same token, made just over the timeout ago
        def _now(self):
            return super()._now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 2)

    stale = MadeEarlier().make_token(expert.user)
    assert password_links.token_generator.check_token(expert.user, MadeEarlier().make_token(expert.user)) is False
    uidb64 = link.path.split("/")[-3]
    for path in (
        f"/accounts/set-password/{uidb64}/{stale}/",  # older than PASSWORD_RESET_TIMEOUT
        f"/accounts/set-password/{uidb64}/1-abc/",
        f"/accounts/set-password/not-base64/{link.path.split('/')[-2]}/",
        "/accounts/set-password/OTk5OTk5/set-password/",  # an unknown account, no token in the session
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "此设置密码链接无效、已使用或已过期。" in response.content.decode()
        assert "链接只能使用一次，有效期为发出后 3 天" in response.content.decode()
    settings.PASSWORD_RESET_TIMEOUT = 3600
    short, _sent = services.expert_password_link(actor=cast.city_officer, expert=expert)
    assert abs(short.expires_at - (timezone.now() + timedelta(hours=1))) < timedelta(minutes=1)


def test_a_deactivated_account_gets_no_link_and_its_links_stop_working(client, cast):
    expert = imported(cast)
    link, _sent = services.expert_password_link(actor=cast.city_officer, expert=expert)
    User.objects.filter(pk=expert.user.pk).update(is_active=False)
    expert.user.refresh_from_db()
    assert client.get(link.path).status_code == 400
    with pytest.raises(Conflict, match="已停用"):
        services.expert_password_link(actor=cast.city_officer, expert=expert)


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("city_officer", OK),
        ("enterprise_a", DENIED),
        ("hanjiang_industry", DENIED),
        ("hanjiang_finance", DENIED),
        ("expert", DENIED),
        ("admin", DENIED),  # the system administrator acts on no expert's account here
    ],
)
def test_only_the_city_issues_links(client, cast, who, outcome):
    expert = imported(cast)
    actor = getattr(cast, who)
    assert service_outcome(lambda: services.expert_password_link(actor=actor, expert=expert)) == outcome
    assert service_outcome(lambda: services.experts_password_links(actor=actor)) == outcome
    if outcome == OK:
        return
    status, body = _post_json(client, f"/api/v1/experts/{expert.pk}/password-link", bearer(actor))
    assert status == 403 and body["errors"][0]["message"]
    client.force_login(actor)
    assert client.post(f"/evaluation/experts/{expert.pk}/password-link/").status_code == 403
    assert client.post("/evaluation/experts/password-links/").status_code == 403
    assert not Event.objects.filter(action="account.password_link").exists()


def test_anonymous_callers_are_sent_to_log_in(client, cast):
    expert = imported(cast)
    assert client.post(f"/api/v1/experts/{expert.pk}/password-link").status_code == 401
    response = client.post(f"/evaluation/experts/{expert.pk}/password-link/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_expert_is_404(client, cast):
    status, _body = _post_json(client, "/api/v1/experts/999999/password-link", bearer(cast.city_officer))
    assert status == 404


def test_the_pool_page_sends_links_to_every_expert_without_a_password(client, cast):
    waiting = [imported(cast, username="li_si"), imported(cast, username="wang_wu", display_name="王五")]
    with_password = make_expert()
    retired = imported(cast, username="old_expert", active=False)
    client.force_login(cast.city_officer)
    pool = client.get("/evaluation/experts/").content.decode()
    assert "为未设置密码的专家发送设置密码链接" in pool and "未设置" in pool and "发送重置密码链接" in pool
    page = client.post("/evaluation/experts/password-links/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert "链接只在本页显示这一次" in text and "专家没有电子邮箱，请当面或电话转交" in text
    for expert in waiting:
        assert f'data-expert="{expert.pk}"' in text
    assert f'data-expert="{with_password.pk}"' not in text and f'data-expert="{retired.pk}"' not in text
    assert Event.objects.filter(action="account.password_link").count() == 2
    assert Message.objects.filter(kind="evaluation.password_link").count() == 2
    # one expert's button, here a reset
    one = client.post(f"/evaluation/experts/{with_password.pk}/password-link/")
    assert one.status_code == 200 and f'data-expert="{with_password.pk}"' in one.content.decode()


def test_the_bulk_action_with_nobody_waiting_says_so(client, cast):
    make_expert()
    client.force_login(cast.city_officer)
    response = client.post("/evaluation/experts/password-links/", follow=True)
    assert "专家库中没有未设置密码的专家。" in response.content.decode()


def test_an_expert_with_an_email_is_mailed_the_link(cast, mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://shenbao.example.gov.cn"
    expert = imported(cast)
    User.objects.filter(pk=expert.user.pk).update(email="li_si@example.cn")
    expert.user.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        link, sent = services.expert_password_link(actor=cast.city_officer, expert=expert)
    assert sent[0].email_state == "queued"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["li_si@example.cn"]
    assert link.url in mailoutbox[0].body


def test_after_an_import_the_pool_page_points_to_the_links_and_they_reach_the_new_experts(client, cast):
    from openpyxl import Workbook

    from evaluation.pool_xlsx import COLUMNS

    book = Workbook()
    book.active.append([h for _k, h in COLUMNS])
    book.active.append(
        ["li_si", "李四", "13912345678", "财务与审计", "扬州华信会计师事务所", "", "广陵区", "", "", "是"]
    )
    sheet = io.BytesIO()
    book.save(sheet)
    sheet.seek(0)
    sheet.name = "experts.xlsx"
    client.force_login(cast.city_officer)
    imported_page = client.post("/evaluation/experts/import/", {"file": sheet}, follow=True).content.decode()
    assert "新导入的专家还没有登录密码" in imported_page
    links = client.post("/evaluation/experts/password-links/").content.decode()
    assert "li_si" in links and "/accounts/set-password/" in links
    assert Message.objects.filter(recipient__username="li_si", kind="evaluation.password_link").exists()
