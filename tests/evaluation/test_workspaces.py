"""The expert's and the city's workspaces lead to the expert review (no more 尚未开放)."""

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_expert_and_city_workspaces_link_to_the_review(client, demo):
    client.force_login(User.objects.get(username="expert1"))
    expert = client.get("/accounts/workspace/expert/", follow=True).content.decode()
    assert "/evaluation/" in expert and "尚未开放" not in expert
    client.force_login(User.objects.get(username="city_officer"))
    city = client.get("/accounts/workspace/city/", follow=True).content.decode()
    assert "专家评审" in city and "尚未开放" not in city
