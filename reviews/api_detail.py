"""JSON API of the review detail: what changed between two submitted versions of an application.

GET /api/v1/applications/{id}/diff?from=&to= — 404 for an application the caller may not see (the
application selector), 422 naming `from` or `to` for a version that does not exist. Whoever may read the
application may compare its versions (the enterprise its own: it is its own data).
"""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from applications import selectors as application_selectors
from reviews import selectors_detail

router = Router(tags=["reviews"])


class DiffQuery(Schema):
    from_version: int = Field(..., alias="from", ge=1)
    to_version: int = Field(..., alias="to", ge=1)


class FieldChange(Schema):
    section: str
    path: str
    label: str
    before: object | None = None
    after: object | None = None
    before_text: str
    after_text: str


class MaterialChange(Schema):
    item: str
    item_name: str
    change: str
    before_sha256: str | None = None
    after_sha256: str | None = None
    before_name: str | None = None
    after_name: str | None = None


class DiffOut(Schema):
    from_: int = Field(..., alias="from")
    to: int
    fields: list[FieldChange]
    materials: list[MaterialChange]


@router.get(
    "/applications/{application_id}/diff",
    response=DiffOut,
    by_alias=True,
    summary="两个提交版本之间的差异（逐项字段与按 SHA-256 的材料变化）",
)
def diff(request, application_id: int, query: Query[DiffQuery]):
    application = application_selectors.application_for(request.user, pk=application_id)
    return selectors_detail.versions_diff(application, from_version=query.from_version, to_version=query.to_version)
