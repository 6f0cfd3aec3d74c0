"""Pages of applications: start, the sectioned form with autosave and the live eligibility panel, submit,
withdraw, the read-only view after submission and the PDF download. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import forms, layout, listing, selectors, services, workflow
from applications.materials.selectors import materials_missing
from applications.pdf_cache import get_or_render_pdf
from applications.rules import allowed
from core.errors import Conflict, DomainError, PermissionDeniedError
from enterprises.selectors import profile_for, snapshot_of
from programmes import vocabulary
from programmes.models import Call

ERROR_SUMMARY_LIMIT = 50


def _live_profile(application):
    profile = profile_for(application.enterprise)
    return snapshot_of(profile) if profile else {}


def _panel_context(application, data=None):
    figures = selectors.application_figures(application, data=data)
    eligibility = selectors.eligibility_for(application, figures=figures)
    return {
        "application": application,
        "figures": figures,
        "eligibility": eligibility,
        "missing_materials": materials_missing(application),
        "area_labels": dict(vocabulary.AREAS),
        "comparison_rows": vocabulary.COMPARISON_ROWS,
    }


def panel_html(request, application, data=None):
    return render_to_string("applications/_eligibility_panel.html", _panel_context(application, data), request=request)


def _page(request, application, *, data=None, errors=None, submit_errors=None, status=200):
    editable = selectors.is_editable(application) and allowed(
        request.user, "applications.change_application", application
    )
    definition = forms.definition_for_application(application)
    if errors is None and editable:
        try:
            _clean, errors = forms.validate(definition, application.data, call=application.call)
        except forms.StructureError as exc:
            errors = exc.errors
    reading = selectors.application_reading(request.user, application=application)
    snapshot = selectors.latest_snapshot(application)
    panel = _panel_context(application, data)
    if reading["frozen"]:
        # Submitted, or read by staff: what was frozen (form, profile, verdict), not the live draft or profile.
        profile_json = reading["profile"]
        data = reading["data"]
        panel.update(figures=reading["figures"], eligibility=reading["eligibility"], missing_materials=[])
    else:
        profile_json = _live_profile(application)
    is_open, _seconds = selectors.time_left(application.call)
    context = {
        "application": application,
        "definition": definition,
        "sections": layout.build(definition, data if data is not None else application.data, errors, editable=editable),
        "editable": editable,
        "errors": errors or [],
        "submit_errors": submit_errors or [],
        "profile": profile_json,
        "has_profile": bool(profile_json),
        "time_left": selectors.time_left_text(application.call),
        "call_open": is_open,
        "declaration_text": services.DECLARATION_TEXT,
        "actions": workflow.available(application, request.user),
        "snapshot": snapshot,
        "printable": bool(application.digest) and not selectors.is_editable(application),
        "panel": panel,
        "material_next": reverse("applications:detail", args=[application.pk]),
    }
    return render(request, "applications/application.html", context, status=status)


@login_required
def application_list(request):
    # The heading, one page of rows with their actions, the filters and the start buttons for this user
    # (applications.listing, from the rules). htmx swaps the table from this same page (hx-select).
    context = listing.application_list(request.user, request.GET)
    context["links"] = listing.page_links(context["page"], context["query"])
    return render(request, "applications/application_list.html", context)


@login_required
@require_POST
def application_start(request, call_id, code):
    call = get_object_or_404(Call, pk=call_id)
    category = get_object_or_404(call.categories, code=code)
    # Only the actor's own organisation's application: an administrator, who may read every enterprise's,
    # must never be sent into one of them by a 填报 button.
    existing = selectors.own_application(request.user, call=call, category=category)
    if existing is not None:
        return redirect("applications:detail", existing.pk)
    try:
        application = services.application_create(call=call, category=category, actor=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:list")
    messages.success(request, _("已新建“%(c)s”申报书，填写内容会自动保存。") % {"c": category.name})
    return redirect("applications:detail", application.pk)


@login_required
def application_detail(request, pk):
    application = selectors.application_for(request.user, pk=pk)
    if request.method != "POST":
        return _page(request, application)
    # The plain (no-JavaScript) form: save the draft, then submit when asked.
    definition = forms.definition_for_application(application)
    data = forms.parse_post(definition, request.POST)
    try:
        application, errors = services.application_save_draft(
            application=application, data=data, version=request.POST.get("version"), actor=request.user
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except Conflict as exc:
        messages.error(request, exc.message)
        return _page(request, application, data=data, status=409)
    except DomainError as exc:
        return _page(request, application, data=data, errors=exc.errors, status=422)
    if request.POST.get("action") == "submit":
        try:
            application = services.application_submit(
                application=application, actor=request.user, declaration=request.POST.get("declaration") == "on"
            )
        except Conflict as exc:
            messages.error(request, exc.message)
            return _page(request, application, status=409)
        except DomainError as exc:
            return _page(request, application, errors=errors, submit_errors=exc.errors, status=422)
        messages.success(
            request, _("申报书已提交，受理编号 %(no)s。请下载打印申请书（一式两份）。") % {"no": application.receipt_no}
        )
        return redirect("applications:detail", application.pk)
    if errors:
        messages.warning(request, _("草稿已保存，但有 %(n)s 处需要修改后才能提交。") % {"n": len(errors)})
    else:
        messages.success(request, _("草稿已保存。"))
    return redirect("applications:detail", application.pk)


def _json_error(message, status, **extra):
    return JsonResponse({"errors": [{"field": None, "message": message}], **extra}, status=status)


def application_autosave(request, pk):
    """The page's autosave (form-encoded, same parser as the plain form). JSON, never a redirect."""
    if not request.user.is_authenticated:
        return _json_error(_("登录已超时，请重新登录；已输入的内容暂存在本机浏览器中，登录后会继续保存。"), 401)
    if request.method != "POST":
        return _json_error(_("只接受 POST。"), 405)
    application = selectors.application_for(request.user, pk=pk)
    definition = forms.definition_for_application(application)
    data = forms.parse_post(definition, request.POST)
    try:
        application, errors = services.application_save_draft(
            application=application, data=data, version=request.POST.get("version"), actor=request.user
        )
    except DomainError as exc:
        return JsonResponse({"saved": False, "errors": exc.errors}, status=exc.status)
    saved_at = timezone.localtime(application.updated_at)
    return JsonResponse(
        {
            "saved": True,
            "version": application.version,
            "saved_at": application.updated_at.isoformat(),
            "saved_at_text": saved_at.strftime("%H:%M:%S"),
            "errors": errors,
            "panel_html": panel_html(request, application),
        }
    )


