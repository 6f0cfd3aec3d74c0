"""The county's dual opinion and the city's re-check, through the services (the workflow's rows)."""

import pytest

from applications import services as application_services
from applications.models import Application
from core.errors import Conflict, DomainError, PermissionDeniedError
from reviews import selectors, services
from reviews.models import CityCheck, CountyOpinion
from tests.reviews.helpers import CHECKLIST, approve, recommended, submitted

pytestmark = pytest.mark.django_db
S = Application.Status


def test_first_opinion_starts_the_review_and_closes_withdrawal(cast):
    application = submitted(cast)
    approve(application, cast.hanjiang_industry, "industry")
    application.refresh_from_db()
    assert application.status == S.COUNTY_REVIEW
    with pytest.raises(Conflict):
        application_services.application_withdraw(application=application, actor=cast.enterprise_a)


def test_recommended_only_when_both_bureaus_approved_the_same_round(cast):
    application = submitted(cast)
    approve(application, cast.hanjiang_finance, "finance")
    application.refresh_from_db()
    assert application.status == S.COUNTY_REVIEW
    approve(application, cast.hanjiang_industry, "industry")
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    assert selectors.approvals_of_round(application) == {"industry", "finance"}


def test_one_opinion_per_bureau_and_round(cast):
    application = submitted(cast)
    approve(application, cast.hanjiang_industry, "industry")
    with pytest.raises(Conflict):
        approve(application, cast.hanjiang_industry, "industry")
    assert CountyOpinion.objects.filter(application=application).count() == 1


@pytest.mark.parametrize("decision", ["return", "not_recommend"])
def test_return_and_refusal_need_a_reason(cast, decision):
    application = submitted(cast)
    with pytest.raises(DomainError) as caught:
        services.opinion_give(application=application, actor=cast.hanjiang_finance, decision=decision, comment=" ")
    assert caught.value.status == 422
    assert caught.value.errors[0]["field"] == "comment"
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not CountyOpinion.objects.exists()


def test_other_unit_enterprise_city_and_admin_may_not_give_opinions(cast):
    application = submitted(cast)
    for who in ("guangling_industry", "enterprise_a", "city_officer", "admin", "expert"):
        with pytest.raises(PermissionDeniedError):
            services.opinion_give(application=application, actor=getattr(cast, who), decision="approve")


def test_unknown_checklist_item_is_refused(cast):
    application = submitted(cast)
    with pytest.raises(DomainError) as caught:
        services.opinion_give(
            application=application, actor=cast.hanjiang_industry, decision="approve", checklist=["invoices"]
        )
    assert caught.value.errors[0]["field"] == "checklist"


def test_return_resubmit_opens_a_new_round_with_a_new_version(cast):
    application = submitted(cast)
    approve(application, cast.hanjiang_industry, "industry")
    services.opinion_give(
        application=application, actor=cast.hanjiang_finance, decision="return", comment="发票复印件不清晰"
    )
    application.refresh_from_db()
    assert application.status == S.RETURNED
    first_digest, receipt = application.digest, application.receipt_no
    services.take_action(application=application, action="resubmit", actor=cast.enterprise_a)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.review_round == 2
    assert application.receipt_no == receipt and application.digest != first_digest
    assert application.snapshots.count() == 2
    # Both bureaus review again: the industry bureau's approval of round 1 does not count.
    approve(application, cast.hanjiang_finance, "finance")
    application.refresh_from_db()
    assert application.status == S.COUNTY_REVIEW
    approve(application, cast.hanjiang_industry, "industry")
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED


def test_not_recommended_ends_it(cast):
    application = submitted(cast)
    services.opinion_give(
        application=application, actor=cast.hanjiang_industry, decision="not_recommend", comment="不属于小微企业"
    )
    application.refresh_from_db()
    assert application.status == S.NOT_RECOMMENDED
    with pytest.raises(Conflict):
        approve(application, cast.hanjiang_finance, "finance")


def _forwarded(cast):
    application = recommended(cast)
    application_services.transition(application=application, action="forward", actor=cast.hanjiang_industry)
    return application


def test_city_sends_back_into_a_new_round_and_passes_to_experts(cast):
    application = _forwarded(cast)
    with pytest.raises(PermissionDeniedError):
        services.city_decide(application=application, actor=cast.hanjiang_industry, decision="to_experts")
    with pytest.raises(DomainError):
        services.city_decide(application=application, actor=cast.city_officer, decision="send_back", comment="")
    services.city_decide(application=application, actor=cast.city_officer, decision="send_back", comment="请复核投入")
    application.refresh_from_db()
    assert application.status == S.SENT_BACK and application.review_round == 2
    approve(application, cast.hanjiang_industry, "industry")
    approve(application, cast.hanjiang_finance, "finance")
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    application_services.transition(application=application, action="forward", actor=cast.hanjiang_finance)
    services.city_decide(application=application, actor=cast.city_officer, decision="to_experts")
    application.refresh_from_db()
    assert application.status == S.EXPERT_REVIEW
    assert list(CityCheck.objects.values_list("decision", flat=True)) == ["send_back", "to_experts"]


def test_history_public_labels_for_the_enterprise_everything_for_staff(cast):
    application = submitted(cast)
    services.opinion_give(
        application=application, actor=cast.hanjiang_industry, decision="return", comment="缺少软件合同"
    )
    enterprise_rows = selectors.history_of(cast.enterprise_a, application)
    assert [r["label"] for r in enterprise_rows] == ["企业提交申报", "县区退回修改"]
    assert enterprise_rows[-1]["comment"] == "缺少软件合同"
    assert "actor" not in enterprise_rows[-1]
    staff_rows = selectors.history_of(cast.hanjiang_finance, application)
    assert staff_rows[-1]["actor"] == cast.hanjiang_industry.username
    assert staff_rows[-1]["bureau"] == "industry"


def test_checklists_cover_each_bureau(cast):
    application = submitted(cast)
    opinion = approve(application, cast.hanjiang_finance, "finance")
    assert opinion.checklist == CHECKLIST["finance"]


def test_edits_after_a_return_are_audited(cast):
    from audit.models import Event

    application = submitted(cast)
    services.opinion_give(application=application, actor=cast.hanjiang_industry, decision="return", comment="补充")
    application.refresh_from_db()
    data = dict(application.data, summary="按退回意见补充了说明。")
    application_services.application_save_draft(
        application=application, data=data, version=application.version, actor=cast.enterprise_a
    )
    event = Event.objects.get(action="application.edit_after_return")
    assert event.data["fields"] == ["summary"] and event.actor_id == cast.enterprise_a.pk


def test_a_short_autosave_after_a_return_is_audited_too(cast, client):
    """`Prefer: return=minimal` reads the application with fewer joins; the return's audit still happens."""
    from accounts.services import api_token_issue
    from audit.models import Event

    application = submitted(cast)
    services.opinion_give(application=application, actor=cast.hanjiang_industry, decision="return", comment="补充")
    application.refresh_from_db()
    response = client.patch(
        f"/api/v1/applications/{application.pk}",
        {"version": application.version, "data": {"summary": "按退回意见补充了说明。"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=cast.enterprise_a)[0]}",
        HTTP_PREFER="return=minimal",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Application.Status.RETURNED
    assert response.json()["version"] == application.version + 1
    event = Event.objects.get(action="application.edit_after_return")
    assert event.data["fields"] == ["summary"] and event.actor_id == cast.enterprise_a.pk
