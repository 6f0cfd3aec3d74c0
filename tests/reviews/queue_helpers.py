"""Builders for the list tests: many submitted applications in one go (bulk_create, no submission flow)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from accounts.models import Organisation
from applications.models import Application
from programmes.models import CategoryForm

_serial = itertools.count(1)


def bulk_applications(call, n, *, region, status=Application.Status.SUBMITTED, code="demonstration", name="批量企业"):
    """`n` applications of `n` new enterprises of `region`, submitted a minute apart (newest first)."""
    batch = next(_serial)
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"{name}{batch}-{i:04d}有限公司", kind=Organisation.Kind.ENTERPRISE, region_id=region)
            for i in range(n)
        ]
    )
    category = call.categories.get(code=code)
    form_version = CategoryForm.objects.current_for(category.id)
    now = timezone.now()
    submitted = status != Application.Status.DRAFT
    return Application.objects.bulk_create(
        [
            Application(
                call=call,
                category=category,
                enterprise=organisation,
                region_id=region,
                status=status,
                form_version=form_version,
                receipt_no=f"{call.receipt_prefix}-B{batch}-{region}-{i:05d}" if submitted else None,
                digest=f"{batch:08d}{i:056d}" if submitted else "",
                submitted_at=now - dt.timedelta(minutes=i) if submitted else None,
                review_round=1 if submitted else 0,
            )
            for i, organisation in enumerate(organisations)
        ]
    )
