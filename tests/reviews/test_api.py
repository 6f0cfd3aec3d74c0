"""The review through the API: actions, the one transitions endpoint (403 / 409 / 422), opinions, history."""

import threading

import pytest
from django.db import connection

from applications.models import Application
from audit.models import Event
from reviews.models import CountyOpinion
from tests.reviews.helpers import CHECKLIST, approve, recommended, submitted

pytestmark = pytest.mark.django_db
S = Application.Status


def _post(client, application, **body):
    return client.post(f"/api/v1/applications/{application.pk}/transitions", body, content_type="application/json")


def test_actions_are_what_the_caller_may_take_now(client, cast):
    application = submitted(cast)
    client.force_login(cast.hanjiang_industry)
    answer = client.get(f"/api/v1/applications/{application.pk}/actions").json()
    assert [a["action"] for a in answer] == ["approve", "return", "not_recommend"]
    assert answer[0]["label"] == "审核通过"
    client.force_login(cast.enterprise_a)
    assert [a["action"] for a in client.get(f"/api/v1/applications/{application.pk}/actions").json()] == ["withdraw"]
    client.force_login(cast.city_officer)
    assert client.get(f"/api/v1/applications/{application.pk}/actions").json() == []
    approve(application, cast.hanjiang_industry, "industry")
    client.force_login(cast.hanjiang_industry)
    assert client.get(f"/api/v1/applications/{application.pk}/actions").json() == []  # its bureau has spoken


def test_other_unit_gets_404_and_learns_nothing(client, cast):
    application = submitted(cast)
    client.force_login(cast.guangling_industry)
    for url in ("actions", "opinions", "history"):
        assert client.get(f"/api/v1/applications/{application.pk}/{url}").status_code == 404
    assert _post(client, application, action="approve").status_code == 404


def test_403_with_reason_409_for_the_state_422_for_a_missing_comment(client, cast):
    application = submitted(cast)
    client.force_login(cast.city_officer)
    refused = _post(client, application, action="approve")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["message"]
    assert _post(client, application, action="to_experts").status_code == 409  # the city's, but not yet
    client.force_login(cast.hanjiang_finance)
    missing = _post(client, application, action="return", comment="")
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"field": "comment", "message": "请填写“退回修改”的理由。"}]
    assert _post(client, application, action="fly").status_code == 422
    assert _post(client, application, action="recommend").status_code == 422  # a system row, never asked for
    ok = _post(client, application, action="approve", checklist=CHECKLIST["finance"])
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "county_review"
    assert _post(client, application, action="approve").status_code == 409


def test_the_whole_review_through_the_api(client, cast):
    application = submitted(cast)
    client.force_login(cast.hanjiang_industry)
    assert _post(client, application, action="return", comment="投入清单缺少发票号").status_code == 200
    client.force_login(cast.enterprise_a)
    history = client.get(f"/api/v1/applications/{application.pk}/history").json()
    assert history[-1]["label"] == "县区退回修改" and history[-1]["comment"] == "投入清单缺少发票号"
    opinions = client.get(f"/api/v1/applications/{application.pk}/opinions").json()
    assert opinions[0]["decision"] == "return" and "reviewer" not in opinions[0]
    assert _post(client, application, action="resubmit").status_code == 200
    for user, bureau in ((cast.hanjiang_industry, "industry"), (cast.hanjiang_finance, "finance")):
        client.force_login(user)
        assert _post(client, application, action="approve", checklist=CHECKLIST[bureau]).status_code == 200
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    client.force_login(cast.hanjiang_finance)
    staff = client.get(f"/api/v1/applications/{application.pk}/opinions").json()
    assert [(o["round"], o["bureau"], o["decision"]) for o in staff] == [
        (1, "industry", "return"),
        (2, "industry", "approve"),
        (2, "finance", "approve"),
    ]
    assert staff[-1]["snapshot_version"] == 2


def test_resubmit_is_not_a_first_submission(client, cast):
    application = submitted(cast)
    client.force_login(cast.enterprise_a)
    assert _post(client, application, action="resubmit").status_code == 409


def test_city_sends_back_through_the_api(client, cast):
    from applications import services as application_services

    application = recommended(cast)
    application_services.transition(application=application, action="forward", actor=cast.hanjiang_industry)
    client.force_login(cast.city_officer)
    assert _post(client, application, action="send_back").status_code == 422
    answer = _post(client, application, action="send_back", comment="请核实研发投入")
    assert answer.status_code == 200 and answer.json()["status"] == "sent_back"
    client.force_login(cast.hanjiang_industry)
    assert [a["action"] for a in client.get(f"/api/v1/applications/{application.pk}/actions").json()] == [
        "approve",
        "return",
        "not_recommend",
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_two_reviewers_of_one_bureau_at_the_same_moment(cast):
    """One succeeds, the other gets 409, one opinion and one audit event."""
    from django.db import connections

    from accounts.models import User
    from core.errors import Conflict
    from reviews import services
    from tests.factories import UserFactory

    application = submitted(cast)
    colleague = UserFactory(
        username="hj_ind2", role=User.Role.COUNTY_INDUSTRY, organisation=cast.hanjiang_industry.organisation
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def run(user):
        try:
            barrier.wait()
            services.opinion_give(application=application, actor=user, decision="approve")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in (cast.hanjiang_industry, colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "ok"]
    assert CountyOpinion.objects.filter(application=application).count() == 1
    assert Event.objects.filter(action="application.approve", object_id=str(application.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_both_bureaus_at_the_same_moment_recommend_once(cast):
    from django.db import connections

    from reviews import services

    application = submitted(cast)
    barrier = threading.Barrier(2)
    errors = []

    def run(user, bureau):
        try:
            barrier.wait()
            services.opinion_give(application=application, actor=user, decision="approve", checklist=CHECKLIST[bureau])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    pairs = ((cast.hanjiang_industry, "industry"), (cast.hanjiang_finance, "finance"))
    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    assert Event.objects.filter(action="application.recommend", object_id=str(application.pk)).count() == 1


def test_connection_is_known():
    assert connection.vendor in {"sqlite", "postgresql"}
