"""Pages of the forwarding batches (thin: one selector or service each).

/review/batches/ — the county's batches of its unit (and 组建上报批次), the city's forwarded batches with their
seals verified; /review/batches/new/ — pick the unit's recommended applications; /review/batches/<id>/ — the
documents, the seals with their verification, the seal and forward buttons.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.rules import allowed
from core.errors import DomainError
from reviews import api_batches, batches
from reviews.models import BatchDocument
from reviews.rules import bureau_of


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


@login_required
def batch_list(request):
    qs = batches.batches_visible_to(request.user)
    may_assemble = allowed(request.user, "reviews.add_batch")
    if not may_assemble and not allowed(request.user, "reviews.view_city_dashboard"):
        raise PermissionDenied(_("只有县区审核人员和市级管理员可以查看上报批次。"))
    page = _page_number(request)
    count, page_rows = batches.batches_page(qs, page)
    rows = [
        {"batch": b, "verification": batches.verification_of(b, full=False), "counts": batches.counts_by_category(b)}
        for b in page_rows
    ]
    context = {
        "rows": rows,
        "count": count,
        "page": page,
        "has_next": page * batches.PAGE_SIZE < count,
        "may_assemble": may_assemble,
        "waiting": batches.batchable_applications(request.user).count() if may_assemble else 0,
        "city": not may_assemble,
    }
    return render(request, "reviews/batch_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def batch_new(request):
    if not allowed(request.user, "reviews.add_batch"):
        raise PermissionDenied(_("只有县区工信、财政部门的审核人员可以组建上报批次。"))
    candidates = list(batches.batchable_applications(request.user))
    errors, chosen = [], set()
    if request.method == "POST":
        try:
            chosen = {int(v) for v in request.POST.getlist("applications")}
        except ValueError:
            chosen = set()
        try:
            batch = batches.batch_assemble(actor=request.user, application_ids=sorted(chosen))
        except DomainError as error:
            errors = [e["message"] for e in error.errors]
        else:
            messages.success(request, _("已组建上报批次 %(number)s。") % {"number": batch.number})
            return redirect("reviews:batch_detail", pk=batch.pk)
    context = {"candidates": candidates, "errors": errors, "chosen": chosen}
    return render(request, "reviews/batch_new.html", context, status=422 if errors else 200)


@login_required
def batch_detail(request, pk):
    batch = batches.batch_for(request.user, pk=pk)
    verification = batches.verification_of(batch)
    by_kind = {}
    for document in batch.documents.order_by("kind", "seals"):
        by_kind[document.kind] = document
    context = {
        "batch": batch,
        "items": batch.items.select_related("application__enterprise", "application__category", "snapshot").order_by(
            "position"
        ),
        "counts": batches.counts_by_category(batch),
        "documents": [
            {"document": by_kind[k], "filename": batches.document_filename(batch, k), "path": path}
            for k, path in api_batches.DOWNLOAD_PATHS.items()
            if k in by_kind
        ],
        "seals": batches.seals_of(batch),
        "verification": verification,
        "actions": batches.actions_for(batch, request.user),
        "my_bureau": bureau_of(request.user),
        "sealed_bureaus": {s.bureau for s in batch.seals.all()},
    }
    return render(request, "reviews/batch_detail.html", context)


@login_required
@require_POST
def batch_seal(request, pk):
    batch = batches.batch_for(request.user, pk=pk)
    try:
        batches.batch_seal(batch=batch, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已盖章：%(org)s。") % {"org": request.user.organisation.name})
    return redirect("reviews:batch_detail", pk=batch.pk)


@login_required
@require_POST
def batch_forward(request, pk):
    batch = batches.batch_for(request.user, pk=pk)
    try:
        batches.batch_forward(batch=batch, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("上报批次 %(number)s 已上报市级。") % {"number": batch.number})
    return redirect("reviews:batch_detail", pk=batch.pk)


@login_required
def batch_document(request, pk, name):
    kinds = {path: kind for kind, path in api_batches.DOWNLOAD_PATHS.items()}
    if name not in kinds:
        raise Http404
    return api_batches.document_response(
        request, batches.batch_for(request.user, pk=pk), BatchDocument.Kind(kinds[name])
    )
