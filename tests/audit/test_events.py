"""Each write the log must show is recorded once, with who did it, what, and to which object."""

from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import ApiToken, User
from audit.models import Event
from enterprises.models import EnterpriseProfile
from enterprises.services import enterprise_register, profile_save
from programmes.models import Notice
from tests.factories import ALL_DECLARATIONS, PROFILE_DATA, NoticeFactory
from tests.otp import otp_code

USCC = "91321003MA1MDM1A2R"
PROFILE = PROFILE_DATA
ALL = ALL_DECLARATIONS


def events(action):
    return list(Event.objects.filter(action=action).order_by("id"))


def test_registration_records_the_enterprise_and_its_first_profile_version(db):
    user = enterprise_register(uscc=USCC, password="Qiye-mima-2018!", data=PROFILE, declarations=ALL)
    (registered,) = events("enterprise.register")
    assert registered.actor == user and registered.actor_username == USCC and registered.actor_role == "enterprise"
    assert (registered.object_type, registered.object_id) == ("accounts.organisation", str(user.organisation_id))
    assert registered.data["uscc"] == USCC
    (saved,) = events("enterprise.profile_save")
    profile = EnterpriseProfile.objects.get(uscc=USCC)
    assert (saved.object_type, saved.object_id) == ("enterprises.enterpriseprofile", str(profile.pk))
    assert saved.actor == user and saved.data["version"] == 1 and saved.data["created"] is True


def test_registration_refused_records_nothing(db):
    enterprise_register(uscc=USCC, password="Qiye-mima-2018!", data=PROFILE, declarations=ALL)
    before = Event.objects.count()
    try:
        enterprise_register(
            uscc=USCC, password="Qiye-mima-2018!", data=PROFILE | {"mobile": "13800000002"}, declarations={}
        )
    except Exception:  # noqa: BLE001 - the refusal itself is tested in tests/enterprises
        pass
    assert Event.objects.count() == before


def test_registration_page_is_recorded(client, db):
    from tests.enterprises.test_views import form_data

    response = client.post(reverse("enterprises:register"), form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    (registered,) = events("enterprise.register")
    assert registered.actor_username == USCC


def test_every_profile_save_is_an_event_with_its_version(cast):
    organisation = cast.enterprise_a.organisation
    profile = profile_save(
        organisation=organisation, data=PROFILE, declarations=ALL, actor=cast.enterprise_a, uscc=USCC
    )
    profile_save(organisation=organisation, data={"employees": 120}, declarations=ALL, actor=cast.enterprise_a)
    profile_save(organisation=organisation, data={"employees": 120}, declarations=ALL, actor=cast.enterprise_a)
    saves = events("enterprise.profile_save")
    assert [e.data["version"] for e in saves] == [1, 2, 3]
    assert [e.data["created"] for e in saves] == [True, False, False]
    assert {e.object_id for e in saves} == {str(profile.pk)}
    assert {(e.actor_id, e.actor_username, e.actor_role) for e in saves} == {
        (cast.enterprise_a.pk, "ent_a", "enterprise")
    }
    assert [e.data["version_row"] for e in saves] == list(
        profile.versions.order_by("version").values_list("pk", flat=True)
    )


def test_profile_page_save_is_recorded(client, cast):
    from tests.enterprises.test_views import form_data

    profile_save(
        organisation=cast.enterprise_a.organisation, data=PROFILE, declarations=ALL, actor=cast.enterprise_a, uscc=USCC
    )
    client.force_login(cast.enterprise_a)
    response = client.post(reverse("enterprises:profile"), form_data(employees="99"))
    assert response.status_code == 302
    assert [e.data["version"] for e in events("enterprise.profile_save")] == [1, 2]


def test_notice_create_and_edit_are_recorded_with_the_changed_fields(client, cast):
    client.force_login(cast.city_officer)
    data = {
        "title": "关于开展2019年度申报的通知",
        "publish_date": "2020-04-01",
        "body": "第一段",
        "contact_person": "陈锦龙",
        "contact_phone": "87348176",
        "is_published": "on",
        "attachment_title": "附件1",
        "attachment": ContentFile(b"%PDF-1.4 x", name="form.pdf"),
    }
    assert client.post("/notices/new/", data).status_code == 302
    notice = Notice.objects.get()
    (created,) = events("notice.create")
    assert (created.object_type, created.object_id) == ("programmes.notice", str(notice.pk))
    assert (created.actor, created.actor_username, created.actor_role) == (cast.city_officer, "city", "city_officer")
    assert created.data["attachment"]["title"] == "附件1"

    edit = {**data, "title": "更正后的通知", "attachment": "", "attachment_title": ""}
    assert client.post(f"/notices/{notice.pk}/edit/", edit).status_code == 302
    (edited,) = events("notice.edit")
    assert edited.object_id == str(notice.pk) and edited.actor == cast.city_officer
    assert edited.data["changed"] == ["title"] and edited.data["attachment"] is None
    assert "更正后的通知" in edited.summary


def test_refused_notice_edit_records_nothing(client, cast):
    notice = NoticeFactory()
    client.force_login(cast.enterprise_a)
    assert client.post(f"/notices/{notice.pk}/edit/", {"title": "x"}).status_code == 403
    assert not events("notice.edit")


def test_token_issue_and_revoke_are_recorded(client, cast):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "hj_ind", "password": cast.password, "otp": otp_code(cast.hanjiang_industry)},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.7",
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(key_hash=ApiToken.hash(response.json()["token"]))
    (issued,) = events("auth.token_issue")
    assert (issued.object_type, issued.object_id) == ("accounts.apitoken", str(token.pk))
    assert (issued.actor, issued.actor_username, issued.actor_role) == (
        cast.hanjiang_industry,
        "hj_ind",
        User.Role.COUNTY_INDUSTRY,
    )
    assert issued.ip == "10.0.0.7"
    assert response.json()["token"] not in str(issued.data)  # the secret never reaches the log

    auth = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
    assert client.post("/api/v1/auth/logout", **auth).status_code == 204
    (revoked,) = events("auth.token_revoke")
    assert revoked.object_id == str(token.pk) and revoked.actor == cast.hanjiang_industry
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_wrong_password_issues_no_token_and_records_the_failure_only(client, cast):
    client.post(
        "/api/v1/auth/token", {"username": "hj_ind", "password": "nope-nope-1"}, content_type="application/json"
    )
    assert not events("auth.token_issue")
    assert events("auth.login_failed")


