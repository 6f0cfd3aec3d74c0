"""Pages of the review's lists: the county queue (/review/), outreach (/review/outreach/) and the city's
dashboard (/review/city/). Thin: parse, one selector or service, render. Plain GET forms and links (htmx swaps
the table from the same page when it is there)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from applications import listing
from applications.rules import allowed
from core.errors import DomainError, PermissionDeniedError
from reviews import dashboards, outreach, queue

OUTREACH_PAGE_SIZE = 50


def _require(request, perm, message):
    if not allowed(request.user, perm):
        raise PermissionDenied(message)


@login_required
def review_queue(request):
    _require(request, "reviews.view_queue", _("只有县区审核人员和市级管理员可以查看审核列表。"))
    query = queue.parse_queue_query(request.GET)
    page, rows = queue.queue_page(request.user, query)
    context = {
        "page": page,
        "rows": rows,
        "query": query,
        "links": listing.page_links(page, query),
        "filters": queue.queue_filters(request.user),
        "show_region": not allowed(request.user, "reviews.view_outreach"),  # the city sees every unit
        "unit": getattr(request.user.organisation, "region", None),
    }
    return render(request, "reviews/queue.html", context)


def _call(request):
    call = outreach.current_call(request.GET.get("call") or request.POST.get("call"))
    if call is None:
        raise Http404(_("还没有申报批次。"))
    return call


@login_required
def review_outreach(request):
    _require(request, "reviews.view_outreach", _("只有县区审核人员可以查看本县区企业的申报进度。"))
    call = _call(request)
    region = request.user.organisation.region
    progress = outreach.unit_progress(region.pk, call)
    only = request.GET.get("only", "")
    enterprises = progress["enterprises"]
    if only == "drafting":
        enterprises = [e for e in enterprises if e.has_unsubmitted]
    query = listing.ListQuery(
        page=listing.parse_query(request.GET).page, page_size=OUTREACH_PAGE_SIZE, extra={"only": only} if only else {}
    )
    page = _page_of_list(enterprises, query)
    context = {
        **progress,
        "unit": region,
        "page": page,
        "rows": page.items,
        "query": query,
        "links": listing.page_links(page, query),
        "only": only,
        "call_open": call.deadline >= timezone.now(),
    }
    return render(request, "reviews/outreach.html", context)


def _page_of_list(items, query):
    num_pages = max(1, -(-len(items) // query.page_size))
    number = min(query.page, num_pages)
    start = (number - 1) * query.page_size
    return listing.ListPage(
        count=len(items), page=number, page_size=query.page_size, items=items[start : start + query.page_size]
    )


@login_required
@require_POST
def review_outreach_remind(request):
    call = _call(request)
    try:
        reminded = outreach.remind_unsubmitted(actor=request.user, call=call)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if reminded:
            messages.success(
                request,
                ngettext(
                    "已向 %(n)s 家尚未提交的企业发送提醒（站内消息和电子邮件）。",
                    "已向 %(n)s 家尚未提交的企业发送提醒（站内消息和电子邮件）。",
                    len(reminded),
                )
                % {"n": len(reminded)},
            )
        else:
            messages.info(request, _("没有需要提醒的企业：尚未提交的企业今天都已提醒过。"))
    return redirect(f"{reverse('reviews:outreach')}?call={call.pk}")


@login_required
def city_dashboard(request):
    _require(request, "reviews.view_city_dashboard", _("只有市级管理员可以查看全市审核情况。"))
    call = _call(request)
    return render(request, "reviews/city_dashboard.html", dashboards.city_overview(call))
