"""Pages of the materials checklist: upload, delete, download, and a checklist page of its own.

Upload and delete work as plain multipart POSTs that redirect back (``?next=`` or a same-site referer),
and as XMLHttpRequests from static/js/upload.js, which get the re-rendered checklist back (422 when the
file was refused) and swap it in place, so the form on the page is never left.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from applications.materials.limits import (
    install_upload_limit,
    request_too_large,
    request_too_large_message,
    upload_request_limit,
)
from applications.materials.responses import material_file_response
from applications.materials.selectors import material_for
from applications.materials.services import (
    attach_material,
    check_can_change,
    delete_material,
    record_download,
    resolve_item,
)
from applications.models import Material
from applications.selectors import application_for
from applications.templatetags.material_tags import ERRORS_SESSION_KEY
from core.errors import DomainError, PermissionDeniedError


def _application_or_404(request, application_id):
    return application_for(request.user, pk=application_id)


def _is_xhr(request):
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.headers.get("HX-Request") == "true"


def _back_url(request, application):
    for candidate in (request.POST.get("next") if hasattr(request, "_post") else None, request.GET.get("next")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    referer = request.headers.get("Referer")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return reverse("applications:detail", args=[application.pk])


def _respond(request, application, *, errors=None, success=None, status=200):
    """XHR: the checklist fragment. Plain POST: flash the outcome and redirect back."""
    errors = errors or {}
    if _is_xhr(request):
        html = render_to_string(
            "applications/_materials.html",
            {"application": application, "material_errors": errors, "material_success": success},
            request=request,
        )
        return HttpResponse(html, status=status)
    if errors:
        request.session[ERRORS_SESSION_KEY % application.pk] = errors
        for message in errors.values():
            messages.error(request, message)
    elif success:
        messages.success(request, success)
    return redirect(_back_url(request, application))


def _error_key(request):
    return request.GET.get("item") or (request.POST.get("item") if hasattr(request, "_post") else "") or "_"


@csrf_exempt
@require_POST
def material_upload(request, application_id):
    """Outer view: caps the body before anything reads it, then hands over to the CSRF-protected view."""
    if not request.user.is_authenticated:
        if _is_xhr(request):
            return HttpResponse(status=401)
        return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
    application = _application_or_404(request, application_id)
    limit = upload_request_limit(application)
    if request_too_large(request, limit):
        # Nothing is changed here, so answering before the CSRF check (which would read the body) is safe.
        return _respond(
            request, application, errors={request.GET.get("item") or "_": request_too_large_message(limit)}, status=413
        )
    install_upload_limit(request, limit)
    return _material_upload(request, application, limit)


@csrf_protect
def _material_upload(request, application, limit):
    try:
        check_can_change(application=application, actor=request.user)
        if getattr(request, "upload_too_large", False):
            raise DomainError(request_too_large_message(limit), field="file")
        item = resolve_item(application=application, reference=request.POST.get("item") or request.GET.get("item"))
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise DomainError(_("请先选择要上传的文件。"), field="file")
        material = attach_material(
            application=application, item=item, uploaded_file=uploaded, actor=request.user, request=request
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        return _respond(request, application, errors={_error_key(request): exc.message}, status=exc.status)
    return _respond(
        request,
        application,
        success=_("已上传“%(file)s”（%(item)s）。") % {"file": material.original_name, "item": item.name},
    )


@login_required
@require_POST
def material_delete(request, application_id, material_id):
    application = _application_or_404(request, application_id)
    material = Material.objects.select_related("item").filter(pk=material_id, application=application).first()
    if material is None:
        raise Http404
    try:
        delete_material(application=application, material=material, actor=request.user, request=request)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        return _respond(request, application, errors={material.item.code: exc.message}, status=exc.status)
    return _respond(request, application, success=_("已删除“%(file)s”。") % {"file": material.original_name})


@login_required
@require_GET
def material_download(request, application_id, material_id):
    application = _application_or_404(request, application_id)
    material = material_for(request.user, application=application, material_id=material_id)
    record_download(material=material, actor=request.user, request=request)
    return material_file_response(material)


@login_required
@require_GET
def material_view(request, application_id, material_id):
    """The same file and the same check, shown in the browser (PDF and images; reviews' 查看); audited alike."""
    application = _application_or_404(request, application_id)
    material = material_for(request.user, application=application, material_id=material_id)
    record_download(material=material, actor=request.user, request=request, inline=True)
    return material_file_response(material, inline=True)


@login_required
@require_GET
def material_list(request, application_id):
    """The checklist on a page of its own (the edit page includes the same fragment)."""
    application = _application_or_404(request, application_id)
    return render(request, "applications/materials_page.html", {"application": application})
