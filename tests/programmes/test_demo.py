import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET
from accounts.models import User
from programmes.models import Call, MaterialItem, Notice
from programmes.seed import NOTICE_2018


def demo_otp():
    """The code of the demo's published TOTP secret now (every demo staff account has it; enterprises send none)."""
    return f"{TOTP(bytes.fromhex(DEMO_TOTP_KEY)).token():06d}"


SH = ZoneInfo("Asia/Shanghai")
DEMO_USERNAMES = {
    "demo_enterprise", "demo_enterprise2", "demo_newcomer", "hanjiang_industry", "hanjiang_finance",
    "guangling_industry", "guangling_finance", "city_officer", "city_finance",
    "expert1", "expert2", "expert3", "expert4", "expert5", "admin",
}  # fmt: skip


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def counts():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "audit"}


def test_demo_notice_is_the_seed_exactly(demo):
    notice = Notice.objects.get(slug="yz-2018-internet-plus-smes")
    lines = NOTICE_2018.read_text(encoding="utf-8").splitlines()
    assert notice.title == lines[0].strip() == "关于开展2018年度扬州市“互联网+小微企业”项目申报的通知"
    assert notice.publish_date == dt.date(2019, 5, 14)
    assert notice.view_count == 109
    assert notice.body == "\n".join(line.rstrip() for line in lines[2:]).strip()
    assert (notice.contact_person, notice.contact_phone) == ("陈锦龙", "87348176")
    assert [a.title[:3] for a in notice.attachments.all()] == ["附件1", "附件2"]


def test_demo_calls(demo):
    historic = Call.objects.get(code="yz2018")
    assert historic.deadline == dt.datetime(2019, 5, 15, 23, 59, 59, tzinfo=SH)
    assert not historic.is_open()
    demo_call = Call.objects.get(code="yz2018-demo")
    assert demo_call.is_demo and "演示" in demo_call.title
    assert demo_call.is_open()
    assert demo_call.opens_at.astimezone(SH).date() == timezone.localdate()
    assert demo_call.deadline.astimezone(SH).date() == timezone.localdate() + dt.timedelta(days=30)
    for call in (historic, demo_call):
        assert sorted(call.categories.values_list("code", flat=True)) == ["demonstration", "new_product"]
        for category in call.categories.all():
            assert MaterialItem.objects.filter(category=category).count() == 7


def test_demo_accounts(demo):
    users = User.objects.filter(username__in=DEMO_USERNAMES)
    assert set(users.values_list("username", flat=True)) == DEMO_USERNAMES
    for user in users:
        assert user.check_password("Shenbao-demo-2018"), user.username
    assert User.objects.get(username="demo_enterprise").organisation.region_id == "321003"
    assert User.objects.get(username="demo_enterprise2").organisation.region_id == "321002"
    assert User.objects.get(username="hanjiang_finance").organisation.name == "邗江区财政局"
    assert User.objects.get(username="admin").is_superuser


def test_loading_twice_changes_nothing(demo):
    before = counts()
    notice = Notice.objects.get(slug="yz-2018-internet-plus-smes")
    Notice.objects.filter(pk=notice.pk).update(view_count=200)  # a running demo has been used
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == before
    assert Notice.objects.get(pk=notice.pk).view_count == 200


def test_expired_demo_call_is_reopened_by_the_loader(demo):
    Call.objects.filter(code="yz2018-demo").update(
        opens_at=timezone.now() - dt.timedelta(days=60), deadline=timezone.now() - dt.timedelta(days=30)
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert Call.objects.get(code="yz2018-demo").is_open()


def test_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("load_demo")
    assert not User.objects.filter(username="demo_enterprise").exists()


def test_every_demo_staff_account_has_the_published_totp_secret(demo):
    import base64

    assert base64.b32decode(DEMO_TOTP_SECRET).hex() == DEMO_TOTP_KEY
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    by_user = {d.user.username: d for d in devices}
    staff = User.objects.exclude(role=User.Role.ENTERPRISE)
    assert staff.count() >= 12  # bureaus, city, experts 1…12, admin
    for user in staff:
        assert by_user[user.username].key == DEMO_TOTP_KEY, user.username
        assert (by_user[user.username].step, by_user[user.username].digits) == (30, 6)
    assert not User.objects.filter(role=User.Role.ENTERPRISE, username__in=by_user).exists()
    call_command("load_demo")  # again: still one device each
    assert TOTPDevice.objects.count() == len(by_user)


def test_every_demo_account_gets_an_api_token(client, demo):
    for username in sorted(DEMO_USERNAMES):
        response = client.post(
            "/api/v1/auth/token",
            {"username": username, "password": "Shenbao-demo-2018", "otp": demo_otp()},
            content_type="application/json",
        )
        assert response.status_code == 200, username
        me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}").json()
        assert me["username"] == username
