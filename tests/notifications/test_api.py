"""GET /api/v1/inbox and POST /api/v1/inbox/{id}/read: one's own messages, 404 for another's."""

import pytest

from notifications.services import notify

pytestmark = pytest.mark.django_db


def message_to(user, subject):
    [message] = notify(recipients=[user], subject=subject, body="内容", link="/enterprise/", kind="test", email=False)
    return message


def test_the_inbox_lists_ones_own_messages(client, cast, api_token):
    older = message_to(cast.enterprise_a, "旧")
    newer = message_to(cast.enterprise_a, "新")
    message_to(cast.enterprise_b, "别人的")
    body = client.get("/api/v1/inbox", **api_token(cast.enterprise_a)).json()
    assert body["count"] == 2 and body["unread"] == 2
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    assert body["items"][0] == {
        "id": newer.pk,
        "subject": "新",
        "body": "内容",
        "link": "/enterprise/",
        "kind": "test",
        "created_at": newer.created_at.isoformat(),
        "read": False,
    }


def test_pages_past_the_end_are_empty_and_page_zero_is_422(client, cast, api_token):
    message_to(cast.enterprise_a, "一")
    headers = api_token(cast.enterprise_a)
    assert client.get("/api/v1/inbox?page=2", **headers).json() == {"count": 1, "unread": 1, "items": []}
    # Far past the end (found by schemathesis: the OFFSET overflowed SQLite's integer, a 500).
    huge = client.get("/api/v1/inbox?page=78188434352166092800", **headers)
    assert huge.status_code == 200 and huge.json()["items"] == []
    response = client.get("/api/v1/inbox?page=0", **headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "page"


def test_reading_marks_read_and_another_persons_message_is_404(client, cast, api_token):
    mine = message_to(cast.enterprise_a, "我的")
    theirs = message_to(cast.enterprise_b, "别人的")
    headers = api_token(cast.enterprise_a)
    response = client.post(f"/api/v1/inbox/{mine.pk}/read", **headers)
    assert response.status_code == 200 and response.json()["read"] is True
    assert client.get("/api/v1/inbox", **headers).json()["unread"] == 0
    response = client.post(f"/api/v1/inbox/{theirs.pk}/read", **headers)
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": None, "message": "对象不存在或无权查看。"}]}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_session_works_too_and_anonymous_is_401(client, cast):
    message_to(cast.enterprise_a, "一")
    assert client.get("/api/v1/inbox").status_code == 401
    client.force_login(cast.enterprise_a)
    assert client.get("/api/v1/inbox").json()["count"] == 1
