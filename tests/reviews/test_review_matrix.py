"""The review's permission matrix: every role × every review action × state, through services and API.

States of 甲's application (邗江): S submitted; C under county review (邗江工信 approved); R recommended;
F forwarded to the city; X returned to the enterprise. Outcomes as in tests/applications/test_permission_matrix.py:
ok, hidden (404), denied (403), state (409), login (401). Each attempt is rolled back.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.models import ApiToken
from applications import selectors as application_selectors
from applications import services as application_services
from reviews import selectors, services
from tests.matrix import DENIED, HIDDEN, LOGIN, OK, STATE, service_outcome
from tests.reviews.helpers import approve, recommended, submitted

pytestmark = pytest.mark.django_db

STATES = ("S", "C", "R", "F", "X")
MUTATIONS = ("approve", "return", "not_recommend", "send_back", "to_experts", "resubmit")
READS = ("opinions", "history", "actions")
ACTIONS = MUTATIONS + READS


def _row(**spec):
    return {action: dict(zip(STATES, value.split(), strict=True)) for action, value in spec.items()}


_READS_OK = {read: "ok ok ok ok ok" for read in READS}
_NEVER = "denied denied denied denied denied"
TABLE = {
    "enterprise_a": _row(
        approve=_NEVER,
        send_back=_NEVER,
        to_experts=_NEVER,
        resubmit="state state state state ok",
        **_READS_OK,
        **{"return": _NEVER, "not_recommend": _NEVER},
    ),
    "hanjiang_industry": _row(
        approve="ok state state state state",  # in C its bureau has already given its opinion
        send_back=_NEVER,
        to_experts=_NEVER,
        resubmit=_NEVER,
        **_READS_OK,
        **{"return": "ok state state state state", "not_recommend": "ok state state state state"},
    ),
    "hanjiang_finance": _row(
        approve="ok ok state state state",
        send_back=_NEVER,
        to_experts=_NEVER,
        resubmit=_NEVER,
        **_READS_OK,
        **{"return": "ok ok state state state", "not_recommend": "ok ok state state state"},
    ),
    "city_officer": _row(
        approve=_NEVER,
        send_back="state state state ok state",
        to_experts="state state state ok state",
        resubmit=_NEVER,
        **_READS_OK,
        **{"return": _NEVER, "not_recommend": _NEVER},
    ),
    "admin": _row(
        approve=_NEVER,
        send_back=_NEVER,
        to_experts=_NEVER,
        resubmit=_NEVER,
        **_READS_OK,
        **{"return": _NEVER, "not_recommend": _NEVER},
    ),
}
_HIDDEN_ROW = _row(**{action: "hidden hidden hidden hidden hidden" for action in ACTIONS})
for _who in ("enterprise_b", "guangling_industry", "guangling_finance", "expert"):
    TABLE[_who] = _HIDDEN_ROW
TABLE["anonymous"] = _row(**{action: "login login login login login" for action in ACTIONS})


@pytest.fixture(params=STATES)
def world(request, cast):
    state = request.param
    if state == "S":
        application = submitted(cast)
    elif state == "C":
        application = submitted(cast)
        approve(application, cast.hanjiang_industry, "industry")
    elif state == "X":
        application = submitted(cast)
        services.opinion_give(application=application, actor=cast.hanjiang_finance, decision="return", comment="缺页")
    else:
        application = recommended(cast)
        if state == "F":
            application_services.transition(application=application, action="forward", actor=cast.hanjiang_industry)
    application.refresh_from_db()
    return {"state": state, "application": application, "cast": cast}


def _service(world, user, action):
    application = world["application"]
    if action in MUTATIONS:
        return lambda: services.take_action(application=application, action=action, actor=user, comment="理由")
    if action == "opinions":
        return lambda: selectors.opinions_of(application_selectors.application_for(user, pk=application.pk))
    if action == "history":
        return lambda: selectors.history_of(user, application_selectors.application_for(user, pk=application.pk))
    return lambda: application_selectors.application_for(user, pk=application.pk)


def test_services_follow_the_table(world):
    cast, state = world["cast"], world["state"]
    failures = []
    for who, row in TABLE.items():
        if who == "anonymous":
            continue
        for action in ACTIONS:
            want = row[action][state]
            if want == HIDDEN and action in MUTATIONS:
                want = DENIED  # a service called directly refuses; only reads answer "not found"
            got = service_outcome(_service(world, getattr(cast, who), action))
            if got != want:
                failures.append(f"{who} {action} in {state}: expected {want}, got {got}")
    assert not failures, "\n".join(failures)


API = {OK: {200}, HIDDEN: {404}, DENIED: {403}, STATE: {409}, LOGIN: {401}}


def test_api_follows_the_table(client, world):
    cast, state = world["cast"], world["state"]
    base = f"/api/v1/applications/{world['application'].pk}"
    failures = []
    for who, row in TABLE.items():
        headers = {}
        if who != "anonymous":
            key, _token = ApiToken.issue(getattr(cast, who))
            headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        offered = None
        for action in ACTIONS:
            want = row[action][state]
            with transaction.atomic():
                if action in MUTATIONS:
                    body = {"action": action, "comment": "理由"}
                    response = client.post(f"{base}/transitions", body, content_type="application/json", **headers)
                else:
                    response = client.get(f"{base}/{action}", **headers)
                transaction.set_rollback(True)
            if response.status_code not in API[want]:
                failures.append(f"{who} {action} in {state}: expected {want}, got {response.status_code}")
            if action == "actions" and response.status_code == 200:
                offered = {a["action"] for a in response.json()}
        if offered is not None:
            # Offered exactly what the table allows (withdraw is the applicant half's, checked there).
            allowed_now = {a for a in MUTATIONS if row[a][state] == OK}
            if offered - {"withdraw"} != allowed_now:
                failures.append(f"{who} in {state}: offered {sorted(offered)}, table allows {sorted(allowed_now)}")
    assert not failures, "\n".join(failures)