@login_required
def application_panel(request, pk):
    application = selectors.application_for(request.user, pk=pk)
    return HttpResponse(panel_html(request, application))


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    """GET: the confirmation page (the way without JavaScript). POST with confirm=yes: withdraw; a POST without
    it (a plain form, no JavaScript dialog) is sent to the confirmation page instead of withdrawing."""
    application = selectors.application_for(request.user, pk=pk)
    if not allowed(request.user, workflow.WITHDRAW, application):
        raise PermissionDenied(_("您不能撤回这份申报书。"))
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        step = workflow.find(application.status, "withdraw")
        if step is None:
            messages.error(request, _("申报书当前状态为“%(s)s”，不能撤回。") % {"s": application.get_status_display()})
            return redirect("applications:detail", application.pk)
        if request.method == "POST":
            return redirect("applications:withdraw", application.pk)
        return render(request, "applications/withdraw_confirm.html", {"application": application, "step": step})
    try:
        services.application_withdraw(
            application=application, actor=request.user, comment=request.POST.get("comment", "")
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申报已撤回，可修改后在截止时间前重新提交。"))
    return redirect("applications:detail", application.pk)


@login_required
def application_pdf(request, pk):
    application = selectors.application_for(request.user, pk=pk)
    if not application.digest:
        messages.error(request, _("申报书尚未提交，没有可打印的正式申请书。"))
        return redirect("applications:detail", application.pk)
    # Withdrawn or returned: pdf_cache.PdfNotAvailable is an Http404 (the PDF work's contract); the page has no link then.
    response = HttpResponse(get_or_render_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.receipt_no}.pdf"'
    return response
