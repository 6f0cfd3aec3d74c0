"""The city's page of the expert review, per call: for each category the draw (size, optional seed) and its
redraw (with a reason, while nobody has declared), the completion, the ranking with Kendall's W, the quota and the proposed selection with its changes.

Thin: selectors and services; every write is the same service as the API's.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from evaluation import selectors, selectors_city, services
from evaluation.models import Panel
from programmes.models import Call


def _city(request):
    if not rules.has_perm("evaluation.view_ranking", request.user):
        raise PermissionDenied(_("只有市级管理员可以组织专家评审。"))


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def call_evaluation(request, call_id):
    _city(request)
    call = get_object_or_404(Call, pk=call_id)
    settings = selectors.settings_for(call)
    categories = []
    for category in call.categories.all():
        ranking = selectors.ranking(call, category)
        categories.append(
            {
                "category": category,
                "redraw_refusal": selectors_city.panel_redraw_refusal(ranking["panel"]) if ranking["panel"] else None,
                "waiting": selectors.applications_for_experts(call, category).count(),
                "ranking": ranking,
                "selection": selectors.proposed_selection(call, category) if ranking["panel"] else None,
            }
        )
    context = {"call": call, "settings": settings, "categories": categories}
    return render(request, "evaluation/city_call.html", context)


def _back(call_id):
    return redirect("evaluation:call", call_id=call_id)


@login_required
@require_POST
def call_draw(request, call_id):
    _city(request)
    call = get_object_or_404(Call, pk=call_id)
    category = get_object_or_404(call.categories, code=request.POST.get("category"))
    seed = request.POST.get("seed", "").strip()
    try:
        panel = services.panel_draw(
            actor=request.user,
            call=call,
            category=category,
            size=_int(request.POST.get("size")),
            seed=_int(seed) if seed else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已抽取评审专家，随机种子 %(seed)s。") % {"seed": panel.seed})
    return _back(call_id)


@login_required
@require_POST
def call_redraw(request, call_id):
    """Discard the category's panel and draw anew (services.panel_redraw: a reason, nobody declared yet)."""
    _city(request)
    call = get_object_or_404(Call, pk=call_id)
    category = get_object_or_404(call.categories, code=request.POST.get("category"))
    panel = get_object_or_404(Panel, call=call, category=category)
    seed = request.POST.get("seed", "").strip()
    size = request.POST.get("size", "").strip()
    try:
        panel = services.panel_redraw(
            actor=request.user,
            panel=panel,
            reason=request.POST.get("reason", ""),
            size=_int(size) if size else None,
            seed=_int(seed) if seed else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新抽取评审专家，随机种子 %(seed)s。") % {"seed": panel.seed})
    return _back(call_id)


@login_required
@require_POST
def call_quota(request, call_id):
    _city(request)
    call = get_object_or_404(Call, pk=call_id)
    category = get_object_or_404(call.categories, code=request.POST.get("category"))
    try:
        services.selection_quota(
            actor=request.user, call=call, category=category, quota=_int(request.POST.get("quota"))
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(call_id)


@login_required
@require_POST
def call_selection_change(request, call_id):
    _city(request)
    call = get_object_or_404(Call, pk=call_id)
    category = get_object_or_404(call.categories, code=request.POST.get("category"))
    try:
        services.selection_change(
            actor=request.user,
            call=call,
            category=category,
            application_id=_int(request.POST.get("application")),
            include=request.POST.get("include") == "yes",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(call_id)
