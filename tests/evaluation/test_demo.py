import pytest

from accounts import demo as accounts_demo
from evaluation import demo
from evaluation.models import Expert

pytestmark = pytest.mark.django_db


def test_demo_pool_is_idempotent_and_logs_in():
    accounts_demo.load()
    demo.load()
    demo.load()
    assert Expert.objects.count() == 12
    three = Expert.objects.get(user__username="expert3")
    assert three.employer_credit_code.startswith("91321003MA1RW0044") and len(three.employer_credit_code) == 18
    assert Expert.objects.get(user__username="expert12").user.check_password(accounts_demo.DEMO_PASSWORD)
