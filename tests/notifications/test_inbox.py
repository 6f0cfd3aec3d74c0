"""The inbox page and the header badge: one's own messages only, newest first, read marks."""

import pytest
from django.urls import reverse

from notifications.models import Message
from notifications.selectors import PAGE_SIZE
from notifications.services import notify

pytestmark = pytest.mark.django_db


def message_to(user, subject, link="/enterprise/"):
    [message] = notify(recipients=[user], subject=subject, body=f"{subject}的内容", link=link, email=False)
    return message


def test_the_inbox_shows_only_ones_own_messages_newest_first(client, cast):
    message_to(cast.enterprise_a, "第一条")
    message_to(cast.enterprise_a, "第二条")
    message_to(cast.enterprise_b, "别人的消息")
    client.force_login(cast.enterprise_a)
    page = client.get("/inbox/").content.decode()
    assert "别人的消息" not in page
    assert page.index("第二条") < page.index("第一条")
    assert page.count('class="unread"') == 2
    assert "全部标为已读" in page


def test_opening_a_message_marks_it_read_and_follows_its_link(client, cast):
    message = message_to(cast.enterprise_a, "请补充材料", link="/applications/7/")
    client.force_login(cast.enterprise_a)
    response = client.get(reverse("notifications:open", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == "/applications/7/"
    message.refresh_from_db()
    assert message.read_at is not None
    assert 'class="read"' in client.get("/inbox/").content.decode()


def test_a_message_without_link_opens_in_the_inbox(client, cast):
    message = message_to(cast.enterprise_a, "通知", link="")
    client.force_login(cast.enterprise_a)
    response = client.get(reverse("notifications:open", args=[message.pk]))
    assert response["Location"] == f"/inbox/#message-{message.pk}"


def test_another_persons_message_is_404_and_stays_unread(client, cast):
    message = message_to(cast.enterprise_b, "别人的消息")
    for user in (cast.enterprise_a, cast.admin):
        client.force_login(user)
        assert client.get(reverse("notifications:open", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read_touches_only_ones_own(client, cast):
    message_to(cast.enterprise_a, "一")
    message_to(cast.enterprise_a, "二")
    theirs = message_to(cast.enterprise_b, "三")
    client.force_login(cast.enterprise_a)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 2 条消息标为已读。" in response.content.decode()
    assert not Message.objects.filter(recipient=cast.enterprise_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_is_paginated(client, cast):
    for n in range(PAGE_SIZE + 1):
        message_to(cast.enterprise_a, f"消息{n:02d}")
    client.force_login(cast.enterprise_a)
    first = client.get("/inbox/").content.decode()
    second = client.get("/inbox/?page=2").content.decode()
    assert "消息20" in first and "消息00" not in first
    assert "消息00" in second and "第 2 / 2 页" in second


def test_the_inbox_needs_a_login(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_header_shows_the_unread_count(client, cast):
    client.force_login(cast.enterprise_a)
    assert 'data-unread="0"' in client.get("/").content.decode()
    message_to(cast.enterprise_a, "一")
    message_to(cast.enterprise_a, "二")
    message_to(cast.enterprise_b, "别人的")
    page = client.get("/").content.decode()
    assert 'data-unread="2"' in page and 'aria-label="2 条未读"' in page
    client.post(reverse("notifications:mark_all_read"))
    assert 'data-unread="0"' in client.get("/").content.decode()


def test_anonymous_visitors_have_no_inbox_link(client):
    assert "inbox-link" not in client.get("/").content.decode()
