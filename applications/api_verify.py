"""Public JSON verification of a snapshot digest: GET /api/v1/verify/{digest} (no login).

The same answer as the page /verify/<digest>, from the same read (applications/verification.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.api import ErrorsOut
from applications.api import documented_as
from applications.verification import invalid_digest_message, normalise_digest, not_found_message, verification_for
from core.errors import DomainError

router = Router(tags=["verification"])


class VersionOut(Schema):
    version: int
    submitted_at: dt.datetime


class VerificationOut(Schema):
    status: Literal["current", "withdrawn", "returned", "superseded"]
    receipt_no: str
    version: int
    submitted_at: dt.datetime
    latest_version: int
    superseded_by: VersionOut | None
    withdrawn_at: dt.datetime | None
    returned_at: dt.datetime | None
    enterprise: str
    category: str
    message: str


_DESCRIPTION = (
    "按申请书封面二维码中的快照摘要（SHA-256，64 位十六进制，大小写均可）核验申请书，无需登录。"
    "status：current 当前有效；withdrawn 已撤回（withdrawn_at 为撤回时间）；returned 已退回修改（returned_at）；"
    "superseded 已被后来提交的版本取代（superseded_by 为最新版本及其提交时间）。时间为北京时间（+08:00）。"
    "message 是核验页面显示的同一句话。只返回受理编号、企业名称、类别、版本与时间，不含申请书内容。"
    "摘要格式不正确为 422，系统中没有该摘要为 404。"
)


# Documented as the 64 hex digits (any case; spaces are dropped) that normalise_digest accepts: 422 otherwise.
DigestParam = documented_as({"type": "string", "pattern": r"^\s*([0-9a-fA-F]\s*){64}$"})


@router.get(
    "/verify/{digest}",
    auth=None,
    response={200: VerificationOut, 404: ErrorsOut, 422: ErrorsOut},
    summary="核验申请书（按快照摘要，公开）",
    description=_DESCRIPTION,
)
def verify(request, digest: DigestParam):
    normalised = normalise_digest(digest)
    if normalised is None:
        raise DomainError(invalid_digest_message(), field="digest")
    facts = verification_for(normalised)
    if facts is None:
        raise HttpError(404, not_found_message())
    return 200, facts
