"""The expert review's API: the city's endpoints, an expert's own assignments only, anonymised reading."""

import json

import pytest

from evaluation.models import Assignment, EvaluationSettings
from tests.applications.core_helpers import make_call
from tests.evaluation.helpers import FULL, make_expert, pool_of, quick_application, through_the_review

pytestmark = pytest.mark.django_db


def _json(client, method, url, headers, body=None):
    response = getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json", **headers)
    return response.status_code, response.json()


def test_experts_list_and_create_are_for_the_city(client, cast, api_token):
    city, expert = api_token(cast.city_officer), api_token(cast.expert)
    assert client.get("/api/v1/experts", **expert).status_code == 403
    body = {
        "username": "zhang_expert",
        "display_name": "张教授",
        "field": "industrial_internet",
        "employer_name": "扬州大学",
        "employer_credit_code": "",
        "region": "321002",
        "title": "教授",
        "contact": "0514-87000000",
    }
    assert _json(client, "post", "/api/v1/experts", expert, body)[0] == 403
    status, created = _json(client, "post", "/api/v1/experts", city, body)
    assert status == 201 and created["field_label"] == "工业互联网与智能制造" and created["active"]
    status, problems = _json(
        client, "post", "/api/v1/experts", city, {**body, "field": "x", "employer_credit_code": "123"}
    )
    assert status == 422
    assert {e["field"] for e in problems["errors"]} >= {"username", "field", "employer_credit_code"}
    listed = client.get("/api/v1/experts", **city).json()
    assert [e["username"] for e in listed] == ["zhang_expert"]
    status, changed = _json(client, "patch", f"/api/v1/experts/{created['id']}", city, {"active": False})
    assert status == 200 and changed["active"] is False


def test_panel_draw_api_returns_the_seed(client, cast, api_token):
    call = make_call()
    quick_application(call)
    pool_of(5)
    city = api_token(cast.city_officer)
    url = f"/api/v1/calls/{call.pk}/panels"
    assert _json(client, "post", url, api_token(cast.expert), {"category": "demonstration"})[0] == 403
    assert _json(client, "post", url, city, {"category": "nope"})[0] == 422
    status, panel = _json(client, "post", url, city, {"category": "demonstration", "size": 5, "seed": 20180515})
    assert status == 201 and panel["seed"] == "20180515" and len(panel["assignments"]) == 5
    assert _json(client, "post", url, city, {"category": "demonstration"})[0] == 409


@pytest.fixture
def reviewed(cast):
    """甲's real application through the review, drawn to a panel of three (the cast's expert among them)."""
    call = make_call()
    application = through_the_review(cast, call=call)
    mine = make_expert(employer="扬州大学")
    mine.user = cast.expert
    mine.save()
    others = pool_of(2)
    EvaluationSettings.objects.create(call=call, anonymise=True)
    from evaluation import services

    panel = services.panel_draw(actor=cast.city_officer, call=call, category=application.category, size=3, seed=5)
    return {"call": call, "application": application, "panel": panel, "mine": mine, "others": others}


def test_an_expert_sees_only_their_own_assignments(client, cast, api_token, reviewed):
    me = api_token(cast.expert)
    listed = client.get("/api/v1/assignments", **me).json()
    mine = Assignment.objects.get(expert=reviewed["mine"])
    assert [a["id"] for a in listed] == [mine.pk]
    other = Assignment.objects.exclude(expert=reviewed["mine"]).first()
    assert client.get(f"/api/v1/assignments/{other.pk}", **me).status_code == 404
    assert _json(client, "post", f"/api/v1/assignments/{other.pk}/declaration", me, {"conflict": False})[0] == 404
    assert _json(client, "put", f"/api/v1/assignments/{other.pk}/score", me, {"scores": FULL})[0] == 404
    # the city and the enterprise have no assignments
    assert client.get("/api/v1/assignments", **api_token(cast.city_officer)).json() == []
    assert client.get(f"/api/v1/assignments/{mine.pk}", **api_token(cast.enterprise_a)).status_code == 404