def test_logout_by_session_has_no_token_to_revoke(client, cast):
    client.force_login(cast.city_officer)
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert not events("auth.token_revoke")


def test_notice_edit_in_the_admin_is_recorded_too(client, cast):
    notice = NoticeFactory(title="原标题")
    client.force_login(cast.admin)
    form = {
        "title": "管理员更正的标题",
        "publish_date": notice.publish_date.isoformat(),
        "body": notice.body,
        "contact_person": notice.contact_person,
        "contact_phone": notice.contact_phone,
        "is_published": "on",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/programmes/notice/{notice.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    notice.refresh_from_db()
    assert notice.title == "管理员更正的标题"
    (edited,) = events("notice.edit")
    assert edited.actor == cast.admin and edited.data["changed"] == ["title"]


def test_notice_created_in_the_admin_is_recorded_with_its_author(client, cast):
    client.force_login(cast.admin)
    form = {
        "title": "管理员发布的通知",
        "publish_date": "2020-04-01",
        "body": "正文",
        "contact_person": "",
        "contact_phone": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    assert client.post("/admin/programmes/notice/add/", form).status_code == 302
    notice = Notice.objects.get(title="管理员发布的通知")
    assert notice.created_by == cast.admin and notice.is_published is False
    (created,) = events("notice.create")
    assert created.object_id == str(notice.pk) and created.actor_username == "root"


def test_token_revoked_in_the_admin_is_recorded(client, cast):
    key, token = ApiToken.issue(cast.enterprise_a)
    client.force_login(cast.admin)
    assert client.get(f"/admin/accounts/apitoken/{token.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"revoked_at_0": "2019-01-01"}).status_code == 403
    )
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [str(token.pk)], "index": "0"}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    (revoked,) = events("auth.token_revoke")
    assert revoked.object_id == str(token.pk) and revoked.actor == cast.admin
    assert revoked.data["token_user"] == cast.enterprise_a.pk
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_token_login_opens_no_session(client, cast):
    """A bearer client gets a token, not a cookie: no session row, no session cookie (each later request would pay
    a session lookup for it), and the login is recorded once, in the audit log."""
    from django.contrib.sessions.models import Session

    response = client.post(
        "/api/v1/auth/token",
        {"username": cast.enterprise_a.username, "password": cast.password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies
    assert [e.actor for e in events("auth.login")] == [cast.enterprise_a]
