"""Builders for review tests: a submitted application of 甲 (邗江) and each later state."""

from __future__ import annotations

from applications import services as application_services
from reviews import services
from tests.applications.core_helpers import complete, make_call

CHECKLIST = {
    "industry": ["eligibility", "areas", "software", "materials"],
    "finance": ["investment_list", "invoices", "audit_report", "taxes"],
}


def submitted(cast, *, call=None, code="demonstration"):
    call = call or make_call()
    application = complete(cast.enterprise_a, call, code)
    return application_services.application_submit(application=application, actor=cast.enterprise_a, declaration=True)


def approve(application, reviewer, bureau):
    return services.opinion_give(
        application=application, actor=reviewer, decision="approve", checklist=CHECKLIST[bureau]
    )


def recommended(cast, **kwargs):
    application = submitted(cast, **kwargs)
    approve(application, cast.hanjiang_industry, "industry")
    approve(application, cast.hanjiang_finance, "finance")
    application.refresh_from_db()
    return application