def test_declare_read_anonymised_and_score(client, cast, api_token, reviewed):
    me = api_token(cast.expert)
    mine = Assignment.objects.get(expert=reviewed["mine"])
    url = f"/api/v1/assignments/{mine.pk}"
    before = client.get(url, **me).json()
    assert before["state"] == "assigned" and before["application"] is None  # nothing before the declaration
    assert [c["code"] for c in before["criteria"]] == ["application_depth", "investment", "results", "replicability"]
    assert before["criteria"][0] == {
        "code": "application_depth",
        "title": "互联网应用深度",
        "max_points": "35",
        "step": "0.5",
        "guidance": before["criteria"][0]["guidance"],
    }
    assert "保密" in before["commitment"]
    status, after = _json(client, "post", f"{url}/declaration", me, {"conflict": False})
    assert status == 200 and after["state"] == "declared" and after["confidentiality_signed_at"]
    application = after["application"]
    assert application["anonymised"] is True
    text = json.dumps(application, ensure_ascii=False)
    profile = reviewed["application"].enterprise.profile
    for secret in (profile.name, profile.uscc, profile.legal_representative, profile.contact_person, profile.mobile):
        assert secret not in text
    assert application["form"]["areas"]  # the content is there
    assert all("附件" in m["filename"] for m in application["materials"])
    # scores: refused above the maximum, then saved, then submitted
    status, errors = _json(client, "put", f"{url}/score", me, {"scores": {**FULL, "results": 26}, "submit": True})
    assert status == 422
    assert {e["field"] for e in errors["errors"]} == {"scores.results", "comment"}
    status, saved = _json(client, "put", f"{url}/score", me, {"scores": FULL, "comment": "较好", "submit": True})
    assert status == 200 and saved["score"]["total"] == "80.00" and saved["score"]["locked"]
    assert _json(client, "put", f"{url}/score", me, {"scores": FULL, "comment": "改"})[0] == 409


def test_not_anonymised_when_the_call_says_so(client, cast, api_token, reviewed):
    EvaluationSettings.objects.filter(call=reviewed["call"]).update(anonymise=False)
    me = api_token(cast.expert)
    mine = Assignment.objects.get(expert=reviewed["mine"])
    _json(client, "post", f"/api/v1/assignments/{mine.pk}/declaration", me, {"conflict": False})
    application = client.get(f"/api/v1/assignments/{mine.pk}", **me).json()["application"]
    assert application["enterprise"]["name"] == reviewed["application"].enterprise.profile.name


def test_an_expert_never_sees_other_experts_scores_or_identities(client, cast, api_token, reviewed):
    from evaluation import services

    for other in reviewed["others"]:
        assignment = Assignment.objects.get(expert=other)
        services.assignment_declare(actor=other.user, assignment=assignment, conflict=False)
        services.score_save(actor=other.user, assignment=assignment, scores=FULL, comment="另一位专家", submit=True)
    me = api_token(cast.expert)
    mine = Assignment.objects.get(expert=reviewed["mine"])
    _json(client, "post", f"/api/v1/assignments/{mine.pk}/declaration", me, {"conflict": False})
    text = client.get(f"/api/v1/assignments/{mine.pk}", **me).content.decode()
    assert "另一位专家" not in text
    for other in reviewed["others"]:
        assert other.user.username not in text and other.user.display_name not in text
    assert client.get(f"/api/v1/calls/{reviewed['call'].pk}/ranking?category=demonstration", **me).status_code == 403
    assert client.get("/api/v1/experts", **me).status_code == 403


def test_ranking_api(client, cast, api_token):
    from evaluation import services

    call = make_call()
    apps = [quick_application(call) for _ in range(3)]
    experts = pool_of(5)
    panel = services.panel_draw(actor=cast.city_officer, call=call, category=apps[0].category, size=5, seed=1)
    # application 0: 80 from all five; application 1: 85 from four, 50 from one (an outlier); application 2: 80 from
    # four of five (not complete)
    for assignment in panel.assignments.select_related("expert__user"):
        user = assignment.expert.user
        services.assignment_declare(actor=user, assignment=assignment, conflict=False)
        first = 30
        if assignment.application == apps[1]:
            first = 0 if assignment.expert == experts[0] else 35
        if assignment.application == apps[2] and assignment.expert == experts[0]:
            continue
        scores = {**FULL, "application_depth": first}
        services.score_save(actor=user, assignment=assignment, scores=scores, comment="意见", submit=True)
    city = api_token(cast.city_officer)
    response = client.get(f"/api/v1/calls/{call.pk}/ranking?category=demonstration", **city)
    assert response.status_code == 200
    body = response.json()
    rows = {r["application"]: r for r in body["rows"]}
    assert rows[apps[1].pk]["position"] == 1
    assert rows[apps[1].pk]["mean"] == "78.00"  # (4·85 + 50) / 5
    assert rows[apps[1].pk]["trimmed_mean"] == "85.00"  # 50 and one 85 dropped
    assert rows[apps[1].pk]["spread"] == "35.00"
    assert rows[apps[1].pk]["outliers"] == [experts[0].pk]
    assert rows[apps[0].pk]["trimmed_mean"] == "80.00"
    assert rows[apps[2].pk]["submitted"] == 4 and rows[apps[2].pk]["complete"] is False
    assert rows[apps[2].pk]["position"] == 2 and rows[apps[0].pk]["position"] == 2  # 80 each: shared position
    assert body["complete"] is False
    assert body["concordance"]["experts"] == 5 and body["concordance"]["applications"] == 2
    assert (
        client.get(
            f"/api/v1/calls/{call.pk}/ranking?category=demonstration", **api_token(cast.hanjiang_industry)
        ).status_code
        == 403
    )


