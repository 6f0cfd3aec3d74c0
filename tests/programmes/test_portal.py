import datetime as dt

from django.utils import timezone

from tests.factories import CallFactory, NoticeFactory


def test_home_shows_programme_open_calls_and_notices(client, db):
    CallFactory(title="开放中的批次")
    CallFactory(
        title="已截止的批次",
        opens_at=timezone.now() - dt.timedelta(days=9),
        deadline=timezone.now() - dt.timedelta(days=1),
    )
    NoticeFactory(title="最新的通知")
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "互联网+小微企业" in body
    assert "开放中的批次" in body
    assert "已截止的批次" not in body
    assert "最新的通知" in body
    assert 'lang="zh-Hans"' in body


def test_english_is_available(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Notices" in body and "Log in" in body


def test_call_pages(client, db):
    call = CallFactory(title="批次乙")
    assert "批次乙" in client.get("/calls/").content.decode()
    detail = client.get(f"/calls/{call.pk}/").content.decode()
    assert "示范/试点企业" in detail and "研发推广应用新产品新技术" in detail


def test_no_cdn_references_in_pages(client, db):
    body = client.get("/").content.decode()
    assert "http://" not in body.replace("http://testserver", "") and "https://" not in body
