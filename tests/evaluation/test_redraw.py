"""Redrawing a category's panel: only the city, only with a written reason, only while no expert of the panel has
declared or scored; the panel row is rewritten (same id), the old draw is kept whole in the audit, the experts told
of it are told it is withdrawn. Service, API, page and `manage.py redraw --apply`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.services import api_token_issue
from audit.models import Event
from audit.selectors import events_for_object
from core.errors import Conflict, DomainError
from evaluation import services
from evaluation.models import Assignment, Panel
from notifications.models import Message
from tests.applications.core_helpers import make_call
from tests.evaluation.helpers import drawn, make_expert, pool_of, quick_application
from tests.matrix import DENIED, OK, service_outcome

pytestmark = pytest.mark.django_db

REASON = "两位专家因公出差，无法按期评审"


@pytest.fixture
def panel(cast):
    """Two applications in expert review, a pool of six, a panel of three drawn with seed 1."""
    call = make_call()
    for _ in range(2):
        quick_application(call)
    pool_of(6)
    return drawn(cast, call, size=3, seed=1)


def seats(panel):
    return sorted(Assignment.objects.filter(panel_id=panel.pk).values_list("application_id", "expert_id"))


def bearer(user):
    key, _token = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(client, url, headers, body):
    response = client.post(url, data=json.dumps(body), content_type="application/json", **headers)
    return response.status_code, response.json()


def test_a_redraw_replaces_the_draw_and_the_audit_keeps_the_old_one(cast, panel):
    before, old_ids = seats(panel), set(panel.assignments.values_list("pk", flat=True))
    redrawn = services.panel_redraw(actor=cast.city_officer, panel=panel, reason=REASON, seed=2)
    assert redrawn.pk == panel.pk and redrawn.seed == 2 and redrawn.size == 3
    assert not Assignment.objects.filter(pk__in=old_ids).exists()
    again = services.panel_reproduce(redrawn)
    assert seats(redrawn) == sorted((s.application, s.expert) for s in again.seats)
    event = Event.objects.get(action="panel.redraw")
    assert event.object_id == str(panel.pk) and event.comment == REASON
    assert (event.from_state, event.to_state) == ("1", "2")
    assert event.data["previous"]["seed"] == 1 and sorted(map(tuple, event.data["previous"]["seats"])) == before
    assert event.data["previous"]["order"] == panel.order and event.data["seed"] == 2
    assert sorted(map(tuple, event.data["seats"])) == seats(redrawn)
    # one object's history: the draw, then the redraw
    actions = [e.action for e in events_for_object(panel) if e.action.startswith("panel.")]
    assert actions == ["panel.draw", "panel.redraw"]
    out = StringIO()
    call_command("redraw", call=panel.call.code, category="demonstration", stdout=out)
    assert "seed 2" in out.getvalue() and "identical to the stored draw" in out.getvalue()


def test_a_redraw_without_a_seed_draws_a_new_one_and_may_change_the_size(cast, panel):
    redrawn = services.panel_redraw(actor=cast.city_officer, panel=panel, reason=REASON, size=4)
    assert redrawn.size == 4 and Assignment.objects.filter(panel=redrawn).count() == 8
    assert Event.objects.get(action="panel.redraw").data["seed"] == redrawn.seed


def test_a_reason_is_required_and_bad_input_changes_nothing(cast, panel):
    before = seats(panel)
    with pytest.raises(DomainError, match="须写明理由") as refused:
        services.panel_redraw(actor=cast.city_officer, panel=panel, reason="  ")
    assert refused.value.errors[0]["field"] == "reason"
    with pytest.raises(DomainError) as refused:
        services.panel_redraw(actor=cast.city_officer, panel=panel, reason=REASON, size=99)
    assert refused.value.errors[0]["field"] == "size"
    with pytest.raises(DomainError, match="专家不足"):  # six experts cannot seat panels of seven
        services.panel_redraw(actor=cast.city_officer, panel=panel, reason=REASON, size=7)
    panel.refresh_from_db()
    assert seats(panel) == before and panel.seed == 1
    assert not Event.objects.filter(action="panel.redraw").exists()


@pytest.mark.parametrize("conflict", [False, True])
def test_refused_once_an_expert_has_declared(cast, panel, conflict):
    first = panel.assignments.select_related("expert__user").first()
    services.assignment_declare(actor=first.expert.user, assignment=first, conflict=conflict, note="曾任顾问")
    with pytest.raises(Conflict, match="作出声明或评分，不能重新抽取"):
        services.panel_redraw(actor=cast.city_officer, panel=panel, reason=REASON, seed=2)
    panel.refresh_from_db()
    assert panel.seed == 1 and Assignment.objects.filter(pk=first.pk).exists()


def test_the_old_experts_are_told_the_assignment_is_withdrawn(cast, panel):
    old = {a.expert.user_id for a in panel.assignments.select_related("expert")}
    silent = panel.assignments.select_related("expert").first().expert.user
    Message.objects.filter(recipient=silent).delete()  # never told of the draw: not told of its withdrawal
    services.panel_redraw(actor=cast.city_officer, panel=panel, reason=REASON, seed=2)
    withdrawn = Message.objects.filter(kind="evaluation.withdrawn")
    assert set(withdrawn.values_list("recipient_id", flat=True)) == old - {silent.pk}
    message = withdrawn.first()
    assert "已撤回" in message.subject and "无需声明或评分" in message.body and REASON not in message.body
    new = set(Assignment.objects.filter(panel=panel).values_list("expert__user_id", flat=True))
    told = Message.objects.filter(kind="evaluation.assigned")
    after = max(withdrawn.values_list("pk", flat=True))  # the new draw's messages come after the withdrawals
    assert set(told.filter(pk__gt=after).values_list("recipient_id", flat=True)) == new


def test_a_declaration_that_waited_for_a_redraw_is_told_its_assignment_is_gone(cast, panel):
    stale = panel.assignments.select_related("expert__user").first()
    services.panel_redraw(actor=cast.city_officer, panel=panel, reason=REASON, seed=2)
    with pytest.raises(Conflict, match="已撤回"):
        services.assignment_declare(actor=stale.expert.user, assignment=stale, conflict=False)


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("city_officer", OK),
        ("enterprise_a", DENIED),
        ("hanjiang_industry", DENIED),
        ("guangling_finance", DENIED),
        ("expert", DENIED),
        ("admin", DENIED),
    ],
)
def test_only_the_city_redraws(client, cast, panel, who, outcome):
    actor = getattr(cast, who)
    assert service_outcome(lambda: services.panel_redraw(actor=actor, panel=panel, reason=REASON)) == outcome
    if outcome == OK:
        return
    body = {"category": "demonstration", "redraw": True, "reason": REASON}
    status, answer = _post(client, f"/api/v1/calls/{panel.call_id}/panels", bearer(actor), body)
    assert status == 403 and answer["errors"][0]["message"]
    client.force_login(actor)
    page = client.post(f"/evaluation/calls/{panel.call_id}/redraw/", {"category": "demonstration", "reason": REASON})
    assert page.status_code == 403
    panel.refresh_from_db()
    assert panel.seed == 1


def test_the_api_keeps_409_and_redraws_on_request(client, cast, panel):
    city, url = bearer(cast.city_officer), f"/api/v1/calls/{panel.call_id}/panels"
    status, answer = _post(client, url, city, {"category": "demonstration", "size": 3})
    assert status == 409
    status, answer = _post(client, url, city, {"category": "demonstration", "redraw": True})
    assert status == 422 and answer["errors"][0]["field"] == "reason"
    status, answer = _post(
        client, url, city, {"category": "demonstration", "redraw": True, "reason": REASON, "seed": 5}
    )
    assert status == 201, answer
    assert answer["id"] == panel.pk and answer["seed"] == "5" and answer["redraw_refusal"] is None
    assert len(answer["assignments"]) == 6
    first = Assignment.objects.filter(panel=panel).select_related("expert__user").first()
    services.assignment_declare(actor=first.expert.user, assignment=first, conflict=False)
    status, answer = _post(client, url, city, {"category": "demonstration", "redraw": True, "reason": REASON})
    assert status == 409 and "不能重新抽取" in answer["errors"][0]["message"]
    listed = client.get(url, **city).json()
    assert listed[0]["redraw_refusal"] == "已有 1 项评审任务作出声明或评分，不能重新抽取。"


def test_redraw_on_a_category_without_a_panel_is_its_first_draw(client, cast):
    call = make_call()
    quick_application(call)
    pool_of(3)
    body = {"category": "demonstration", "size": 3, "redraw": True, "reason": REASON}
    status, answer = _post(client, f"/api/v1/calls/{call.pk}/panels", bearer(cast.city_officer), body)
    assert status == 201 and len(answer["assignments"]) == 3
    assert Event.objects.filter(action="panel.draw").count() == 1


def test_the_city_page_redraws_and_then_says_why_it_cannot(client, cast, panel):
    client.force_login(cast.city_officer)
    url = f"/evaluation/calls/{panel.call_id}/"
    page = client.get(url).content.decode()
    assert 'data-redraw="demonstration"' in page and "重新抽取的理由" in page
    refused = client.post(f"/evaluation/calls/{panel.call_id}/redraw/", {"category": "demonstration"}, follow=True)
    assert "重新抽取评审专家须写明理由。" in refused.content.decode()
    done = client.post(
        f"/evaluation/calls/{panel.call_id}/redraw/",
        {"category": "demonstration", "size": "3", "seed": "42", "reason": REASON},
        follow=True,
    )
    assert "已重新抽取评审专家，随机种子 42。" in done.content.decode()
    panel.refresh_from_db()
    assert panel.seed == 42
    first = panel.assignments.select_related("expert__user").first()
    services.assignment_declare(actor=first.expert.user, assignment=first, conflict=False)
    page = client.get(url).content.decode()
    assert 'data-redraw="demonstration"' not in page and "作出声明或评分，不能重新抽取" in page


def test_the_page_of_a_category_without_a_panel_is_404_for_a_redraw(client, cast):
    call = make_call()
    client.force_login(cast.city_officer)
    response = client.post(f"/evaluation/calls/{call.pk}/redraw/", {"category": "demonstration", "reason": REASON})
    assert response.status_code == 404


def test_manage_redraw_apply(cast, panel):
    code = panel.call.code
    with pytest.raises(CommandError, match="--reason"):
        call_command("redraw", call=code, category="demonstration", apply=True, by="city", stdout=StringIO())
    with pytest.raises(CommandError, match="--by"):
        call_command("redraw", call=code, category="demonstration", apply=True, reason=REASON, stdout=StringIO())
    with pytest.raises(CommandError, match="只有市级管理员"):
        call_command(
            "redraw", call=code, category="demonstration", apply=True, reason=REASON, by="exp", stdout=StringIO()
        )
    out = StringIO()
    call_command(
        "redraw", call=code, category="demonstration", apply=True, reason=REASON, by="city", seed=9, stdout=out
    )
    assert "redrawn: seed 1 -> 9" in out.getvalue()
    panel.refresh_from_db()
    assert panel.seed == 9
    assert Event.objects.get(action="panel.redraw").actor == cast.city_officer
    # reproducing still works on the redrawn panel
    check = StringIO()
    call_command("redraw", call=code, category="demonstration", stdout=check)
    assert "identical to the stored draw" in check.getvalue()
    first = panel.assignments.select_related("expert__user").first()
    services.assignment_declare(actor=first.expert.user, assignment=first, conflict=False)
    with pytest.raises(CommandError, match="不能重新抽取"):
        call_command(
            "redraw", call=code, category="demonstration", apply=True, reason=REASON, by="city", stdout=StringIO()
        )


def test_an_expert_who_joined_the_pool_later_can_be_drawn_by_a_redraw(cast, panel):
    newcomer = make_expert(employer="扬州新来的研究所")
    redrawn = services.panel_redraw(actor=cast.city_officer, panel=panel, reason=REASON, seed=3)
    assert newcomer.pk in redrawn.pool and newcomer.pk in Panel.objects.get(pk=panel.pk).order
