"""The inbox in the permission matrix: every role reads its own messages and nobody another's (administrators
included), through the rule, the selector, the page and the API alike."""

import pytest
from django.http import Http404

from notifications.rules import allowed
from notifications.selectors import message_for, messages_visible_to
from notifications.services import notify

pytestmark = pytest.mark.django_db

ROLES = [
    "enterprise_a",
    "enterprise_b",
    "hanjiang_industry",
    "hanjiang_finance",
    "guangling_industry",
    "guangling_finance",
    "city_officer",
    "expert",
    "admin",
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_its_own_messages_only(client, cast, role):
    user = getattr(cast, role)
    other = cast.enterprise_b if user != cast.enterprise_b else cast.enterprise_a
    [mine] = notify(recipients=[user], subject="我的", body="", email=False)
    [theirs] = notify(recipients=[other], subject="别人的", body="", email=False)

    assert allowed(user, "notifications.read_message", mine)
    assert not allowed(user, "notifications.read_message", theirs)
    assert list(messages_visible_to(user)) == [mine]
    assert message_for(user, pk=mine.pk) == mine
    with pytest.raises(Http404):
        message_for(user, pk=theirs.pk)

    client.force_login(user)
    assert client.get(f"/inbox/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/inbox/{theirs.pk}/read").status_code == 404
    assert client.post(f"/api/v1/inbox/{mine.pk}/read").status_code == 200
    assert [item["id"] for item in client.get("/api/v1/inbox").json()["items"]] == [mine.pk]


def test_anonymous_reads_nothing(cast):
    [message] = notify(recipients=[cast.enterprise_a], subject="一", body="", email=False)
    assert not allowed(cast.anonymous, "notifications.read_message", message)
    assert not messages_visible_to(cast.anonymous).exists()
