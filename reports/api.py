"""Exports and dossiers: `GET /exports/{list}.xlsx` (every staff list) and `GET /applications/{id}/dossier.zip`."""

from urllib.parse import quote

from django.http import FileResponse
from ninja import Router

from reports import dossier, exports

router = Router(tags=["导出"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(handle, name: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/exports/{name}.xlsx",
    summary="导出列表为 Excel：queue（审核列表，筛选同 GET /review/queue）、applications（申报书列表，筛选同 "
    "GET /applications）、batches（上报批次）、experts（专家库）、ranking（专家评审排名，需 call 与 category）、"
    "publicity（公示名单）、objections（公示异议）、designations（认定名单；这三项可选 call，认定名单还可选 category）",
)
def export_list(request, name: str):
    handle, _rows, filename = exports.run_export(request.user, name, request.GET)
    return attachment(handle, filename, XLSX)


@router.get("/applications/{application_id}/dossier.zip", summary="申报书完整档案（ZIP，含 SHA-256 清单；市级管理员）")
def application_dossier(request, application_id: int):
    handle, filename, _files = dossier.build_dossier(request.user, application_id)
    return attachment(handle, filename, "application/zip")
