"""API of the materials checklist: upload (multipart), delete and download one application's materials.

404 for an application (or material) the caller may not see, 403 for one they may see but never change
(a reviewer), 409 when the application is no longer editable, 422 for a refused file.
"""

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from applications.materials.checks import too_large_message
from applications.materials.limits import (
    install_upload_limit,
    request_too_large,
    request_too_large_message,
    upload_request_limit,
)
from applications.materials.responses import material_file_response
from applications.materials.selectors import material_as_dict, material_for, materials_visible_to
from applications.materials.services import (
    attach_material,
    check_can_change,
    delete_material,
    record_download,
    resolve_item,
)
from applications.models import Material
from applications.selectors import application_for
from core.errors import DomainError

router = Router(tags=["materials"])


class MaterialOut(Schema):
    id: int
    item: int
    item_code: str
    item_name: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    download_url: str


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["item", "file"],
                    "properties": {
                        "item": {"type": "string", "description": "材料项代码（如 business_licence）或编号"},
                        "file": {"type": "string", "format": "binary", "description": "PDF、JPEG、PNG 或 OFD"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/applications/{application_id}/materials",
    response={201: MaterialOut},
    openapi_extra=_UPLOAD_BODY,
    summary="上传一份申报材料",
)
def upload_material(request, application_id: int):
    """multipart/form-data: `item` (材料项代码或编号) 和 `file`。不允许多个文件的材料项，新文件替换旧文件。"""
    user = request.auth
    application = application_for(user, pk=application_id)
    # Permission before the body is read: nobody else's upload is ever spooled to disk.
    check_can_change(application=application, actor=user)
    limit = upload_request_limit(application)
    if request_too_large(request, limit):
        raise DomainError(request_too_large_message(limit), field="file")
    install_upload_limit(request, limit)
    files, post = request.FILES, request.POST
    if getattr(request, "upload_too_large", False):
        raise DomainError(request_too_large_message(limit), field="file")
    item = resolve_item(application=application, reference=post.get("item"))
    uploaded = files.get("file")
    if uploaded is None:
        raise DomainError(_("请选择要上传的文件（字段 file）。"), field="file")
    if uploaded.size and uploaded.size > item.max_size_bytes:
        raise DomainError(too_large_message(item, uploaded.size), field="file")
    material = attach_material(application=application, item=item, uploaded_file=uploaded, actor=user, request=request)
    return 201, material_as_dict(material)


def _material_or_404(application, material_id):
    material = Material.objects.select_related("item").filter(pk=material_id, application=application).first()
    if material is None:
        raise Http404
    return material


@router.get("/applications/{application_id}/materials", response=list[MaterialOut], summary="申报材料列表")
def list_materials(request, application_id: int):
    application = application_for(request.auth, pk=application_id)
    return [material_as_dict(m) for m in materials_visible_to(request.auth, application=application)]


@router.delete("/applications/{application_id}/materials/{material_id}", response={204: None}, summary="删除材料")
def remove_material(request, application_id: int, material_id: int):
    user = request.auth
    application = application_for(user, pk=application_id)
    material = _material_or_404(application, material_id)
    check_can_change(application=application, actor=user)
    delete_material(application=application, material=material, actor=user, request=request)
    return 204, None


@router.get(
    "/applications/{application_id}/materials/{material_id}/file", url_name="material_file", summary="下载材料文件"
)
def material_file(request, application_id: int, material_id: int):
    application = application_for(request.auth, pk=application_id)
    material = material_for(request.auth, application=application, material_id=material_id)
    record_download(material=material, actor=request.auth, request=request)
    return material_file_response(material)
