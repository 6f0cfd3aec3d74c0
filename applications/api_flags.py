"""GET /api/v1/applications/{id}/flags: the automatic flags of an application, for reviewers.

An application the caller may not see is 404 (the selector), as everywhere. An enterprise user who may see it
(its own) gets 403 with the reason rather than an empty list: flags are reviewers' hints about possible
fraud, and an empty answer would read as "no flags" — which it is not allowed to learn either way.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router

from applications import flags, selectors
from core.errors import PermissionDeniedError

router = Router(tags=["flags"])


@router.get("/applications/{application_id}/flags", summary="申报书的自动提示（仅审核人员可见）")
def application_flags(request, application_id: int):
    application = selectors.application_for(request.user, pk=application_id)
    if not flags.may_see_flags(request.user, application):
        raise PermissionDeniedError(_("自动提示仅供审核人员查看。"))
    return [
        {**row, "computed_at": row["computed_at"].isoformat()} for row in flags.flags_for(request.user, application)
    ]
