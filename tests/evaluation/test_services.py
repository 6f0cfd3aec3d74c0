"""The expert review's writes: the draw with its seed, declarations and replacements, scores and their locks."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import Event
from core.errors import Conflict, DomainError, PermissionDeniedError
from evaluation import services
from evaluation.models import Assignment, EvaluationSettings, Panel, Score
from programmes.models import Rubric
from programmes.rubric import rubric_save
from programmes.services import call_copy
from tests.applications.core_helpers import make_call
from tests.evaluation.helpers import FULL, declare_all, drawn, make_expert, pool_of, quick_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return make_call()


def test_draw_records_its_seed_and_reproduces(cast, call):
    applications = [quick_application(call) for _ in range(4)]
    pool_of(7)
    panel = drawn(cast, call, seed=123456789)
    assert panel.seed == 123456789 and panel.size == 5
    assert panel.applications == sorted(a.pk for a in applications)
    assert panel.rules == ["same_employer", "same_region", "declared_relation"]
    assert Assignment.objects.filter(panel=panel).count() == 20
    event = Event.objects.get(action="panel.draw")
    assert event.data["seed"] == 123456789 and len(event.data["seats"]) == 20
    again = services.panel_reproduce(panel)
    stored = sorted(panel.assignments.values_list("application_id", "expert_id", "position"))
    assert sorted((s.application, s.expert, s.position) for s in again.seats) == stored
    with pytest.raises(Conflict):
        drawn(cast, call, seed=1)


def test_the_same_seed_draws_the_same_panel_in_another_call(cast):
    pool_of(9)
    first, second = make_call(), make_call()
    for c in (first, second):
        quick_application(c)
    a = drawn(cast, first, seed=99)
    b = drawn(cast, second, seed=99)
    assert a.order == b.order
    assert [x.expert_id for x in a.assignments.all()] == [x.expert_id for x in b.assignments.all()]


def test_draw_refuses_what_cannot_be_drawn(cast, call):
    pool_of(4)
    with pytest.raises(PermissionDeniedError):
        services.panel_draw(actor=cast.expert, call=call, category=call.categories.first(), size=3)
    with pytest.raises(DomainError, match="没有进入专家评审"):
        drawn(cast, call, size=3)
    quick_application(call)
    with pytest.raises(DomainError, match="专家不足"):
        drawn(cast, call, size=5)
    with pytest.raises(DomainError, match="3 至 15"):
        drawn(cast, call, size=2)
    assert not Panel.objects.exists() and not Assignment.objects.exists()  # nothing half-drawn


def test_recusal_by_credit_code_and_by_name_at_the_draw(cast, call):
    application = quick_application(call, name="扬州（邗江）数智机械有限公司")
    code = application.enterprise.profile.uscc
    by_code = make_expert(employer="另一个名字", code=code)
    by_name = make_expert(employer="扬州(邗江)数智机械 有限公司")
    pool_of(5)
    panel = drawn(cast, call, size=5)
    experts = set(panel.assignments.values_list("expert_id", flat=True))
    assert by_code.pk not in experts and by_name.pk not in experts and len(experts) == 5


def test_same_region_recusal_when_the_call_says_so(cast, call):
    quick_application(call, region="321003")
    locals_ = pool_of(3, region="321003")
    pool_of(3, region="321002")
    EvaluationSettings.objects.create(call=call, recuse_same_region=True)
    panel = drawn(cast, call, size=3)
    assert not set(panel.assignments.values_list("expert_id", flat=True)) & {e.pk for e in locals_}


def test_conflict_removes_the_assignment_and_draws_a_replacement(cast, call):
    application = quick_application(call)
    pool_of(6)
    panel = drawn(cast, call, size=5)
    assignment = panel.assignments.order_by("position").first()
    with pytest.raises(DomainError):
        services.assignment_declare(actor=assignment.expert.user, assignment=assignment, conflict=True, note="")
    services.assignment_declare(actor=assignment.expert.user, assignment=assignment, conflict=True, note="曾任顾问")
    assignment.refresh_from_db()
    assert assignment.state == "conflict"
    replacement = Assignment.objects.get(replaces=assignment)
    assert replacement.expert_id == panel.order[5] and replacement.application == application
    counting = application.assignments.exclude(state="conflict")
    assert counting.count() == 5
    with pytest.raises(Conflict):
        services.assignment_declare(actor=assignment.expert.user, assignment=assignment, conflict=False)
    # the next conflict finds nobody left: recorded, no replacement
    services.assignment_declare(actor=replacement.expert.user, assignment=replacement, conflict=True, note="亲属任职")
    assert not Assignment.objects.filter(replaces=replacement).exists()
    assert Event.objects.filter(action="assignment.conflict").count() == 2


def test_another_expert_cannot_declare_or_score(cast, call):
    quick_application(call)
    pool_of(3)
    panel = drawn(cast, call, size=3)
    mine, theirs = list(panel.assignments.select_related("expert__user")[:2])
    with pytest.raises(PermissionDeniedError):
        services.assignment_declare(actor=theirs.expert.user, assignment=mine, conflict=False)
    with pytest.raises(PermissionDeniedError):
        services.score_save(actor=cast.city_officer, assignment=mine, scores=FULL, comment="好")


def _declared(cast, call, size=3):
    quick_application(call)
    pool_of(size)
    panel = drawn(cast, call, size=size)
    declare_all(panel)
    return panel.assignments.select_related("expert__user").order_by("position").first()


def test_scores_are_checked_against_maximum_and_step(cast, call):
    assignment = _declared(cast, call)
    user = assignment.expert.user
    with pytest.raises(DomainError) as caught:
        services.score_save(
            actor=user,
            assignment=assignment,
            scores={"application_depth": 36, "investment": "12.3", "results": "abc", "nope": 1, "replicability": -1},
        )
    messages = {e["field"]: e["message"] for e in caught.value.errors}
    assert messages["scores.application_depth"] == "“互联网应用深度”的得分应在 0 到 35 分之间。"
    assert messages["scores.investment"] == "“投入规模与结构”的得分应为 0.5 分的整数倍。"
    assert messages["scores.results"] == "“实际成效”的得分应为数字。"
    assert messages["scores.nope"] == "评分项“nope”不在评分标准中。"
    assert "scores.replicability" in messages
    assert not Score.objects.exists()


def test_draft_then_submit_then_locked_then_reopened(cast, call):
    assignment = _declared(cast, call)
    user = assignment.expert.user
    draft = services.score_save(actor=user, assignment=assignment, scores={"application_depth": "30.5"})
    assert draft.total == Decimal("30.5") and draft.submitted_at is None and not draft.locked
    assert Rubric.objects.get(category=assignment.application.category).locked_at is not None
    with pytest.raises(DomainError) as caught:
        services.score_save(actor=user, assignment=assignment, scores={"application_depth": 30}, submit=True)
    fields = {e["field"] for e in caught.value.errors}
    assert {"scores.investment", "scores.results", "scores.replicability", "comment"} <= fields
    score = services.score_save(actor=user, assignment=assignment, scores=FULL, comment="应用较深入", submit=True)
    assert score.total == Decimal("80") and score.locked and score.scores["investment"] == "20"
    assignment.refresh_from_db()
    assert assignment.state == "scored"
    with pytest.raises(Conflict, match="锁定"):
        services.score_save(actor=user, assignment=assignment, scores=FULL, comment="改", submit=True)
    with pytest.raises(PermissionDeniedError):
        services.score_reopen(actor=user, assignment=assignment, reason="自己改")
    with pytest.raises(DomainError):
        services.score_reopen(actor=cast.city_officer, assignment=assignment, reason=" ")
    services.score_reopen(actor=cast.city_officer, assignment=assignment, reason="投入评分与材料不符，请复核")
    event = Event.objects.get(action="score.reopen")
    assert event.data["reason"] == "投入评分与材料不符，请复核" and event.data["total"] == "80.00"
    again = services.score_save(actor=user, assignment=assignment, scores=FULL, comment="复核后维持", submit=True)
    assert again.locked


def test_scoring_before_the_declaration_is_refused(cast, call):
    quick_application(call)
    pool_of(3)
    assignment = drawn(cast, call, size=3).assignments.select_related("expert__user").first()
    with pytest.raises(Conflict, match="声明"):
        services.score_save(actor=assignment.expert.user, assignment=assignment, scores=FULL)


def test_rubric_edits_until_scoring_starts_then_409(cast, call):
    category = call.categories.get(code="demonstration")
    rows = [
        {"code": "a", "title": "甲项", "max_points": "60"},
        {"code": "b", "title": "乙项", "max_points": 40, "step": 1},
    ]
    with pytest.raises(PermissionDeniedError):
        rubric_save(category=category, criteria=rows, actor=cast.expert)
    with pytest.raises(DomainError) as caught:
        rubric_save(
            category=category,
            criteria=[
                {"code": "A!", "title": "", "max_points": 0},
                {"code": "b", "title": "x", "max_points": 5, "step": 2},
            ],
            actor=cast.city_officer,
        )
    assert {e["field"] for e in caught.value.errors} == {
        "criteria.0.code",
        "criteria.0.title",
        "criteria.0.max_points",
        "criteria.1.step",
    }
    rubric = rubric_save(category=category, criteria=rows, actor=cast.city_officer)
    assert [(c.code, c.max_points, c.step) for c in rubric.criteria.all()] == [
        ("a", Decimal("60"), Decimal("0.5")),
        ("b", Decimal("40"), Decimal("1")),
    ]
    Rubric.objects.filter(pk=rubric.pk).update(locked_at="2026-01-01T00:00Z")
    with pytest.raises(Conflict):
        rubric_save(category=category, criteria=rows, actor=cast.city_officer)


def test_the_demo_rubric_and_call_copy_copies_it(cast, call):
    rubric = Rubric.objects.get(category__call=call, category__code="new_product")
    assert rubric.total_points == Decimal("100")
    assert [c.code for c in rubric.criteria.all()] == [
        "technology_ip",
        "industrialisation",
        "three_down_two_up",
        "market_prospects",
    ]
    assert Rubric.objects.get(category__call=call, category__code="demonstration").total_points == Decimal("100")
    Rubric.objects.filter(pk=rubric.pk).update(locked_at="2026-01-01T00:00Z")
    copy = call_copy(
        source=call,
        year=2019,
        opens_at=call.opens_at,
        deadline=call.deadline,
        title="2019年度",
        actor=cast.city_officer,
    )
    copied = Rubric.objects.get(category__call=copy, category__code="new_product")
    assert copied.locked_at is None
    assert [(c.code, c.max_points, c.guidance) for c in copied.criteria.all()] == [
        (c.code, c.max_points, c.guidance) for c in rubric.criteria.all()
    ]


def test_manage_redraw_reproduces_the_stored_draw(cast, call):
    for _ in range(3):
        quick_application(call)
    pool_of(6)
    panel = drawn(cast, call, size=3, seed=777)
    out = StringIO()
    call_command("redraw", call=call.code, category="demonstration", stdout=out)
    assert "seed 777" in out.getvalue() and "identical to the stored draw" in out.getvalue()
    # a conflict's replacement does not make the draw differ (only the initial seats are compared)
    first = panel.assignments.select_related("expert__user").first()
    services.assignment_declare(actor=first.expert.user, assignment=first, conflict=True, note="曾任顾问")
    call_command("redraw", call=call.code, category="demonstration", stdout=StringIO())
    other = StringIO()
    call_command("redraw", call=call.code, category="demonstration", seed=778, stdout=other)
    assert "seed 778" in other.getvalue()
    # a recorded seed that does not give the stored seats (tampering) is reported and fails
    Panel.objects.filter(pk=panel.pk).update(seed=1)
    with pytest.raises(CommandError):
        call_command("redraw", call=call.code, category="demonstration", stdout=StringIO())


def test_drawn_experts_and_a_replacement_are_told(cast, call):
    from notifications.models import Message

    for _ in range(2):
        quick_application(call)
    pool_of(4)
    panel = drawn(cast, call, size=3)
    messages = Message.objects.filter(kind="evaluation.assigned")
    assert messages.count() == 3  # one per expert, not one per seat
    assert "共 2 份申报书" in messages.first().body and messages.first().link == "/evaluation/"
    first = panel.assignments.select_related("expert__user").first()
    services.assignment_declare(actor=first.expert.user, assignment=first, conflict=True, note="曾任顾问")
    replacement = Assignment.objects.get(replaces=first)
    assert Message.objects.filter(kind="evaluation.assigned", recipient=replacement.expert.user).count() == 1


def test_applications_arriving_after_the_draw_are_seated_from_the_same_order(cast, call):
    quick_application(call)
    pool_of(5)
    panel = drawn(cast, call, size=3, seed=9)
    with pytest.raises(Conflict):
        services.panel_extend(actor=cast.city_officer, panel=panel)
    late = quick_application(call)
    with pytest.raises(PermissionDeniedError):
        services.panel_extend(actor=cast.expert, panel=panel)
    seats = services.panel_extend(actor=cast.city_officer, panel=panel)
    assert [s.expert_id for s in sorted(seats, key=lambda s: s.position)] == panel.order[:3]
    panel.refresh_from_db()
    assert late.pk in panel.applications
    assert Event.objects.get(action="panel.extend").data["applications"] == [late.pk]
    out = StringIO()
    call_command("redraw", call=call.code, category="demonstration", stdout=out)
    assert "identical to the stored draw" in out.getvalue()
