"""Builders for the publicity: a scored category with a quota (the proposed selection), a published list."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from applications.material_samples import pdf_bytes
from evaluation import services as evaluation_services
from publicity import services
from tests.applications.core_helpers import make_call
from tests.evaluation.helpers import FULL, pool_of, quick_application

PHONE, CONTACT = "0514-87000000", "王科长"


def proposed(cast, *, count=3, quota=2):
    """`count` applications scored by three experts, best first (depth 35, 30, 25, …); the quota takes the top."""
    call = make_call()
    apps = [quick_application(call) for _ in range(count)]
    pool_of(3)
    category = apps[0].category
    panel = evaluation_services.panel_draw(actor=cast.city_officer, call=call, category=category, size=3, seed=7)
    depth = {app.pk: 35 - 5 * n for n, app in enumerate(apps)}
    for assignment in panel.assignments.select_related("expert__user"):
        user = assignment.expert.user
        evaluation_services.assignment_declare(actor=user, assignment=assignment, conflict=False)
        scores = {**FULL, "application_depth": depth[assignment.application_id]}
        evaluation_services.score_save(actor=user, assignment=assignment, scores=scores, comment="意见", submit=True)
    evaluation_services.selection_quota(actor=cast.city_officer, call=call, category=category, quota=quota)
    return call, category, apps


def published(cast, **kwargs):
    call, category, apps = proposed(cast)
    publicity = services.publish(
        actor=cast.city_officer,
        call=call,
        category=category,
        supervision_phone=PHONE,
        supervision_contact=CONTACT,
        **kwargs,
    )
    return publicity, apps


def evidence(name="证据.pdf", content=None):
    return SimpleUploadedFile(name, content or pdf_bytes("evidence"), content_type="application/pdf")


def shift(publicity, days):
    """Move the period by `days` (negative: into the past), as if it had been published then."""
    publicity.starts_on += dt.timedelta(days=days)
    publicity.ends_on += dt.timedelta(days=days)
    publicity.save(update_fields=["starts_on", "ends_on", "updated_at"])
    return publicity