def test_settings_and_rubric_api(client, cast, api_token):
    from evaluation import services

    call = make_call()
    city, expert = api_token(cast.city_officer), api_token(cast.expert)
    url = f"/api/v1/calls/{call.pk}/evaluation-settings"
    assert client.get(url, **expert).status_code == 403
    assert client.get(url, **city).json() == {
        "anonymise": True,
        "recuse_same_region": False,
        "trim_min_scores": 5,
        "outlier_margin": "15.00",
        "default_panel_size": 5,
    }
    assert _json(client, "patch", url, expert, {"trim_min_scores": 4})[0] == 403
    status, body = _json(client, "patch", url, city, {"trim_min_scores": 2, "default_panel_size": 20})
    assert status == 422 and {e["field"] for e in body["errors"]} == {"default_panel_size"}
    status, body = _json(client, "patch", url, city, {"trim_min_scores": 4, "recuse_same_region": True})
    assert status == 200 and body["trim_min_scores"] == 4 and body["recuse_same_region"] is True
    # The margin as the column holds it and as the schema documents it (123456 overflows numeric(6, 2)).
    for margin in ("123456", "12.345", "-1", "1e2"):
        status, body = _json(client, "patch", url, city, {"outlier_margin": margin})
        assert status == 422 and body["errors"][0]["field"] == "outlier_margin", margin
    assert _json(client, "patch", url, city, {"outlier_margin": " 12.5 "})[1]["outlier_margin"] in ("12.5", "12.50")

    rubric_url = f"/api/v1/calls/{call.pk}/rubric"
    assert client.get(rubric_url, **expert).status_code == 403
    rubrics = client.get(rubric_url, **city).json()
    assert [r["total_points"] for r in rubrics] == ["100", "100"] and not rubrics[0]["locked"]
    rows = {
        "criteria": [{"code": "a", "title": "甲", "max_points": "60"}, {"code": "b", "title": "乙", "max_points": "40"}]
    }
    assert _json(client, "put", f"{rubric_url}/demonstration", expert, rows)[0] == 403
    status, body = _json(client, "put", f"{rubric_url}/demonstration", city, rows)
    assert status == 200 and [(c["code"], c["max_points"]) for c in body["criteria"]] == [("a", "60"), ("b", "40")]
    # scoring starts: the rubric and the recusal settings are locked
    quick_application(call)
    pool_of(3)
    panel = services.panel_draw(
        actor=cast.city_officer, call=call, category=call.categories.get(code="demonstration"), size=3
    )
    assert _json(client, "patch", url, city, {"recuse_same_region": False})[0] == 409
    first = panel.assignments.select_related("expert__user").first()
    services.assignment_declare(actor=first.expert.user, assignment=first, conflict=False)
    services.score_save(actor=first.expert.user, assignment=first, scores={"a": 10})
    status, body = _json(client, "put", f"{rubric_url}/demonstration", city, rows)
    assert status == 409 and "已开始评分" in body["errors"][0]["message"]


def test_reopen_api(client, cast, api_token):
    from evaluation import services

    call = make_call()
    quick_application(call)
    pool_of(3)
    panel = services.panel_draw(
        actor=cast.city_officer, call=call, category=call.categories.get(code="demonstration"), size=3
    )
    first = panel.assignments.select_related("expert__user").first()
    services.assignment_declare(actor=first.expert.user, assignment=first, conflict=False)
    services.score_save(actor=first.expert.user, assignment=first, scores=FULL, comment="好", submit=True)
    url = f"/api/v1/assignments/{first.pk}/reopen"
    assert _json(client, "post", url, api_token(first.expert.user), {"reason": "x"})[0] == 403
    assert _json(client, "post", url, api_token(cast.city_officer), {"reason": ""})[0] == 422
    status, body = _json(client, "post", url, api_token(cast.city_officer), {"reason": "请复核第二项"})
    assert status == 200 and body["score"]["locked"] is False
    assert _json(client, "post", url, api_token(cast.city_officer), {"reason": "再退"})[0] == 409


def test_ranking_reads_a_constant_number_of_queries(cast, django_assert_max_num_queries):
    from evaluation import selectors, services

    def setup(n):
        call = make_call()
        for _ in range(n):
            quick_application(call)
        category = call.categories.get(code="demonstration")
        panel = services.panel_draw(actor=cast.city_officer, call=call, category=category, size=3, seed=n)
        for assignment in panel.assignments.select_related("expert__user"):
            services.assignment_declare(actor=assignment.expert.user, assignment=assignment, conflict=False)
            services.score_save(
                actor=assignment.expert.user, assignment=assignment, scores=FULL, comment="好", submit=True
            )
        return call, category

    pool_of(3)
    small, big = setup(1), setup(4)
    # the settings, the panel, the seats with their scores, the applications' receipt numbers and enterprises
    with django_assert_max_num_queries(4):
        assert len(selectors.ranking(*small)["rows"]) == 1
    with django_assert_max_num_queries(4):
        assert len(selectors.ranking(*big)["rows"]) == 4
