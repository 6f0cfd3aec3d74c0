"""The city's page of the expert pool: the list, add and edit one expert, the xlsx import and the template and
export downloads, one-time set-password links (one expert, or every expert without a password); and the form of
a call's evaluation settings. Thin: every write is the API's service
(evaluation.services); city officers only (403)."""

from __future__ import annotations

from urllib.parse import quote

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from evaluation import pool_xlsx, selectors, services
from evaluation.forms import ExpertCreateForm, ExpertEditForm, ImportForm, SettingsForm
from evaluation.models import Expert
from notifications.models import Delivery
from programmes.models import Call

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 5 * 1024 * 1024


def _city(request):
    if not rules.has_perm("evaluation.manage_experts", request.user):
        raise PermissionDenied(_("只有市级管理员可以管理专家库。"))


def _page(request, *, import_form=None, problems=(), status=200):
    context = {
        "experts": selectors.experts_list(),
        "import_form": import_form or ImportForm(),
        "problems": problems,
    }
    return render(request, "evaluation/pool.html", context, status=status)


@login_required
@require_GET
def pool(request):
    _city(request)
    return _page(request)


def _form_page(request, form, expert=None, status=200):
    return render(request, "evaluation/pool_form.html", {"form": form, "expert": expert}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def expert_add(request):
    _city(request)
    form = ExpertCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_create(actor=request.user, data=dict(form.cleaned_data))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("已新增专家：%(name)s") % {"name": expert})
            return redirect("evaluation:pool")
    return _form_page(request, form, status=422 if form.errors else 200)


def _initial(expert):
    names = ("field", "employer_name", "employer_credit_code", "title", "contact", "active")
    return {**{n: getattr(expert, n) for n in names}, "region": expert.region_id or ""}


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk):
    _city(request)
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    form = ExpertEditForm(request.POST or None, initial=_initial(expert))
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(actor=request.user, expert=expert, changes=dict(form.cleaned_data))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("已保存专家信息：%(name)s") % {"name": expert})
            return redirect("evaluation:pool")
    return _form_page(request, form, expert, status=422 if form.errors else 200)


@login_required
@require_POST
def experts_import(request):
    _city(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, import_form=form, status=422)
    file = form.cleaned_data["file"]
    if file.size > MAX_UPLOAD:
        form.add_error("file", _("文件不能超过 5 MB。"))
        return _page(request, import_form=form, status=422)
    try:
        result = services.experts_import(actor=request.user, content=file.read())
    except DomainError as exc:
        return _page(request, import_form=form, problems=exc.errors, status=422)
    messages.success(request, _("已导入专家库：新增 %(created)s 人，更新 %(updated)s 人。") % result)
    if result["created"]:
        messages.info(request, _("新导入的专家还没有登录密码，请点击“为未设置密码的专家发送设置密码链接”。"))
    return redirect("evaluation:pool")


def _links_page(request, issued):
    """The links just issued, shown this once for the officer to hand over (never stored, never cached)."""
    rows = [
        {"expert": expert, "link": link, "emailed": any(m.email_state == Delivery.QUEUED for m in sent)}
        for expert, link, sent in issued
    ]
    return render(request, "evaluation/pool_links.html", {"rows": rows})


@login_required
@require_POST
@never_cache
def expert_password_link(request, pk):
    if not rules.has_perm("evaluation.issue_password_link", request.user):
        raise PermissionDenied(_("只有市级管理员可以为专家发送设置密码链接。"))
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    try:
        link, sent = services.expert_password_link(actor=request.user, expert=expert)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:pool")
    return _links_page(request, [(expert, link, sent)])


@login_required
@require_POST
@never_cache
def experts_password_links(request):
    if not rules.has_perm("evaluation.issue_password_link", request.user):
        raise PermissionDenied(_("只有市级管理员可以为专家发送设置密码链接。"))
    issued = services.experts_password_links(actor=request.user)
    if not issued:
        messages.info(request, _("专家库中没有未设置密码的专家。"))
        return redirect("evaluation:pool")
    return _links_page(request, issued)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def experts_template(request):
    _city(request)
    return _xlsx(pool_xlsx.template_bytes(), "专家库导入模板.xlsx")


@login_required
@require_GET
def experts_export(request):
    _city(request)
    return _xlsx(pool_xlsx.export_bytes(services.experts_export_rows()), "专家库.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def call_settings(request, call_id):
    """The call page's settings form posts here; a refused form is shown again here with what was typed."""
    if not rules.has_perm("evaluation.change_settings", request.user):
        raise PermissionDenied(_("只有市级管理员可以修改评审设置。"))
    call = get_object_or_404(Call, pk=call_id)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_of(selectors.settings_for(call)))
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(actor=request.user, call=call, changes=dict(form.cleaned_data))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("评审设置已保存。"))
            return redirect("evaluation:call", call_id=call.pk)
    status = 422 if form.errors else 200
    return render(request, "evaluation/pool_settings.html", {"call": call, "form": form}, status=status)
