"""Pages of the designation: the public results (/results/), the public verification of a certificate
(/results/certificates/<number or SM3>/, where the certificate's QR code leads), the city's page that issues a
category's final list, and the certificate's download from the application page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.pdf import local_time
from core.errors import DomainError
from programmes.models import Call
from publicity import certificates, designations, rules_designations
from publicity.api_designations import pdf_response
from reviews.seals.uploads import read_upload


def results_page(request):
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    return render(
        request,
        "publicity/results.html",
        {"years": designations.results(year=year), "all_years": designations.result_years(), "year": year},
    )


@require_http_methods(["GET", "POST"])
def certificate_verify(request, key):
    designation = designations.certificate_lookup(key)
    context = {"designation": designation, "key": key, "presented": False}
    status = 200
    if request.method == "POST":
        try:
            data = read_upload(request)
        except DomainError as error:
            context.update(check={"genuine": False, "reason": error.message, "seals": None}, presented=True)
            return render(request, "publicity/certificate_verify.html", context, status=422)
        context.update(check=certificates.certificate_check(designation, data), presented=True)
    else:
        context["check"] = certificates.certificate_check(designation)
    if designation is None:
        status = 404
    seals = context["check"].get("seals") or {}
    for signature in seals.get("signatures", []):
        signature["signed_at_local"] = local_time(signature["signed_at"]) if signature["signed_at"] else ""
    if designation is not None:
        context["row"] = designations.public_row(designation)
    return render(request, "publicity/certificate_verify.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def designation_page(request, call_id, category):
    """The city's page: the standing publicity, its final list with a kind per entry, and the issue button."""
    if not rules_designations.may_issue(request.user):
        raise PermissionDenied
    call = get_object_or_404(Call, pk=call_id)
    category = get_object_or_404(call.categories, code=category)
    publicity = designations.publicity_of(call, category)
    if request.method == "POST":
        kinds = {key[len("kind_") :]: value for key, value in request.POST.items() if key.startswith("kind_")}
        try:
            outcome = designations.designations_issue(actor=request.user, call=call, category=category, kinds=kinds)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("已认定 %(n)s 家，%(m)s 家未入选；认定证书已盖章生成。")
                % {"n": len(outcome["designations"]), "m": len(outcome["not_selected"])},
            )
        return redirect("designations:designation_page", call_id=call.pk, category=category.code)
    issued = list(designations.designations_of(call, category))
    context = {
        "call": call,
        "category": category,
        "publicity": publicity,
        "entries": designations.final_entries(publicity) if publicity else [],
        "period_over": bool(publicity) and designations.period_over(publicity),
        "issued": [{"d": d, "kind_label": designations.kind_label(d.kind)} for d in issued],
        "kind_choices": [(k, designations.kind_label(k)) for k in designations.DEMONSTRATION_KINDS]
        if category.code == designations.DEMONSTRATION
        else [],
        "default_kind": designations.DEFAULT_KIND.get(category.code),
        "default_kind_label": designations.kind_label(designations.DEFAULT_KIND.get(category.code, "")),
    }
    return render(request, "publicity/designation_page.html", context)


@login_required
def certificate_download(request, pk):
    return pdf_response(request, designations.certificate_for(request.user, application_id=pk))
