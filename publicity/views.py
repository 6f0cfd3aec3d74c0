"""Pages of the publicity: the public page (no login; the list and the period cached per publicity, the
countdown live), the objection form behind it, the objector's status page (by the token link), and the city's
handling page per call (publish, read objections and their evidence, decide). Thin: selectors and services."""

from __future__ import annotations

import datetime as dt

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from applications.materials.limits import install_raw_filenames
from core.clientip import client_ip
from core.errors import DomainError
from evaluation.selectors import proposed_selection
from programmes.models import Call
from publicity import period, selectors, services
from publicity.api import ObjectionThrottle
from publicity.models import ObjectionFile
from publicity.rules import runs_call

_throttle = ObjectionThrottle()


def _list_html(pk: int) -> str:
    data = selectors.public_data(selectors.publicity_for_public(pk))
    return render_to_string("publicity/_list.html", {"p": data})


def _countdown(ends_on: dt.date) -> dict:
    left = period.remaining(ends_on)
    hours = int(left.total_seconds()) // 3600
    return {"days": hours // 24, "hours": hours % 24, "closes_at": period.closes_at(ends_on).isoformat()}


def _page(request, pk, *, errors=None, form=None, status=200, extra=None):
    version = selectors.version_of(pk)
    context = {
        "pk": pk,
        "version": version,
        "phase": period.phase(version["starts_on"], version["ends_on"]),
        "countdown": _countdown(version["ends_on"]),
        "list_html": mark_safe(selectors.cached("page", version, lambda: _list_html(pk))),  # noqa: S308 - ours
        "errors": errors or [],
        "form": form or {},
        **(extra or {}),
    }
    if context["phase"] == period.OPEN:
        # The form's choice of entry: the same cached data as the list (no query on a cache hit).
        data = selectors.cached("api", version, lambda: selectors.public_data(selectors.publicity_for_public(pk)))
        context["entries"], context["title"] = data["entries"], data["call"]["title"]
    return render(request, "publicity/page.html", context, status=status)


# The whole page of an anonymous first visit is cached with this in place of the CSRF token (base.html's
# language form), which is put in per response: every visitor still gets their own token and cookie.
CSRF_SENTINEL = "publicity-csrf-sentinel"


def _plain_visit(request) -> bool:
    """A visitor with no session, no pending message and no query: the page is the same for all of them."""
    cookies = request.COOKIES
    return not request.GET and settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _whole_page(request, pk) -> str:
    context = {"csrf_token": CSRF_SENTINEL}
    response = _page(request, pk, extra=context)
    return response.content.decode()


@require_GET
def publicity_page(request, pk):
    if not _plain_visit(request):
        return _page(request, pk)
    version = selectors.version_of(pk)
    hour = timezone.now().strftime("%Y%m%d%H")  # the server-written countdown is rewritten every hour
    body = selectors.cached("whole", version, lambda: _whole_page(request, pk), hour)
    return HttpResponse(body.replace(CSRF_SENTINEL, get_token(request)))


# Public and anonymous by design: the objector is who they sign as, never the session, so a forged
# cross-site post gains nothing a direct one would not; the cached page carries no per-visitor token.
@csrf_exempt
@require_POST
def objection_submit(request, pk):
    install_raw_filenames(request)  # evidence filenames checked as sent (docs/materials.md)
    publicity = selectors.publicity_for_public(pk)
    form = {k: request.POST.get(k, "") for k in ("application", "name", "mobile", "grounds")}
    if not _throttle.allow_request(request):
        return _page(request, pk, errors=[{"message": _("提交过于频繁，请稍后再试。")}], form=form, status=429)
    try:
        objection = services.lodge_objection(
            publicity=publicity,
            files=request.FILES.getlist("files"),
            ip=client_ip(request),
            application_id=form["application"],
            name=form["name"],
            mobile=form["mobile"],
            grounds=form["grounds"],
        )
    except DomainError as exc:
        return _page(request, pk, errors=exc.errors, form=form, status=422)
    return redirect("publicity:status", token=objection.token)


@require_GET
def objection_status(request, token):
    objection = selectors.objection_by_token(token)
    return render(request, "publicity/status.html", {"objection": objection, "link": services.status_link(objection)})


# ---------------------------------------------------------------------------------------------- the city


def _run(request, call) -> None:
    # Staff who do not run the call learn nothing about it: 404, as for an object they cannot see.
    if not runs_call(request.user, call):
        raise Http404


@login_required
@require_GET
def city_call(request, call_id):
    call = get_object_or_404(Call, pk=call_id)
    _run(request, call)
    publicities = list(selectors.publicities_of_call(request.user, call))
    objections = {}
    for o in selectors.objections_for(request.user).filter(publicity__call=call):
        objections.setdefault(o.publicity_id, []).append(o)
    for p in publicities:
        p.objection_rows = objections.get(p.pk, [])
        p.entry_rows = list(p.entries.all())
    categories = [{"category": c, "selection": proposed_selection(call, c)["entries"]} for c in call.categories.all()]
    context = {"call": call, "publicities": publicities, "categories": categories, "today": period.local_today()}
    return render(request, "publicity/city_call.html", context)


@login_required
@require_POST
def city_publish(request, call_id):
    call = get_object_or_404(Call, pk=call_id)
    _run(request, call)
    category = call.categories.filter(code=request.POST.get("category")).first()
    try:
        if category is None:
            raise DomainError(_("本批次没有该申报类别。"))
        starts_on = dt.date.fromisoformat(request.POST["starts_on"]) if request.POST.get("starts_on") else None
        publicity = services.publish(
            actor=request.user,
            call=call,
            category=category,
            starts_on=starts_on,
            days=int(request.POST.get("days") or period.DEFAULT_DAYS),
            working_days=request.POST.get("working_days") == "on",
            supervision_phone=request.POST.get("supervision_phone", ""),
            supervision_contact=request.POST.get("supervision_contact", ""),
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", None) or _("请检查公示开始日期和天数。"))
        return redirect("publicity:call", call_id=call.pk)
    messages.success(request, _("公示已发布。"))
    return redirect("publicity:page", pk=publicity.pk)


@login_required
@require_POST
def city_decide(request, pk):
    objection = selectors.objections_for(request.user).filter(pk=pk).first()
    if objection is None:
        raise Http404
    try:
        services.decide(
            actor=request.user,
            objection=objection,
            upheld=request.POST.get("upheld") == "1",
            reply=request.POST.get("reply", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("异议已处理，答复已通过短信发送给异议人。"))
    return redirect("publicity:call", call_id=objection.publicity.call_id)


@login_required
@require_GET
def evidence_file(request, pk, file_id):
    record = get_object_or_404(ObjectionFile.objects.select_related("objection__publicity"), pk=file_id, objection=pk)
    if not rules.has_perm("publicity.view_objections", request.user, record.objection.publicity):
        raise Http404
    response = FileResponse(record.file.open("rb"), as_attachment=True, filename=record.original_name)
    response["Content-Type"] = record.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
