"""Builders for batch tests: recommended applications of several enterprises of one unit, and a batch of them."""

from __future__ import annotations

from applications import services as application_services
from reviews import batches
from tests.applications.core_helpers import complete, make_call
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.helpers import approve

REVIEWERS = {"321003": ("hanjiang_industry", "hanjiang_finance"), "321002": ("guangling_industry", "guangling_finance")}


def recommended_in_unit(cast, count, *, call=None, region="321003", codes=("demonstration",)):
    """`count` applications of `count` enterprises of `region`, recommended by both of its bureaus."""
    call = call or make_call()
    industry, finance = (getattr(cast, name) for name in REVIEWERS[region])
    applications = []
    for index in range(count):
        organisation = OrganisationFactory(region_id=region)
        user = UserFactory(organisation=organisation)
        code = codes[index % len(codes)]
        application = complete(user, call, code, region=region)
        application = application_services.application_submit(application=application, actor=user, declaration=True)
        approve(application, industry, "industry")
        approve(application, finance, "finance")
        application.refresh_from_db()
        applications.append(application)
    return applications


def assembled(cast, applications, *, by="hanjiang_industry"):
    return batches.batch_assemble(actor=getattr(cast, by), application_ids=[a.pk for a in applications])


def sealed(cast, batch, *, bureaus=("hanjiang_industry", "hanjiang_finance")):
    for who in bureaus:
        batches.batch_seal(batch=batch, actor=getattr(cast, who))
    batch.refresh_from_db()
    return batch
