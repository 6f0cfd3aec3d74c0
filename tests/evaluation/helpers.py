"""Builders for the expert review: applications in expert review, experts of the pool, a drawn panel."""

from __future__ import annotations

import itertools
from decimal import Decimal

from accounts.models import Organisation, User
from applications import services as application_services
from applications.models import Application
from enterprises.models import EnterpriseProfile
from evaluation import services
from evaluation.models import Expert
from reviews import services as review_services
from tests.applications.core_helpers import complete, make_call, valid_uscc
from tests.factories import UserFactory
from tests.reviews.helpers import approve

_serial = itertools.count(1)


def through_the_review(cast, *, call=None, code="demonstration"):
    """甲 (邗江)'s application the whole way: submitted, approved by both bureaus, forwarded, to the experts."""
    call = call or make_call()
    application = complete(cast.enterprise_a, call, code)
    application = application_services.application_submit(
        application=application, actor=cast.enterprise_a, declaration=True
    )
    approve(application, cast.hanjiang_industry, "industry")
    approve(application, cast.hanjiang_finance, "finance")
    application.refresh_from_db()
    application_services.transition(application=application, action="forward", actor=cast.hanjiang_industry)
    review_services.city_decide(application=application, actor=cast.city_officer, decision="to_experts")
    application.refresh_from_db()
    assert application.status == Application.Status.EXPERT_REVIEW
    return application


def quick_application(call, *, code="demonstration", name=None, uscc=None, region="321003"):
    """An application already in expert review, without the review's path (for draws over many applications)."""
    n = next(_serial)
    name = name or f"扬州评审测试{n}有限公司"
    organisation = Organisation.objects.create(name=name, kind=Organisation.Kind.ENTERPRISE, region_id=region)
    EnterpriseProfile.objects.create(
        organisation=organisation,
        uscc=uscc or valid_uscc(region),
        name=name,
        legal_representative="王五",
        contact_person="赵六",
        mobile="13900000000",
        registered_region=region,
        tax_region=region,
        independent_legal_person=True,
        industry="industry",
    )
    category = call.categories.get(code=code)
    return Application.objects.create(
        call=call,
        category=category,
        enterprise=organisation,
        region_id=region,
        status=Application.Status.EXPERT_REVIEW,
        receipt_no=f"{call.receipt_prefix}-{category.short_code}-{region}-Q{n:04d}",  # never a real number
    )


def make_expert(*, employer="扬州大学", code="", region=None, field="information_technology", active=True, **extra):
    n = next(_serial)
    pool = Organisation.objects.get(kind=Organisation.Kind.EXPERT_POOL)
    user = UserFactory(username=f"pool_expert{n}", role=User.Role.EXPERT, organisation=pool)
    return Expert.objects.create(
        user=user,
        field=field,
        employer_name=employer,
        employer_credit_code=code,
        region_id=region,
        active=active,
        **extra,
    )


def pool_of(count, **kwargs):
    return [make_expert(employer=f"扬州某研究院{next(_serial)}", **kwargs) for _ in range(count)]


def drawn(cast, call, *, code="demonstration", size=5, seed=2018):
    category = call.categories.get(code=code)
    return services.panel_draw(actor=cast.city_officer, call=call, category=category, size=size, seed=seed)


def declare_all(panel):
    for assignment in panel.assignments.filter(state="assigned").select_related("expert__user"):
        services.assignment_declare(actor=assignment.expert.user, assignment=assignment, conflict=False)


FULL = {"application_depth": "30", "investment": "20", "results": "20", "replicability": "10"}


def points(total_of_first: Decimal | str) -> dict:
    """The demonstration rubric's four criteria with the first set to `total_of_first` and the others fixed."""
    return {**FULL, "application_depth": str(total_of_first)}
