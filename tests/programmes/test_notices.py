import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from audit.models import Event
from core.errors import PermissionDeniedError
from programmes.models import Notice, NoticeAttachment
from programmes.services import notice_register_view, notice_save
from tests.factories import NoticeFactory


def test_notice_list_and_detail_are_public(client, db):
    notice = NoticeFactory(title="关于开展测试的通知")
    listing = client.get("/notices/")
    assert listing.status_code == 200
    assert "关于开展测试的通知" in listing.content.decode()
    detail = client.get(f"/notices/{notice.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "2019-05-14" in body
    assert "陈锦龙" in body and "87348176" in body


def test_each_view_increments_the_count(client, db):
    notice = NoticeFactory(view_count=109)
    client.get(f"/notices/{notice.pk}/")
    response = client.get(f"/notices/{notice.pk}/")
    assert '<span data-testid="view-count">111</span>' in response.content.decode()
    notice.refresh_from_db()
    assert notice.view_count == 111


def test_view_count_uses_an_atomic_update(db, django_assert_num_queries):
    notice = NoticeFactory(view_count=5)
    stale = Notice.objects.get(pk=notice.pk)
    Notice.objects.filter(pk=notice.pk).update(view_count=50)  # someone else counted meanwhile
    assert notice_register_view(notice=stale) == 51  # not 6: the increment happens in the database


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_lose_no_count():
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is single-connection; the PostgreSQL run covers concurrency")
    notice = NoticeFactory(view_count=0)

    def hit():
        from django.db import connection as conn

        for _ in range(10):
            notice_register_view(notice=Notice.objects.get(pk=notice.pk))
        conn.close()

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    notice.refresh_from_db()
    assert notice.view_count == 40


def test_unpublished_notice_is_404(client, db):
    notice = NoticeFactory(is_published=False)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/api/v1/notices/{notice.pk}").status_code == 404


def test_attachment_download(client, db):
    notice = NoticeFactory()
    att = NoticeAttachment.objects.create(
        notice=notice, title="附件1", file=ContentFile(b"%PDF-1.4 test", name="附件1.pdf")
    )
    response = client.get(f"/notices/{notice.pk}/attachments/{att.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in response["Content-Disposition"]
    other = NoticeFactory()
    assert client.get(f"/notices/{other.pk}/attachments/{att.pk}/").status_code == 404


def test_city_officer_creates_and_edits_a_notice(client, cast):
    client.force_login(cast.city_officer)
    data = {
        "title": "关于开展2019年度申报的通知",
        "publish_date": "2020-04-01",
        "body": "第一段\n第二段",
        "contact_person": "陈锦龙",
        "contact_phone": "87348176",
        "is_published": "on",
        "attachment_title": "附件1",
        "attachment": ContentFile(b"%PDF-1.4 x", name="form.pdf"),
    }
    response = client.post("/notices/new/", data)
    assert response.status_code == 302
    notice = Notice.objects.get(title="关于开展2019年度申报的通知")
    assert notice.created_by == cast.city_officer
    assert notice.attachments.get().title == "附件1"
    response = client.post(
        f"/notices/{notice.pk}/edit/", {**data, "title": "更正后的通知", "attachment": "", "attachment_title": ""}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "更正后的通知"


def test_notice_form_errors_are_in_chinese_and_keep_input(client, cast):
    client.force_login(cast.city_officer)
    response = client.post("/notices/new/", {"title": "草稿标题", "publish_date": "not-a-date", "body": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "草稿标题" in body  # what was typed is still there
    assert "这个字段是必填项" in body or "此字段" in body
    assert "有效的日期" in body


@pytest.mark.parametrize("member", ["enterprise_a", "hanjiang_industry", "expert"])
def test_others_may_not_manage_notices(client, cast, member):
    client.force_login(getattr(cast, member))
    assert client.get("/notices/new/").status_code == 403
    notice = NoticeFactory()
    assert client.post(f"/notices/{notice.pk}/edit/", {"title": "x"}).status_code == 403


def test_anonymous_create_redirects_to_login(client, db):
    response = client.get("/notices/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("member", ["enterprise_a", "hanjiang_industry", "expert"])
def test_notice_service_refuses_others_and_writes_nothing(cast, member):
    notice = NoticeFactory(title="原标题")
    with pytest.raises(PermissionDeniedError):
        notice_save(actor=getattr(cast, member), notice=notice, data={"title": "改写"})
    with pytest.raises(PermissionDeniedError):
        notice_save(actor=getattr(cast, member), data={"title": "新通知"})
    notice.refresh_from_db()
    assert notice.title == "原标题" and Notice.objects.count() == 1
    assert not Event.objects.filter(action__startswith="notice.").exists()


def test_notice_service_edit_records_only_what_changed(cast):
    notice = NoticeFactory(title="原标题", is_published=True)
    notice_save(actor=cast.admin, notice=notice, data={"title": "原标题", "is_published": False})
    event = Event.objects.get(action="notice.edit")
    assert event.data["changed"] == ["is_published"] and event.data["is_published"] is False
    assert (event.actor_username, event.actor_role) == ("root", "admin")
    notice.refresh_from_db()
    assert notice.is_published is False


def test_label_separators_follow_the_language(client, db):
    notice = NoticeFactory(is_published=True)
    url = f"/notices/{notice.pk}/"
    assert '：<span data-testid="publish-date">' in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert ': <span data-testid="publish-date">' in english and "：" not in english.split("<main", 1)[-1]
