"""The quota and the proposed selection: the top of the ranking within the quota, changes only with a reason."""

import json

import pytest

from audit.models import Event
from core.errors import Conflict, DomainError, PermissionDeniedError
from evaluation import selectors, services
from tests.applications.core_helpers import make_call
from tests.evaluation.helpers import FULL, pool_of, quick_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(cast):
    """Four applications scored by three experts: 90, 80, 80, 70 (all three agree), and a fifth incomplete."""
    call = make_call()
    apps = [quick_application(call) for _ in range(5)]
    pool_of(3)
    category = apps[0].category
    panel = services.panel_draw(actor=cast.city_officer, call=call, category=category, size=3, seed=11)
    first = {apps[0].pk: 35, apps[1].pk: 30, apps[2].pk: 30, apps[3].pk: 20, apps[4].pk: 35}
    for index, assignment in enumerate(
        panel.assignments.select_related("expert__user").order_by("application_id", "position")
    ):
        user = assignment.expert.user
        services.assignment_declare(actor=user, assignment=assignment, conflict=False)
        if assignment.application == apps[4] and index % 3 == 0:
            continue  # one expert has not scored the fifth yet
        scores = {**FULL, "application_depth": first[assignment.application_id]}
        scores["results"] = "25" if assignment.application == apps[0] else "20"  # 90 for the first
        services.score_save(actor=user, assignment=assignment, scores=scores, comment="意见", submit=True)
    return {"call": call, "category": category, "apps": apps}


def test_quota_takes_the_top_and_ties_at_the_boundary(cast, scored):
    call, category, apps = scored["call"], scored["category"], scored["apps"]
    assert selectors.proposed_selection(call, category)["entries"] == []  # no quota yet
    with pytest.raises(PermissionDeniedError):
        services.selection_quota(actor=cast.expert, call=call, category=category, quota=2)
    with pytest.raises(DomainError):
        services.selection_quota(actor=cast.city_officer, call=call, category=category, quota=-1)
    services.selection_quota(actor=cast.city_officer, call=call, category=category, quota=2)
    result = selectors.proposed_selection(call, category)
    # 90 (1st), then two at 80 sharing the 2nd place: both come in, over the quota; the incomplete fifth never
    assert [e["application"] for e in result["entries"]] == [apps[0].pk, apps[1].pk, apps[2].pk]
    assert result["over_quota"] is True and result["ranking_complete"] is False
    services.selection_quota(actor=cast.city_officer, call=call, category=category, quota=1)
    assert [e["application"] for e in selectors.proposed_selection(call, category)["entries"]] == [apps[0].pk]
    assert Event.objects.filter(action="selection.quota").count() == 2


def test_changes_need_a_reason_and_are_on_the_record(client, cast, api_token, scored):
    call, category, apps = scored["call"], scored["category"], scored["apps"]
    with pytest.raises(Conflict):
        services.selection_change(
            actor=cast.city_officer, call=call, category=category, application_id=apps[3].pk, include=True, reason="x"
        )
    city = api_token(cast.city_officer)
    url = f"/api/v1/calls/{call.pk}/selection"
    put = client.put(
        url, json.dumps({"category": "demonstration", "quota": 2}), content_type="application/json", **city
    )
    assert put.status_code == 200
    body = {"category": "demonstration", "application": apps[2].pk, "include": False, "reason": ""}
    assert client.post(f"{url}/changes", json.dumps(body), content_type="application/json", **city).status_code == 422
    body["reason"] = "经核查，该企业投入发票存在重复。"
    response = client.post(f"{url}/changes", json.dumps(body), content_type="application/json", **city)
    assert response.status_code == 200
    add = {"category": "demonstration", "application": apps[3].pk, "include": True, "reason": "填补名额"}
    result = client.post(f"{url}/changes", json.dumps(add), content_type="application/json", **city).json()
    assert [(e["application"], e["by"]) for e in result["entries"]] == [
        (apps[0].pk, "ranking"),
        (apps[1].pk, "ranking"),
        (apps[3].pk, "city"),
    ]
    assert result["entries"][2]["reason"] == "填补名额"
    assert [c["reason"] for c in result["changes"]] == ["经核查，该企业投入发票存在重复。", "填补名额"]
    assert Event.objects.get(action="selection.exclude").data["reason"] == "经核查，该企业投入发票存在重复。"
    other = quick_application(make_call())
    wrong = {**add, "application": other.pk}
    assert client.post(f"{url}/changes", json.dumps(wrong), content_type="application/json", **city).status_code == 422
    assert client.get(f"{url}?category=demonstration", **api_token(cast.expert)).status_code == 403
