"""The demo leaves the review half explorable: each staff account has real work on its first login."""

import pytest
from django.core.management import call_command

from accounts.models import User
from applications.models import Application
from reviews.demo import DEMO_REVIEW_ENTERPRISES, RETURN_REASON

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent


def test_every_review_state_in_both_units(demo):
    states = {}
    for application in Application.objects.filter(receipt_no__isnull=False):
        states.setdefault(application.region_id, set()).add(application.status)
    assert {"submitted", "county_review", "returned", "recommended"} <= states["321003"]
    assert {"submitted", "county_review", "returned", "not_recommended", "recommended", "forwarded"} <= states["321002"]
    assert Application.objects.filter(receipt_no__isnull=False).count() == len(DEMO_REVIEW_ENTERPRISES)
    # The two complete drafts of the applicant half stay drafts.
    assert (
        Application.objects.filter(enterprise__users__username__in=["demo_enterprise", "demo_enterprise2"])
        .filter(status="draft")
        .count()
        == 2
    )


def test_the_returned_application_says_why(client, demo):
    returned = Application.objects.get(enterprise__users__username="demo_hj_hengxin")
    assert returned.status == "returned"
    client.force_login(User.objects.get(username="demo_hj_hengxin"))
    history = client.get(f"/api/v1/applications/{returned.pk}/history").json()
    assert history[-1]["comment"] == RETURN_REASON


@pytest.mark.parametrize(
    ("username", "actions"),
    [("hanjiang_industry", {"approve", "return", "not_recommend"}), ("guangling_finance", {"approve"})],
)
def test_staff_have_work(client, demo, username, actions):
    client.force_login(User.objects.get(username=username))
    offered = set()
    for application in Application.objects.filter(status__in=["submitted", "county_review"]):
        answer = client.get(f"/api/v1/applications/{application.pk}/actions")
        if answer.status_code == 200:
            offered |= {a["action"] for a in answer.json()}
    assert actions <= offered


def test_a_sealed_batch_was_forwarded_to_the_city(client, demo):
    from reviews import batches
    from reviews.models import Batch

    batch = Batch.objects.get()
    assert batch.forwarded_at is not None and batch.region_id == "321002"
    assert batches.verification_of(batch)["valid"]
    client.force_login(User.objects.get(username="city_officer"))
    assert client.get(f"/review/batches/{batch.pk}/").status_code == 200
